"use client";

import { useMemo, useRef, useState, useTransition } from "react";
import { AlertCircle, Check, ChevronLeft, ChevronRight, FileText, Loader2, Rocket } from "lucide-react";
import { Button } from "@/components/ui/button";
import { inputClassName } from "@/components/ui/form-alert";
import { cn } from "@/components/ui/cn";
import {
  coerceValues,
  formatRepoUrlValue,
  isSecretField,
  parseRepoUrlValue,
  validateAllPages,
  validatePage,
  type ParameterPage,
  type ParameterProperty,
} from "@/lib/scaffolder/parameters";
import { dryRunAction, startRunAction } from "@/lib/scaffolder/actions";
import type { DryRunResult } from "@/lib/scaffolder/runs";

type Option = { value: string; label: string };
type Props = {
  templateId: string;
  pages: ParameterPage[];
  initialValues: Record<string, unknown>;
  /** Choices for OwnerPicker/EntityPicker fields, by field name. */
  pickerOptions: Record<string, Option[]>;
};


export function Wizard({ templateId, pages, initialValues, pickerOptions }: Props) {
  const [values, setValues] = useState<Record<string, unknown>>(initialValues);
  const [page, setPage] = useState(0);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [preview, setPreview] = useState<DryRunResult | null>(null);
  const [openFile, setOpenFile] = useState<string | null>(null);
  const [previewing, startPreview] = useTransition();
  const [creating, startCreate] = useTransition();
  const formRef = useRef<HTMLFormElement>(null);
  const reviewIndex = pages.length;
  const onReview = page === reviewIndex;

  const typed = useMemo(() => coerceValues(pages, values), [pages, values]);
  const liveErrors = useMemo(() => (onReview ? {} : validatePage(pages[page]!, typed)), [onReview, pages, page, typed]);
  const errorFor = (name: string) => serverErrors[name] ?? (touched.has(name) ? liveErrors[name] : undefined);

  function setValue(name: string, value: unknown) {
    setValues((v) => ({ ...v, [name]: value }));
    setTouched((t) => new Set(t).add(name));
    setServerErrors((current) => Object.fromEntries(Object.entries(current).filter(([field]) => field !== name)));
    setPreview(null);
  }

  function focusFirstError(names: string[]) {
    const first = names[0];
    if (first) requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus());
  }

  function next() {
    const problems = Object.keys(validatePage(pages[page]!, typed));
    const names = Object.keys(pages[page]!.properties ?? {});
    setTouched((t) => new Set([...t, ...names]));
    if (problems.length) return focusFirstError(problems);
    setPage((p) => p + 1);
  }

  function handleServerErrors(result: { error: string; fieldErrors?: Record<string, string[]> }) {
    const fields = Object.fromEntries(Object.entries(result.fieldErrors ?? {}).map(([k, v]) => [k, v[0] ?? "Invalid"]));
    setServerErrors(fields);
    setFormError(result.error);
    const firstPage = pages.findIndex((p) => Object.keys(p.properties ?? {}).some((n) => fields[n]));
    if (firstPage >= 0) {
      setPage(firstPage);
      focusFirstError(Object.keys(fields));
    }
  }

  function runPreview() {
    setFormError(null);
    startPreview(async () => {
      const result = await dryRunAction(null, { templateId, values: typed });
      if (result.ok) {
        setPreview(result.data);
        setOpenFile(result.data.files.find((f) => f.path.endsWith("catalog-info.yaml"))?.path ?? result.data.files[0]?.path ?? null);
      } else handleServerErrors(result);
    });
  }

  function create() {
    const { errors, firstPage } = validateAllPages(pages, typed);
    if (firstPage >= 0) {
      setServerErrors(errors);
      setPage(firstPage);
      return focusFirstError(Object.keys(errors));
    }
    setFormError(null);
    startCreate(async () => {
      const result = await startRunAction(null, { templateId, values: typed });
      // On success the action redirects to the run page; anything returned is a problem.
      if (result && !result.ok) handleServerErrors(result);
    });
  }

  const steps = [...pages.map((p, i) => p.title ?? `Step ${i + 1}`), "Review"];

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (onReview) create();
        else next();
      }}
      className="flex flex-col gap-6"
    >
      <ol aria-label="Wizard steps" className="flex flex-wrap gap-2">
        {steps.map((title, i) => (
          <li key={title + i}>
            <button
              type="button"
              onClick={() => i < page && setPage(i)}
              disabled={i > page}
              aria-current={i === page ? "step" : undefined}
              className={cn(
                "flex items-center gap-2 rounded-full border px-3 py-1 text-sm",
                i === page ? "border-primary bg-primary/10 font-medium text-primary" : i < page ? "hover:bg-accent" : "text-muted-foreground",
              )}
            >
              <span className={cn("flex size-5 items-center justify-center rounded-full text-xs", i < page ? "bg-primary text-primary-foreground" : "border")}>
                {i < page ? <Check className="size-3" aria-hidden /> : i + 1}
              </span>
              {title}
            </button>
          </li>
        ))}
      </ol>

      {formError ? (
        <div role="alert" className="flex items-center gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          <AlertCircle className="size-4 shrink-0" aria-hidden /> {formError}
        </div>
      ) : null}

      {!onReview ? (
        <fieldset className="flex max-w-2xl flex-col gap-5">
          <legend className="mb-3 text-lg font-semibold">{pages[page]!.title ?? `Step ${page + 1}`}</legend>
          {pages[page]!.description ? <p className="-mt-2 text-sm text-muted-foreground">{pages[page]!.description}</p> : null}
          {Object.entries(pages[page]!.properties ?? {}).map(([name, property]) => (
            <Field
              key={name}
              name={name}
              property={property}
              required={pages[page]!.required?.includes(name) ?? false}
              value={values[name]}
              error={errorFor(name)}
              options={pickerOptions[name]}
              onChange={(v) => setValue(name, v)}
            />
          ))}
        </fieldset>
      ) : (
        <Review pages={pages} values={typed} onEdit={setPage} />
      )}

      {onReview ? (
        <section aria-labelledby="preview-title" className="flex flex-col gap-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h2 id="preview-title" className="text-lg font-semibold">
              Dry-run preview
            </h2>
            <Button type="button" variant="outline" onClick={runPreview} disabled={previewing}>
              {previewing ? <Loader2 className="animate-spin" aria-hidden /> : <FileText aria-hidden />} {preview ? "Refresh preview" : "Preview files"}
            </Button>
          </div>
          <p className="text-sm text-muted-foreground">Renders the template without creating anything: no repository, no catalog entry.</p>
          {preview ? <Preview preview={preview} openFile={openFile} onOpen={setOpenFile} /> : null}
        </section>
      ) : null}

      <div className="flex gap-2">
        {page > 0 ? (
          <Button type="button" variant="outline" onClick={() => setPage((p) => p - 1)}>
            <ChevronLeft aria-hidden /> Back
          </Button>
        ) : null}
        {onReview ? (
          <Button type="submit" disabled={creating}>
            {creating ? <Loader2 className="animate-spin" aria-hidden /> : <Rocket aria-hidden />} Create
          </Button>
        ) : (
          <Button type="submit">
            Next <ChevronRight aria-hidden />
          </Button>
        )}
      </div>
    </form>
  );
}

