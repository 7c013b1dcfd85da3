"use client";

import { useActionState, useRef } from "react";
import { Loader2, Upload } from "lucide-react";
import { Button } from "@/components/ui/button";
import { importYamlAction } from "@/lib/catalog/actions";
import { FormResult } from "./form-result";

const MAX_BYTES = 2 * 1024 * 1024;

export function ImportYamlForm() {
  const [state, formAction, pending] = useActionState(importYamlAction, null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fieldError = state?.ok === false ? state.fieldErrors?.yaml?.[0] : undefined;

  return (
    <form action={formAction} className="flex flex-col gap-3">
      <label htmlFor="yaml" className="text-sm font-medium">
        catalog-info.yaml
      </label>
      <textarea
        ref={textarea}
        id="yaml"
        name="yaml"
        rows={14}
        spellCheck={false}
        defaultValue={state?.ok === false ? state.values?.yaml : undefined}
        aria-invalid={!!fieldError}
        aria-describedby={fieldError ? "yaml-error" : undefined}
        placeholder={"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: my-service\nspec:\n  type: service\n  lifecycle: production\n  owner: team-checkout"}
        className="w-full rounded-md border border-input bg-background p-3 font-mono text-xs outline-none focus-visible:ring-2 focus-visible:ring-ring"
      />
      {fieldError ? (
        <p id="yaml-error" className="text-sm text-destructive">
          {fieldError}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <label className="inline-flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm hover:bg-accent focus-within:ring-2 focus-within:ring-ring">
          <Upload className="size-4" aria-hidden /> Upload a file
          <input
            type="file"
            accept=".yaml,.yml,text/yaml,application/yaml"
            className="sr-only"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file || !textarea.current) return;
              if (file.size > MAX_BYTES) {
                window.alert("That file is larger than 2 MB.");
                return;
              }
              textarea.current.value = await file.text();
            }}
          />
        </label>
        <Button type="submit" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : null} Import
        </Button>
      </div>
      <FormResult state={state} />
    </form>
  );
}
