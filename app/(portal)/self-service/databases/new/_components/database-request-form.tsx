"use client";

import Link from "next/link";
import { useActionState, useMemo, useState } from "react";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FormAlert, inputClassName } from "@/components/ui/form-alert";
import { fieldAria, FormField } from "@/components/ui/form-field";
import { cn } from "@/components/ui/cn";
import { requestDatabaseAction } from "@/lib/self-service/actions";
import { BACKUP_RETENTION, databaseRequestFormSchema, ENGINES, ENVIRONMENTS, JUSTIFICATION, TIERS } from "@/lib/self-service/rules";

type Option = { value: string; label: string };

/** The database request form: the same schema checks here as they type, and on the server. */
export function DatabaseRequestForm({ services, initialService }: { services: Option[]; initialService?: string }) {
  const [state, formAction, pending] = useActionState(requestDatabaseAction, null);
  const submitted = state?.ok === false ? (state.values ?? {}) : {};
  const [values, setValues] = useState<Record<string, string>>({
    service: submitted.service ?? initialService ?? "",
    environment: submitted.environment ?? "dev",
    engine: submitted.engine ?? "postgres",
    engineVersion: submitted.engineVersion ?? ENGINES.postgres.versions[ENGINES.postgres.versions.length - 1]!,
    tier: submitted.tier ?? "small",
    backupRetentionDays: submitted.backupRetentionDays ?? "7",
    multiAz: submitted.multiAz ?? "",
    justification: submitted.justification ?? "",
  });
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const isProd = values.environment === "prod";

  const clientErrors = useMemo(() => {
    const result = databaseRequestFormSchema.safeParse(values);
    const errors: Record<string, string> = {};
    if (!result.success) for (const issue of result.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return errors;
  }, [values]);
  const serverErrors = state?.ok === false ? (state.fieldErrors ?? {}) : {};
  const errorFor = (name: string) => (touched.has(name) ? clientErrors[name] : undefined) ?? serverErrors[name]?.[0];

  const set = (name: string, value: string) => {
    setValues((v) => {
      const next = { ...v, [name]: value };
      if (name === "engine") {
        const versions = ENGINES[value as keyof typeof ENGINES]?.versions ?? [];
        next.engineVersion = versions[versions.length - 1] ?? "";
      }
      return next;
    });
    setTouched((t) => new Set(t).add(name));
  };

  const field = (name: string, label: string, control: React.ReactNode, help?: string) => (
    <FormField name={name} label={label} error={errorFor(name) ? <WithRequestLink text={errorFor(name)!} /> : undefined} help={help}>
      {control}
    </FormField>
  );
  const a11y = (name: string) => fieldAria(name, !!errorFor(name));
  const engineVersions = ENGINES[values.engine as keyof typeof ENGINES]?.versions ?? [];

  return (
    <form
      action={formAction}
      noValidate
      className="flex max-w-2xl flex-col gap-5"
      onSubmit={(e) => {
        if (Object.keys(clientErrors).length) {
          e.preventDefault();
          setTouched(new Set(Object.keys(values)));
          document.getElementById(Object.keys(clientErrors)[0]!)?.focus();
        }
      }}
    >
      {state?.ok === false ? (
        <FormAlert message={state.error} details={state.details} />
      ) : null}
      {field(
        "service",
        "Service",
        <select {...a11y("service")} value={values.service} onChange={(e) => set("service", e.target.value)} className={inputClassName}>
          <option value="">Choose a service</option>
          {services.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>,
        "Only services your team owns are listed.",
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        {field(
          "environment",
          "Environment",
          <select {...a11y("environment")} value={values.environment} onChange={(e) => set("environment", e.target.value)} className={inputClassName}>
            {ENVIRONMENTS.map((env) => (
              <option key={env}>{env}</option>
            ))}
          </select>,
        )}
        {field(
          "engine",
          "Engine",
          <select {...a11y("engine")} value={values.engine} onChange={(e) => set("engine", e.target.value)} className={inputClassName}>
            {Object.keys(ENGINES).map((engine) => (
              <option key={engine}>{engine}</option>
            ))}
          </select>,
        )}
        {field(
          "engineVersion",
          "Version",
          <select {...a11y("engineVersion")} value={values.engineVersion} onChange={(e) => set("engineVersion", e.target.value)} className={inputClassName}>
            {engineVersions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>,
        )}
      </div>
      <fieldset className="flex flex-col gap-1.5" aria-describedby={errorFor("tier") ? "tier-error" : undefined}>
        <legend className="mb-1.5 text-sm font-medium">Size</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          {Object.entries(TIERS).map(([tier, spec]) => (
            <label
              key={tier}
              className={cn("flex cursor-pointer flex-col rounded-lg border p-3 text-sm focus-within:ring-2 focus-within:ring-ring", values.tier === tier && "border-primary bg-primary/5")}
            >
              <span className="flex items-center gap-2 font-medium">
                <input type="radio" name="tier" value={tier} checked={values.tier === tier} onChange={() => set("tier", tier)} className="accent-[var(--primary)]" />
                {tier}
              </span>
              <span className="mt-1 text-xs text-muted-foreground">
                {spec.instanceClass} · {spec.storageGb} GB
              </span>
            </label>
          ))}
        </div>
        {errorFor("tier") ? (
          <p id="tier-error" className="text-sm text-destructive">
            {errorFor("tier")}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        {field(
          "backupRetentionDays",
          "Backup retention (days)",
          <input {...a11y("backupRetentionDays")} type="number" inputMode="numeric" min={BACKUP_RETENTION.min} max={BACKUP_RETENTION.max} value={values.backupRetentionDays} onChange={(e) => set("backupRetentionDays", e.target.value)} className={inputClassName} />,
          `${BACKUP_RETENTION.min}–${BACKUP_RETENTION.max} days; production needs at least ${BACKUP_RETENTION.prodMin}.`,
        )}
        <div className="flex flex-col gap-1.5">
          <span className="text-sm font-medium">Availability</span>
          <label className="flex h-10 items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="multiAz"
              value="true"
              checked={isProd || values.multiAz === "true"}
              disabled={isProd}
              onChange={(e) => set("multiAz", e.target.checked ? "true" : "")}
              className="size-4 accent-[var(--primary)]"
            />
            Multi-AZ (a standby in a second zone)
          </label>
          {isProd ? <input type="hidden" name="multiAz" value="true" /> : null}
          <p className="text-xs text-muted-foreground">{isProd ? "Always on in production." : "Costs about twice as much."}</p>
        </div>
      </div>
      {field(
        "justification",
        "Justification",
        <textarea {...a11y("justification")} rows={4} maxLength={JUSTIFICATION.max + 1} value={values.justification} onChange={(e) => set("justification", e.target.value)} className={`${inputClassName} h-auto py-2`} />,
        `Why this service needs it (${(values.justification ?? "").length}/${JUSTIFICATION.max}). Reviewers read this.`,
      )}
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : null} Submit request
        </Button>
      </div>
    </form>
  );
}

/** Shows a path to an existing request inside a message (the duplicate-request error) as a link. */
function WithRequestLink({ text }: { text: string }) {
  const match = /\/self-service\/databases\/[a-z0-9]+/i.exec(text);
  if (!match) return <>{text}</>;
  return (
    <>
      {text.slice(0, match.index).replace(/:\s*$/, "")}{" "}
      <Link href={match[0]} className="underline">
        Open the existing request
      </Link>
      {text.slice(match.index + match[0].length)}
    </>
  );
}
