"use client";

import { useActionState } from "react";
import { Check, GitMerge, Loader2, MessageSquareWarning, X } from "lucide-react";
import { Button } from "@/components/ui/button";
import { decideRequestAction } from "@/lib/self-service/actions";

/** Review actions for the embedded default, where the change request lives in Pave. */
export function DecisionButtons({ requestId, status, ownRequest }: { requestId: string; status: string; ownRequest: boolean }) {
  const [state, formAction, pending] = useActionState(decideRequestAction, null);
  const button = (decision: string, label: string, icon: React.ReactNode, variant: "default" | "outline" | "destructive" = "outline") => (
    <Button type="submit" name="decision" value={decision} variant={variant} size="sm" disabled={pending}>
      {pending ? <Loader2 className="animate-spin" aria-hidden /> : icon} {label}
    </Button>
  );
  return (
    <form action={formAction} className="mt-4 flex flex-col gap-2 border-t pt-4">
      <p className="text-sm font-medium">Review (platform team)</p>
      <input type="hidden" name="requestId" value={requestId} />
      {ownRequest ? <p className="text-xs text-muted-foreground">You asked for this database, so someone else on the platform team approves and merges it.</p> : null}
      <div className="flex flex-wrap gap-2">
        {ownRequest
          ? null
          : status === "approved"
            ? button("merge", "Merge", <GitMerge aria-hidden />, "default")
            : button("approve", "Approve", <Check aria-hidden />, "default")}
        {button("request_changes", "Request changes", <MessageSquareWarning aria-hidden />)}
        {button("reject", "Reject", <X aria-hidden />, "destructive")}
      </div>
      {state?.ok === false ? (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
