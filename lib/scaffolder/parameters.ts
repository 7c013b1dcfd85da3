import { Validator } from "@cfworker/json-schema";
// The pure module, not lib/git's index: this file runs in the browser too.
import { formatRepoUrl, parseRepoUrl, readRepoUrlDraft, RepoUrlError } from "@/lib/git/repo-url";

/**
 * A template's parameters: one JSON-Schema object per wizard page, as Backstage writes
 * them (with `ui:` hints). Shared by the wizard in the browser and the server, so both
 * validate the same way. No server-only imports here.
 */

export type ParameterProperty = {
  title?: string;
  description?: string;
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  default?: unknown;
  enum?: unknown[];
  enumNames?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: { type?: string; enum?: unknown[] };
  "ui:field"?: string;
  "ui:widget"?: string;
  "ui:help"?: string;
  "ui:autofocus"?: boolean;
  "ui:options"?: { allowedHosts?: string[]; allowedOwners?: string[]; catalogFilter?: { kind?: string | string[] } | { kind?: string | string[] }[] };
  "ui:backstage"?: { review?: { show?: boolean; mask?: string } };
  [key: string]: unknown;
};

export type ParameterPage = {
  title?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, ParameterProperty>;
  [key: string]: unknown;
};

/** The pages of a template: Backstage allows one object or a list. */
export function parameterPages(parameters: unknown): ParameterPage[] {
  if (Array.isArray(parameters)) return parameters.filter((p): p is ParameterPage => !!p && typeof p === "object");
  if (parameters && typeof parameters === "object") return [parameters as ParameterPage];
  return [];
}

/** Whether a field holds a secret: never stored, shown masked. */
export function isSecretField(property: ParameterProperty): boolean {
  return property["ui:widget"] === "password" || property["ui:field"] === "Secret";
}

/** The names of every secret field. */
export function secretFieldNames(pages: ParameterPage[]): string[] {
  return pages.flatMap((page) => Object.entries(page.properties ?? {}).filter(([, p]) => isSecretField(p)).map(([name]) => name));
}

/** Initial values: each field's default. */
export function defaultValues(pages: ParameterPage[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const page of pages) {
    for (const [name, property] of Object.entries(page.properties ?? {})) {
      if (property.default !== undefined) values[name] = property.default;
    }
  }
  return values;
}

/** A RepoUrlPicker's host, owner and repo as the wizard edits them (owner and repo may be incomplete). */
export type RepoUrlDraft = { host: string; owner: string; repo: string };

/** Reads Backstage's RepoUrlPicker value, "github.com?owner=acme&repo=my-service", as typed so far; null when it is not one. */
export function parseRepoUrlValue(value: unknown): RepoUrlDraft | null {
  return readRepoUrlDraft(value);
}

/** The RepoUrlPicker value for a host, owner and repo. */
export function formatRepoUrlValue(parts: RepoUrlDraft): string {
  return formatRepoUrl(parts);
}

/** What is wrong with a RepoUrlPicker answer, as the field's message; null when nothing is. */
function repoUrlProblem(value: unknown, property: ParameterProperty): string | null {
  const draft = readRepoUrlDraft(value);
  if (!draft) return "Choose where the repository goes";
  const allowed = property["ui:options"]?.allowedHosts;
  if (allowed?.length && !allowed.some((host) => host.toLowerCase() === draft.host.toLowerCase())) return `The host must be one of: ${allowed.join(", ")}`;
  try {
    parseRepoUrl(value, { requireOwner: true });
  } catch (error) {
    if (!(error instanceof RepoUrlError)) throw error;
    if (error.problem === "no_owner" || error.problem === "owner") return "Enter a valid owner (organisation or user)";
    if (error.problem === "no_repo" || error.problem === "repo") return "Enter a valid repository name: letters, digits, '.', '_' or '-'";
    return "Choose where the repository goes";
  }
  const owners = property["ui:options"]?.allowedOwners;
  if (owners?.length && !owners.includes(draft.owner)) return `The owner must be one of: ${owners.join(", ")}`;
  return null;
}

