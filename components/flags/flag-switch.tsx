"use client";

import { useActionState, useId } from "react";
import { ActionError } from "@/components/ui/action-error";
import { cn } from "@/components/ui/cn";
import { toggleFlagAction } from "@/lib/flags/actions";

/** The on/off switch of one flag in one environment; submits the opposite of its state. */
export function FlagSwitch({ service, flag, environment, enabled }: { service: string; flag: string; environment: string; enabled: boolean }) {
  const [state, formAction, pending] = useActionState(toggleFlagAction, null);
  const errorId = useId();
  const failed = state?.ok === false;
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="service" value={service} />
      <input type="hidden" name="flag" value={flag} />
      <input type="hidden" name="environment" value={environment} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <button
        type="submit"
        role="switch"
        aria-checked={enabled}
        aria-label={`${flag} in ${environment}`}
        aria-describedby={failed ? errorId : undefined}
        disabled={pending}
        className={cn(
          "inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50",
          enabled ? "bg-primary" : "bg-input",
        )}
      >
        <span className={cn("block size-5 rounded-full bg-background shadow transition-transform", enabled ? "translate-x-5" : "translate-x-0")} />
      </button>
      <ActionError state={state} id={errorId} />
    </form>
  );
}
