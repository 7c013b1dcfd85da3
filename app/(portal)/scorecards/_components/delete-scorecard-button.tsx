"use client";

import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { Loader2, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { deleteScorecardAction } from "@/lib/scorecards/actions";

/** Deletes a scorecard written in Pave, with its results and history, after a confirmation. */
export function DeleteScorecardButton({ name, title }: { name: string; title: string }) {
  const [state, formAction, pending] = useActionState(deleteScorecardAction, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) {
      router.push("/scorecards");
      router.refresh();
    }
  }, [state, router]);
  return (
    <form
      action={formAction}
      className="flex flex-col gap-2"
      onSubmit={(e) => {
        if (!window.confirm(`Delete the scorecard "${title}" and all its results?`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="name" value={name} />
      <div>
        <Button type="submit" variant="destructive" size="sm" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : <Trash2 aria-hidden />} Delete scorecard
        </Button>
      </div>
      {state && !state.ok ? <FormAlert message={state.error} details={state.details} /> : null}
    </form>
  );
}
