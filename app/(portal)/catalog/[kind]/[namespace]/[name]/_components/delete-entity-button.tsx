"use client";

import { useActionState } from "react";
import { Trash2 } from "lucide-react";
import { ActionError } from "@/components/ui/action-error";
import { Button } from "@/components/ui/button";
import { deleteEntityAction } from "@/lib/catalog/actions";

export function DeleteEntityButton({ entityKey, label }: { entityKey: string; label: string }) {
  const [state, formAction, pending] = useActionState(deleteEntityAction, null);
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (!window.confirm(`Delete ${label} from the catalog? This cannot be undone.`)) e.preventDefault();
      }}
      className="inline-flex flex-col items-end gap-1"
    >
      <input type="hidden" name="key" value={entityKey} />
      <Button type="submit" variant="outline" size="sm" disabled={pending}>
        <Trash2 aria-hidden /> Delete
      </Button>
      <ActionError state={state} />
    </form>
  );
}
