import Link from "next/link";
import { CheckCircle2 } from "lucide-react";
import { FormAlert } from "@/components/ui/form-alert";
import type { ActionResult } from "@/lib/action";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";

/** What an import did, or every problem it found. */
export function FormResult({ state }: { state: ActionResult<{ created: string[]; updated: string[] }> | null }) {
  if (!state) return null;
  if (!state.ok) return <FormAlert message={state.error} details={state.details} />;
  const keys = [...state.data.created, ...state.data.updated];
  return (
    <div role="status" className="rounded-md border border-success/40 bg-success/10 p-3 text-sm">
      <p className="flex items-center gap-2 font-medium">
        <CheckCircle2 className="size-4 shrink-0 text-success" aria-hidden />
        Imported {state.data.created.length} new and {state.data.updated.length} updated {keys.length === 1 ? "entity" : "entities"}.
      </p>
      <ul className="mt-2 flex flex-wrap gap-2">
        {keys.slice(0, 30).map((k) => (
          <li key={k}>
            <Link href={entityHrefFromKey(k)} className="text-primary hover:underline">
              {refLabel(k)}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
