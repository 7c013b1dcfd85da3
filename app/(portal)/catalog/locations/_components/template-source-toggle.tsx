"use client";

import { useActionState } from "react";
import { Loader2 } from "lucide-react";
import { ActionError } from "@/components/ui/action-error";
import { Button } from "@/components/ui/button";
import { setTemplateSourceAction } from "@/lib/catalog/actions";

/** Whether a location's templates are offered in Create, with the button that changes it. */
export function TemplateSourceToggle({ locationId, target, enabled, templateCount }: { locationId: string; target: string; enabled: boolean; templateCount: number }) {
  const [state, formAction, pending] = useActionState(setTemplateSourceAction, null);
  return (
    <form action={formAction} className="flex flex-col items-start gap-1">
      <input type="hidden" name="locationId" value={locationId} />
      <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
      <span className="text-sm">
        {enabled ? "Offered in Create" : "Not offered"}
        <span className="block text-xs text-muted-foreground">
          {templateCount} template{templateCount === 1 ? "" : "s"}
        </span>
      </span>
      <Button type="submit" size="sm" variant="outline" disabled={pending} aria-label={`${enabled ? "Stop offering" : "Offer"} the templates of ${target}`}>
        {pending ? <Loader2 className="animate-spin" aria-hidden /> : null}
        {enabled ? "Stop offering" : "Offer templates"}
      </Button>
      <ActionError state={state} />
    </form>
  );
}
