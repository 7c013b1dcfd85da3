"use client";

import { useActionState } from "react";
import { Loader2, RefreshCw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { evaluateScorecardsAction } from "@/lib/scorecards/actions";

/** Queues an evaluation of every scorecard now instead of waiting for the next catalog refresh. */
export function EvaluateButton() {
  const [state, formAction, pending] = useActionState(evaluateScorecardsAction, null);
  return (
    <form action={formAction} className="flex items-center gap-2">
      <span aria-live="polite" className="text-sm text-muted-foreground">
        {state?.ok ? (
          state.data.queued ? (
            "Evaluation queued; reload in a moment."
          ) : (
            "An evaluation is already queued."
          )
        ) : state && !state.ok ? (
          <span className="text-destructive">{state.error}</span>
        ) : null}
      </span>
      <Button type="submit" variant="outline" size="sm" disabled={pending}>
        {pending ? <Loader2 className="animate-spin" aria-hidden /> : <RefreshCw aria-hidden />} Evaluate now
      </Button>
    </form>
  );
}
