"use client";

import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { createScorecardAction, updateScorecardAction } from "@/lib/scorecards/actions";

/** Where a saved scorecard lives, from an action's data if it names it. */
function savedName(data: unknown, fallback?: string): string | undefined {
  if (data && typeof data === "object" && "name" in data && typeof data.name === "string") return data.name;
  return fallback;
}

/**
 * The scorecard YAML editor. The server validates with the same parser the evaluation
 * uses, and every problem comes back as "path: reason" under the field.
 */
export function ScorecardForm({ mode, name, initialYaml }: { mode: "create" | "update"; name?: string; initialYaml: string }) {
  const [state, formAction, pending] = useActionState(mode === "create" ? createScorecardAction : updateScorecardAction, null);
  const router = useRouter();

  useEffect(() => {
    if (!state?.ok) return;
    const saved = savedName(state.data, name);
    router.push(saved ? `/scorecards/${encodeURIComponent(saved)}` : "/scorecards");
    router.refresh();
  }, [state, name, router]);

  const failed = state?.ok === false ? state : null;
  const problems = failed ? [...(failed.fieldErrors?.yaml ?? []), ...Object.entries(failed.fieldErrors ?? {}).filter(([key]) => key !== "yaml").flatMap(([key, list]) => list.map((m) => `${key}: ${m}`))] : [];
  const details = failed ? [...(failed.details ?? []), ...problems.filter((p) => !(failed.details ?? []).includes(p))] : [];
  const invalid = details.length > 0;

  return (
    <form action={formAction} noValidate className="flex max-w-4xl flex-col gap-3">
      {name ? <input type="hidden" name="name" value={name} /> : null}
      {failed ? (
        <div id="yaml-error">
          <FormAlert message={failed.error} details={details} />
        </div>
      ) : null}
      <label htmlFor="yaml" className="text-sm font-medium">
        Scorecard YAML
      </label>
      <textarea
        id="yaml"
        name="yaml"
        rows={28}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        // A failed save shows what was sent, so nothing typed is lost.
        key={failed?.values?.yaml ?? "initial"}
        defaultValue={failed?.values?.yaml ?? initialYaml}
        aria-invalid={invalid}
        aria-describedby={invalid ? "yaml-error" : "yaml-help"}
        className="w-full rounded-md border border-input bg-background p-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-2 focus-visible:ring-ring aria-[invalid=true]:border-destructive"
      />
      <p id="yaml-help" className="text-xs text-muted-foreground">
        apiVersion pave.dev/v1, kind Scorecard: metadata (name, title, description), spec.appliesTo (kind, type, lifecycle), spec.levels (lowest first) and
        spec.rules (id, title, level, check, howToFix, link).
      </p>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : null} {mode === "create" ? "Create scorecard" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