function Field(props: {
  name: string;
  property: ParameterProperty;
  required: boolean;
  value: unknown;
  error?: string;
  options?: Option[];
  onChange: (value: unknown) => void;
}) {
  const { name, property, required, value, error, options, onChange } = props;
  const id = `field-${name}`;
  const help = property["ui:help"] ?? property.description;
  const describedBy = error ? `${id}-error` : help ? `${id}-help` : undefined;
  const common = { id, "data-field": name, "aria-invalid": !!error, "aria-describedby": describedBy, "aria-required": required, autoFocus: property["ui:autofocus"] };
  const label = (
    <label htmlFor={id} className="text-sm font-medium">
      {property.title ?? name}
      {required ? <span className="text-destructive"> *</span> : null}
    </label>
  );
  let control: React.ReactNode;
  const field = property["ui:field"];

  if (field === "RepoUrlPicker") {
    const parsed = parseRepoUrlValue(value) ?? { host: property["ui:options"]?.allowedHosts?.[0] ?? "github.com", owner: "", repo: "" };
    const hosts = property["ui:options"]?.allowedHosts ?? ["github.com"];
    const update = (change: Partial<typeof parsed>) => onChange(formatRepoUrlValue({ ...parsed, ...change }));
    control = (
      <div className="grid gap-2 sm:grid-cols-[10rem_1fr_1fr]">
        <select aria-label="Host" value={parsed.host} onChange={(e) => update({ host: e.target.value })} className={inputClassName}>
          {hosts.map((h) => (
            <option key={h}>{h}</option>
          ))}
        </select>
        <input {...common} aria-label="Owner" placeholder="Owner (organisation)" value={parsed.owner} onChange={(e) => update({ owner: e.target.value.trim() })} className={inputClassName} />
        <input aria-label="Repository name" aria-invalid={!!error} placeholder="Repository name" value={parsed.repo} onChange={(e) => update({ repo: e.target.value.trim() })} className={inputClassName} />
      </div>
    );
  } else if (field === "OwnerPicker" || field === "EntityPicker" || property.enum) {
    const choices: Option[] = options ?? (property.enum ?? []).map((v, i) => ({ value: String(v), label: property.enumNames?.[i] ?? String(v) }));
    control = (
      <select {...common} value={value === undefined ? "" : String(value)} onChange={(e) => onChange(e.target.value || undefined)} className={inputClassName}>
        <option value="">{required ? "Choose…" : "None"}</option>
        {choices.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (property.type === "boolean") {
    control = (
      <label className="flex items-center gap-2 text-sm">
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} className="size-4 accent-[var(--primary)]" />
        {property.description ?? "Enabled"}
      </label>
    );
  } else if (property.type === "number" || property.type === "integer") {
    control = <input {...common} type="number" inputMode="numeric" value={value === undefined ? "" : String(value)} min={property.minimum} max={property.maximum} onChange={(e) => onChange(e.target.value)} className={inputClassName} />;
  } else if (property["ui:widget"] === "textarea") {
    control = <textarea {...common} rows={4} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} className={`${inputClassName} h-auto py-2`} />;
  } else {
    control = (
      <input
        {...common}
        type={isSecretField(property) ? "password" : "text"}
        autoComplete={isSecretField(property) ? "new-password" : "off"}
        value={Array.isArray(value) ? value.join(", ") : String(value ?? "")}
        maxLength={property.maxLength}
        onChange={(e) => onChange(e.target.value)}
        className={inputClassName}
      />
    );
  }

  return (
    <div className="flex flex-col gap-1.5">
      {property.type === "boolean" ? <span className="text-sm font-medium">{property.title ?? name}</span> : label}
      {control}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive">
          {error}
        </p>
      ) : help && property.type !== "boolean" ? (
        <p id={`${id}-help`} className="text-xs text-muted-foreground">
          {help}
        </p>
      ) : null}
    </div>
  );
}

