"use client";

import { useActionState } from "react";
import { Loader2, RefreshCw, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { deleteLocationAction, refreshLocationAction } from "@/lib/catalog/actions";

export function LocationActions({ locationId, target }: { locationId: string; target: string }) {
  const [refreshState, refresh, refreshing] = useActionState(refreshLocationAction, null);
  const [deleteState, remove, deleting] = useActionState(deleteLocationAction, null);
  const message =
    refreshState?.ok === false
      ? refreshState.error
      : deleteState?.ok === false
        ? deleteState.error
        : refreshState?.ok
          ? `Refreshed: ${refreshState.data.created} new, ${refreshState.data.updated} updated, ${refreshState.data.deleted} removed.`
          : null;
  return (
    <div className="inline-flex flex-col items-end gap-1">
      <div className="flex gap-2">
        <form action={refresh}>
          <input type="hidden" name="locationId" value={locationId} />
          <Button type="submit" variant="outline" size="sm" disabled={refreshing} aria-label={`Refresh ${target}`}>
            {refreshing ? <Loader2 className="animate-spin" aria-hidden /> : <RefreshCw aria-hidden />} Refresh
          </Button>
        </form>
        <form
          action={remove}
          onSubmit={(e) => {
            if (!window.confirm("Remove this location and every entity it provides?")) e.preventDefault();
          }}
        >
          <input type="hidden" name="locationId" value={locationId} />
          <Button type="submit" variant="outline" size="sm" disabled={deleting} aria-label={`Remove ${target}`}>
            <Trash2 aria-hidden /> Remove
          </Button>
        </form>
      </div>
      {message ? (
        <p role="status" className={refreshState?.ok === false || deleteState?.ok === false ? "max-w-xs text-xs text-destructive" : "text-xs text-muted-foreground"}>
          {message}
        </p>
      ) : null}
    </div>
  );
}
