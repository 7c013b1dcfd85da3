"use client";

import { useActionState } from "react";
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FormAlert, inputClassName } from "@/components/ui/form-alert";
import { createIngestTokenAction, revokeIngestTokenAction } from "@/lib/dora/actions";

/** Creates an ingest token and shows its secret, once. */
export function CreateIngestTokenForm() {
  const [state, formAction, pending] = useActionState(createIngestTokenAction, null);
  const nameError = state?.ok === false ? state.fieldErrors?.name?.[0] : undefined;
  return (
    <div className="flex flex-col gap-3">
      <form action={formAction} className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-56 flex-1 flex-col gap-1 text-sm">
          <span className="font-medium">New token name</span>
          <input
            name="name"
            required
            maxLength={64}
            placeholder="e.g. ci-deployments"
            defaultValue={state?.ok === false ? state.values?.name : ""}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? "ingest-token-name-error" : undefined}
            className={inputClassName}
          />
        </label>
        <Button type="submit" disabled={pending}>
          <KeyRound aria-hidden />
          Create token
        </Button>
      </form>
      {nameError ? (
        <p id="ingest-token-name-error" className="text-xs text-destructive">
          {nameError}
        </p>
      ) : null}
      {state?.ok === false && !nameError ? <FormAlert message={state.error} details={state.details} /> : null}
      {state?.ok === true ? (
        <div role="status" className="rounded-md border bg-muted/40 p-3 text-sm">
          <p>
            Token <strong>{state.data.name}</strong> created. Copy the secret now: it is not shown again.
          </p>
          <input
            readOnly
            aria-label={`Secret of ${state.data.name}`}
            value={state.data.secret}
            onFocus={(e) => e.currentTarget.select()}
            className={`${inputClassName} mt-2 font-mono text-xs`}
          />
          <p className="mt-1 text-xs text-muted-foreground">Send it as <code>Authorization: Bearer &lt;secret&gt;</code> to POST /api/v1/events.</p>
        </div>
      ) : null}
    </div>
  );
}

/** Revokes one ingest token. */
export function RevokeIngestTokenButton({ id, name }: { id: string; name: string }) {
  const [state, formAction, pending] = useActionState(revokeIngestTokenAction, null);
  return (
    <form action={formAction} className="inline-flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="outline" size="sm" disabled={pending} aria-label={`Revoke ${name}`}>
        Revoke
      </Button>
      {state?.ok === false ? (
        <p role="status" className="text-xs text-destructive">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
