"use client";

import { useActionState, useId } from "react";
import { Button } from "@/components/ui/button";
import { setRolloutAction } from "@/lib/flags/actions";

/** The percentage of a gradual rollout in one environment, saved with its button. */
export function RolloutForm({ service, flag, environment, rollout }: { service: string; flag: string; environment: string; rollout: number }) {
  const [state, formAction, pending] = useActionState(setRolloutAction, null);
  const inputId = useId();
  const fieldError = state?.ok === false ? state.fieldErrors?.rollout?.[0] : undefined;
  const formError = state?.ok === false && !fieldError ? state.error : undefined;
  const value = state?.ok === false ? (state.values?.rollout ?? String(rollout)) : String(rollout);
  return (
    <form action={formAction} className="flex flex-col gap-1">
      <input type="hidden" name="service" value={service} />
      <input type="hidden" name="flag" value={flag} />
      <input type="hidden" name="environment" value={environment} />
      <div className="flex items-center gap-2">
        <label htmlFor={inputId} className="sr-only">
          Rollout of {flag} in {environment} (percent)
        </label>
        {/* key: redraw with the saved value after a successful save or a refresh */}
        <input
          key={`${rollout}-${state?.ok === false ? "err" : "ok"}`}
          id={inputId}
          name="rollout"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          defaultValue={value}
          aria-invalid={!!fieldError}
          aria-describedby={fieldError || formError ? `${inputId}-error` : undefined}
          className="h-8 w-20 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive"
        />
        <span className="text-sm text-muted-foreground">%</span>
        <Button type="submit" size="sm" variant="outline" disabled={pending}>
          Save
        </Button>
      </div>
      {fieldError || formError ? (
        <p id={`${inputId}-error`} role="alert" className="max-w-xs text-xs text-destructive">
          {fieldError ?? formError}
        </p>
      ) : null}
      {state?.ok ? (
        <p role="status" className="text-xs text-muted-foreground">
          Saved: {state.data.rollout}%
        </p>
      ) : null}
    </form>
  );
}