function displayValue(property: ParameterProperty, value: unknown): string {
  if (isSecretField(property) || property["ui:backstage"]?.review?.mask) return value ? "••••••" : "—";
  if (value === undefined || value === "") return "—";
  if (property["ui:field"] === "RepoUrlPicker") {
    const r = parseRepoUrlValue(value);
    return r ? `${r.host}/${r.owner}/${r.repo}` : String(value);
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function Review({ pages, values, onEdit }: { pages: ParameterPage[]; values: Record<string, unknown>; onEdit: (page: number) => void }) {
  return (
    <section aria-labelledby="review-title" className="max-w-2xl">
      <h2 id="review-title" className="mb-3 text-lg font-semibold">
        Review your answers
      </h2>
      <div className="flex flex-col gap-4">
        {pages.map((page, i) => (
          <div key={i} className="rounded-lg border p-4">
            <div className="mb-2 flex items-center justify-between">
              <h3 className="font-medium">{page.title ?? `Step ${i + 1}`}</h3>
              <Button type="button" variant="link" size="sm" onClick={() => onEdit(i)}>
                Edit
              </Button>
            </div>
            <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-1.5 text-sm">
              {Object.entries(page.properties ?? {})
                .filter(([, p]) => p["ui:backstage"]?.review?.show !== false)
                .map(([name, property]) => (
                  <div key={name} className="contents">
                    <dt className="text-muted-foreground">{property.title ?? name}</dt>
                    <dd className="break-all">{displayValue(property, values[name])}</dd>
                  </div>
                ))}
            </dl>
          </div>
        ))}
      </div>
    </section>
  );
}

function Preview({ preview, openFile, onOpen }: { preview: DryRunResult; openFile: string | null; onOpen: (path: string) => void }) {
  const file = preview.files.find((f) => f.path === openFile);
  return (
    <div className="flex flex-col gap-3">
      {preview.error ? (
        <p role="alert" className="text-sm text-destructive">
          {preview.error}
        </p>
      ) : (
        <p role="status" className="text-sm text-muted-foreground">
          {preview.files.length} files would be generated. Steps: {preview.steps.map((s) => `${s.name} (${s.status})`).join(", ")}.
        </p>
      )}
      <div className="grid gap-3 rounded-lg border md:grid-cols-[18rem_1fr]">
        <ul aria-label="Generated files" className="max-h-[28rem] overflow-auto border-b p-2 md:border-b-0 md:border-r">
          {preview.files.map((f) => (
            <li key={f.path}>
              <button
                type="button"
                onClick={() => onOpen(f.path)}
                aria-current={f.path === openFile ? "true" : undefined}
                className={cn("flex w-full items-center gap-2 rounded px-2 py-1 text-left font-mono text-xs hover:bg-accent", f.path === openFile && "bg-primary/10 text-primary")}
              >
                <FileText className="size-3.5 shrink-0 opacity-50" aria-hidden />
                <span className="truncate">{f.path}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="min-w-0 p-2">
          {file ? (
            <>
              <p className="mb-2 font-mono text-xs text-muted-foreground">
                {file.path} · {file.size.toLocaleString("en")} bytes
              </p>
              <pre aria-label={`Contents of ${file.path}`} className="max-h-[26rem] overflow-auto rounded bg-muted p-3 font-mono text-xs">
                {file.content ?? "(binary file)"}
              </pre>
            </>
          ) : (
            <p className="p-4 text-sm text-muted-foreground">Choose a file to see its rendered content.</p>
          )}
        </div>
      </div>
    </div>
  );
}