/** Converts form text into each field's JSON type (numbers, booleans, lists). */
export function coerceValues(pages: ParameterPage[], raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const page of pages) {
    for (const [name, property] of Object.entries(page.properties ?? {})) {
      const value = raw[name];
      if (value === undefined) continue;
      if ((property.type === "number" || property.type === "integer") && typeof value === "string") {
        out[name] = value.trim() === "" ? undefined : Number(value);
      } else if (property.type === "boolean" && typeof value === "string") {
        out[name] = value === "true" || value === "on";
      } else if (property.type === "array" && typeof value === "string") {
        out[name] = value.split(",").map((s) => s.trim()).filter(Boolean);
      } else if (property.type === "string" && typeof value === "string" && value === "" && !page.required?.includes(name)) {
        out[name] = undefined;
      }
    }
  }
  return out;
}

type SchemaError = { keyword: string; instanceLocation: string; keywordLocation: string; error: string };

/**
 * A page's JSON Schema checker. @cfworker/json-schema interprets the schema instead of
 * compiling it to code, so the wizard validates in the browser under a Content-Security-
 * Policy without 'unsafe-eval', exactly as the server does.
 */
function validatorFor(page: ParameterPage): Validator {
  // ui: hints are not JSON Schema; the validator ignores keywords it does not know.
  return new Validator({ type: "object", ...page, title: undefined, description: undefined } as never, "7", false);
}

function describe(error: SchemaError, property: ParameterProperty | undefined): string {
  switch (error.keyword) {
    case "pattern":
      return property?.["ui:help"] ? `Does not match the expected format: ${property["ui:help"]}` : `Must match ${String(property?.pattern ?? "the expected format")}`;
    case "minLength":
      return `At least ${String(property?.minLength)} characters`;
    case "maxLength":
      return `At most ${String(property?.maxLength)} characters`;
    case "minimum":
      return `At least ${String(property?.minimum)}`;
    case "maximum":
      return `At most ${String(property?.maximum)}`;
    case "enum":
      return `Choose one of: ${(property?.enum ?? []).join(", ")}`;
    case "type":
      return property?.type === "integer" ? "Must be a whole number" : property?.type === "number" ? "Must be a number" : `Must be a ${String(property?.type ?? "value of the right type")}`;
    case "format":
      return `Must be a valid ${String((property as { format?: unknown } | undefined)?.format ?? "value")}`;
    default:
      return error.error.replace(/^Instance /, "The value ").replace(/\.$/, "");
  }
}

/** Problems on one page, field by field (first message per field). */
export function validatePage(page: ParameterPage, values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const present = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ""));
  for (const name of page.required ?? []) if (present[name] === undefined) errors[name] = "Required";
  const result = validatorFor(page).validate(present);
  for (const error of result.errors as SchemaError[]) {
    // Errors about the object as a whole ("properties", "required") are told field by field above and below.
    const field = error.instanceLocation.split("/")[1];
    if (!field) continue;
    const name = decodeURIComponent(field.replace(/~1/g, "/").replace(/~0/g, "~"));
    errors[name] ??= describe(error, page.properties?.[name]);
  }
  for (const [name, property] of Object.entries(page.properties ?? {})) {
    if (errors[name] || property["ui:field"] !== "RepoUrlPicker" || present[name] === undefined) continue;
    const problem = repoUrlProblem(present[name], property);
    if (problem) errors[name] = problem;
  }
  return errors;
}

/** Problems across every page, and the index of the first page that has one. */
export function validateAllPages(pages: ParameterPage[], values: Record<string, unknown>): { errors: Record<string, string>; firstPage: number } {
  let firstPage = -1;
  const errors: Record<string, string> = {};
  pages.forEach((page, index) => {
    const pageErrors = validatePage(page, values);
    if (Object.keys(pageErrors).length && firstPage < 0) firstPage = index;
    Object.assign(errors, pageErrors);
  });
  return { errors, firstPage };
}

/** The catalog kinds a picker offers, from ui:options.catalogFilter. */
export function pickerKinds(property: ParameterProperty): string[] {
  const filter = property["ui:options"]?.catalogFilter;
  const filters = Array.isArray(filter) ? filter : filter ? [filter] : [];
  const kinds = filters.flatMap((f) => (Array.isArray(f.kind) ? f.kind : f.kind ? [f.kind] : []));
  if (kinds.length) return kinds;
  return property["ui:field"] === "OwnerPicker" ? ["Group", "User"] : [];
}
