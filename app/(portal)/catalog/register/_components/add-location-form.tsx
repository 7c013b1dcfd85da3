"use client";

import { useActionState } from "react";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { addLocationAction } from "@/lib/catalog/actions";
import { FormResult } from "./form-result";

export function AddLocationForm() {
  const [state, formAction, pending] = useActionState(addLocationAction, null);
  const fieldError = state?.ok === false ? state.fieldErrors?.target?.[0] : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-3">
      <label htmlFor="target" className="text-sm font-medium">
        File URL
      </label>
      <input
        id="target"
        name="target"
        type="text"
        required
        defaultValue={state?.ok === false ? state.values?.target : undefined}
        aria-invalid={!!fieldError}
        aria-describedby="target-help"
        placeholder="https://github.com/acme/checkout/blob/main/catalog-info.yaml"
        className="h-10 w-full rounded-md border border-input bg-background px-3 font-mono text-xs outline-none focus-visible:ring-2 focus-visible:ring-ring"
      />
      <p id="target-help" className="text-xs text-muted-foreground">
        {fieldError ? <span className="text-destructive">{fieldError} </span> : null}
        GitHub: https://github.com/OWNER/REPO/blob/BRANCH/path/catalog-info.yaml. Local git (embedded default): file:///path/to/repo.git/blob/main/catalog-info.yaml, inside the configured git root.
      </p>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="templateSource" className="mt-0.5 size-4 accent-primary" defaultChecked={state?.ok === false && state.values?.templateSource === "on"} />
        <span>
          Offer its templates in Create
          <span className="block text-xs text-muted-foreground">Template entities in this file become golden paths anyone can run. Only tick this for repositories the platform team controls.</span>
        </span>
      </label>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : null} Add location
        </Button>
      </div>
      <FormResult state={state} />
    </form>
  );
}
