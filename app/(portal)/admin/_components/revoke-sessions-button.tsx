"use client";

import { useActionState } from "react";
import { LogOut } from "lucide-react";
import { Button } from "@/components/ui/button";
import { revokeSessionsAction } from "@/lib/admin/actions";

export function RevokeSessionsButton({ userId, label, count, isSelf }: { userId: string; label: string; count: number; isSelf: boolean }) {
  const [state, formAction, pending] = useActionState(revokeSessionsAction, null);
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <input type="hidden" name="userId" value={userId} />
      <div className="flex items-center gap-2">
        <span className="text-sm tabular-nums text-muted-foreground" aria-label={`${count} active sessions`}>
          {count}
        </span>
        <Button type="submit" variant="outline" size="sm" disabled={pending || count === 0} aria-label={`Sign out ${label} everywhere`}>
          <LogOut aria-hidden />
          {isSelf ? "Sign me out everywhere" : "Sign out everywhere"}
        </Button>
      </div>
      <p role="status" aria-live="polite" className="text-xs">
        {state?.ok === false ? <span className="text-destructive">{state.error}</span> : null}
        {state?.ok === true ? <span className="text-muted-foreground">Ended {state.data.revoked} session(s).</span> : null}
      </p>
    </form>
  );
}
