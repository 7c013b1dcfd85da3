"use client";

import { useActionState } from "react";
import { Hammer, Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormAlert } from "@/components/ui/form-alert";
import { requestDocsBuildAction } from "@/lib/docs/actions";

/**
 * Queues a docs build for one entity, built even if its commit is unchanged; the page
 * shows the result once the job has run. `subtle` is the quiet variant beside the build line.
 */
export function BuildDocsButton({ entityKey, label = "Build docs now", subtle = false }: { entityKey: string; label?: string; subtle?: boolean }) {
  const [state, formAction, pending] = useActionState(requestDocsBuildAction, null);
  return (
    <form action={formAction} className={cn("flex flex-col gap-2", subtle ? "items-end" : "items-center")}>
      <input type="hidden" name="entityKey" value={entityKey} />
      <Button type="submit" size="sm" variant={subtle ? "outline" : "default"} disabled={pending}>
        {pending ? <Loader2 className="animate-spin" aria-hidden /> : <Hammer aria-hidden />} {label}
      </Button>
      <div aria-live="polite" className="text-sm">
        {state?.ok ? (
          <p className="text-muted-foreground">
            {state.data.queued ? "Build queued." : "A build was already queued moments ago."} Reload this page in a minute to see the docs.
          </p>
        ) : null}
      </div>
      {state && !state.ok ? <FormAlert message={state.error} details={state.details} /> : null}
    </form>
  );
}
