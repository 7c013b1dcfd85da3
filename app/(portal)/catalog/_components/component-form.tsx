"use client";

import { useActionState } from "react";
import { Loader2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { FormAlert, inputClassName } from "@/components/ui/form-alert";
import { fieldAria, FormField } from "@/components/ui/form-field";
import { saveComponentAction } from "@/lib/catalog/actions";

type Option = { value: string; label: string };
export type ComponentFormValues = Partial<Record<"name" | "title" | "description" | "type" | "lifecycle" | "owner" | "system" | "tags" | "dependsOn" | "providesApis" | "consumesApis", string>>;

const TYPES = ["service", "website", "library", "worker", "cli"];
const LIFECYCLES = ["experimental", "production", "deprecated"];

/** Create or edit a Component; errors come back field by field and the form keeps what was typed. */
export function ComponentForm({ initial, entityKey, owners, systems }: { initial: ComponentFormValues; entityKey?: string; owners: Option[]; systems: Option[] }) {
  const [state, formAction, pending] = useActionState(saveComponentAction, null);
  const values: ComponentFormValues = state?.ok === false && state.values ? state.values : initial;
  const errors = state?.ok === false ? (state.fieldErrors ?? {}) : {};

  const field = (name: keyof ComponentFormValues, label: string, control: React.ReactNode, help?: string) => (
    <FormField name={name} label={label} error={errors[name]?.length ? errors[name]!.join(" ") : undefined} help={help}>
      {control}
    </FormField>
  );
  const a11y = (name: keyof ComponentFormValues) => fieldAria(name, !!errors[name]?.length);

  return (
    // key: a failed submit re-mounts the fields with the submitted values.
    <form action={formAction} key={JSON.stringify(values)} className="flex max-w-2xl flex-col gap-4" noValidate>
      {state?.ok === false && !Object.keys(errors).length ? (
        <FormAlert message={state.error} details={state.details} />
      ) : state?.ok === false ? (
        <p role="alert" className="text-sm text-destructive">
          {state.error}
        </p>
      ) : null}
      {entityKey ? <input type="hidden" name="key" value={entityKey} /> : null}
      {field(
        "name",
        "Name",
        <input {...a11y("name")} defaultValue={values.name} readOnly={!!entityKey} required maxLength={63} className={inputClassName} />,
        entityKey ? "The name identifies the component and cannot change." : 'Letters and digits separated by "-", "_" or ".", e.g. checkout-service.',
      )}
      {field("title", "Title", <input {...a11y("title")} defaultValue={values.title} maxLength={200} className={inputClassName} />, "A display name (optional).")}
      {field(
        "description",
        "Description",
        <textarea {...a11y("description")} defaultValue={values.description} rows={3} maxLength={2000} className={`${inputClassName} h-auto py-2`} />,
        "What it does, in a sentence or two.",
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        {field(
          "type",
          "Type",
          <select {...a11y("type")} defaultValue={values.type ?? "service"} className={inputClassName}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>,
        )}
        {field(
          "lifecycle",
          "Lifecycle",
          <select {...a11y("lifecycle")} defaultValue={values.lifecycle ?? "experimental"} className={inputClassName}>
            {LIFECYCLES.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>,
        )}
        {field(
          "owner",
          "Owner",
          <select {...a11y("owner")} defaultValue={values.owner ?? ""} required className={inputClassName}>
            <option value="" disabled>
              Choose a team
            </option>
            {owners.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>,
          "The team responsible for it.",
        )}
        {field(
          "system",
          "System",
          <select {...a11y("system")} defaultValue={values.system ?? ""} className={inputClassName}>
            <option value="">None</option>
            {systems.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>,
        )}
      </div>
      {field("tags", "Tags", <input {...a11y("tags")} defaultValue={values.tags} className={inputClassName} />, "Comma-separated, lowercase, e.g. java, payments.")}
      {field("dependsOn", "Depends on", <input {...a11y("dependsOn")} defaultValue={values.dependsOn} className={inputClassName} />, "Entity refs, comma-separated, e.g. component:payments-service, resource:orders-db.")}
      <div className="grid gap-4 sm:grid-cols-2">
        {field("providesApis", "Provides APIs", <input {...a11y("providesApis")} defaultValue={values.providesApis} className={inputClassName} />, "API names, comma-separated.")}
        {field("consumesApis", "Consumes APIs", <input {...a11y("consumesApis")} defaultValue={values.consumesApis} className={inputClassName} />, "API names, comma-separated.")}
      </div>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? <Loader2 className="animate-spin" aria-hidden /> : null}
          {entityKey ? "Save changes" : "Create component"}
        </Button>
      </div>
    </form>
  );
}
