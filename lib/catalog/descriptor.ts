/**
 * Backstage's entity descriptor format (`catalog-info.yaml`): validation rules and a
 * parser that reports every problem in a file at once (the entity types are in types.ts).
 *
 * The rules follow Backstage's catalog-model (its JSON schemas per kind and its
 * field-format validators), so a file Backstage accepts is accepted here and the
 * other way round.
 */
import { Composer, LineCounter, Parser } from "yaml";
import { z } from "zod";
import { DEFAULT_NAMESPACE, entityRefKey, parseEntityRef, stringifyEntityRef } from "@/lib/catalog/refs";
import { listRefFields } from "@/lib/catalog/relations";
import { CATALOG_KINDS, type CatalogEntity, type CatalogKind, type EntityMetadata } from "@/lib/catalog/types";
import type { Env } from "@/lib/env";
import { formatBytes, toBoundedJS } from "@/lib/yaml";

export type DocumentError = {
  /** 1-based position of the YAML document in the file; 0 for the file as a whole. */
  document: number;
  /** Dotted path such as "metadata.name" or "spec.dependsOn[1]", or "(yaml)" / "(document)" / "(file)". */
  field: string;
  message: string;
};

export type CatalogParseLimits = {
  /** The file's own size, as text. */
  maxBytes?: number;
  maxDocuments?: number;
  /** Each entity's size as JSON once YAML aliases are expanded (PAVE_CATALOG_MAX_ENTITY_BYTES). */
  maxEntityBytes?: number;
  /** All the file's entities together, measured the same way (PAVE_CATALOG_MAX_IMPORT_BYTES). */
  maxImportBytes?: number;
};

export type CatalogParseResult = { entities: CatalogEntity[]; errors: DocumentError[] };

export type EntitySummary = {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  type: string | null;
  lifecycle: string | null;
  owner: string | null;
  system: string | null;
  tags: string[];
};

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENTS = 1000;
// The defaults of PAVE_CATALOG_MAX_ENTITY_BYTES and PAVE_CATALOG_MAX_IMPORT_BYTES; this parser
// stays pure (seed and scripts call it without a full environment), so the server passes the settings in.
export const DEFAULT_MAX_ENTITY_BYTES = 256 * 1024;
export const DEFAULT_MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const BACKSTAGE_VERSIONS = ["backstage.io/v1alpha1", "backstage.io/v1beta1"];

// Backstage's kind schemas accept v1beta1 beside v1alpha1 for every built-in kind;
// Template lives in the scaffolder and only has the v1beta3 format.
const API_VERSIONS: Record<CatalogKind, readonly string[]> = {
  Component: BACKSTAGE_VERSIONS,
  API: BACKSTAGE_VERSIONS,
  Resource: BACKSTAGE_VERSIONS,
  System: BACKSTAGE_VERSIONS,
  Domain: BACKSTAGE_VERSIONS,
  Group: BACKSTAGE_VERSIONS,
  User: BACKSTAGE_VERSIONS,
  Location: BACKSTAGE_VERSIONS,
  Template: ["scaffolder.backstage.io/v1beta3"],
};

const ROOT_KEYS = ["apiVersion", "kind", "metadata", "spec"];

export const ENTITY_NAME_RULE = 'must be 1–63 characters of a-z, A-Z, 0-9 separated by "-", "_" or "."';
export const NAMESPACE_RULE = 'must be 1–63 characters of a-z, 0-9 separated by "-"';
export const TAG_RULE = 'must be 1–63 characters of a-z, 0-9, ":", "+" or "#" separated by "-"';
const KEY_RULE =
  'must be 1–63 characters of a-z, A-Z, 0-9 separated by "-", "_" or ".", optionally after a lowercase domain and "/" (e.g. "example.com/team")';
const LABEL_VALUE_RULE = 'must be empty or 1–63 characters of a-z, A-Z, 0-9 separated by "-", "_" or "."';
const URL_RULE = 'must be an absolute URL such as "https://example.com"';

/** Backstage's entity-name rule (Kubernetes object names): also used for label values and link icons. */
export function isValidEntityName(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(value);
}

/** Backstage's namespace rule: a lowercase DNS label. */
export function isValidNamespace(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value);
}

/** Backstage's tag rule: lowercase words of a-z, 0-9, ":", "+" and "#" joined by "-". */
export function isValidTag(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/.test(value);
}

function isValidDnsSubdomain(value: string): boolean {
  return value.length >= 1 && value.length <= 253 && value.split(".").every(isValidNamespace);
}

// Label and annotation keys: an optional "prefix/" that is a DNS subdomain, then a name.
function isValidMetadataKey(key: string): boolean {
  const parts = key.split("/");
  if (parts.length === 1) return isValidEntityName(key);
  if (parts.length !== 2) return false;
  const [prefix = "", name = ""] = parts;
  return isValidDnsSubdomain(prefix) && isValidEntityName(name);
}

function isValidUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/*
 * zod schemas. Messages for type and presence errors come from describeIssue below,
 * so each rule only spells out its own message.
 */

const nonEmptyText = z.string().min(1);
const textList = z.array(nonEmptyText);
const mapping = z.looseObject({});

function buildStringMapSchema(isValidValue: (value: string) => boolean, valueRule: string) {
  return z.record(z.string(), z.unknown()).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      if (!isValidMetadataKey(key)) ctx.addIssue({ code: "custom", path: [key], message: `key ${KEY_RULE}` });
      if (typeof value !== "string") {
        ctx.addIssue({ code: "custom", path: [key], message: `must be text${suggestQuotes(value)}` });
      } else if (!isValidValue(value)) {
        ctx.addIssue({ code: "custom", path: [key], message: valueRule });
      }
    }
  });
}

const linkSchema = z.looseObject({
  url: z.string().refine(isValidUrl, URL_RULE),
  title: z
    .string()
    .refine((value) => value.trim() !== "", "must not be blank")
    .optional(),
  icon: z.string().refine(isValidEntityName, ENTITY_NAME_RULE).optional(),
  type: z.string().optional(),
});

/** The metadata block shared by every kind; unknown keys are allowed and kept. */
export const entityMetadataSchema = z.looseObject({
  name: z.string().refine(isValidEntityName, ENTITY_NAME_RULE),
  namespace: z.string().refine(isValidNamespace, NAMESPACE_RULE).optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  labels: buildStringMapSchema(isValidEntityNameOrEmpty, LABEL_VALUE_RULE).optional(),
  annotations: buildStringMapSchema(() => true, "").optional(),
  tags: z.array(z.string().refine(isValidTag, TAG_RULE)).optional(),
  links: z.array(linkSchema).optional(),
});

function isValidEntityNameOrEmpty(value: string): boolean {
  return value === "" || isValidEntityName(value);
}

const profileSchema = z.looseObject({
  displayName: nonEmptyText.optional(),
  email: nonEmptyText.optional(),
  picture: nonEmptyText.optional(),
});

const templateStepSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  action: nonEmptyText,
  input: mapping.optional(),
  if: z.union([z.string(), z.boolean()], { error: "must be text or true/false" }).optional(),
});

/** The spec of each kind: required fields as Backstage's schemas require them; unknown keys are kept. */
export const entitySpecSchemas = {
  Component: z.looseObject({
    type: nonEmptyText,
    lifecycle: nonEmptyText,
    owner: nonEmptyText,
    system: nonEmptyText.optional(),
    subcomponentOf: nonEmptyText.optional(),
    providesApis: textList.optional(),
    consumesApis: textList.optional(),
    dependsOn: textList.optional(),
    dependencyOf: textList.optional(),
  }),
  API: z.looseObject({
    type: nonEmptyText,
    lifecycle: nonEmptyText,
    owner: nonEmptyText,
    definition: nonEmptyText,
    system: nonEmptyText.optional(),
  }),
  Resource: z.looseObject({
    type: nonEmptyText,
    owner: nonEmptyText,
    system: nonEmptyText.optional(),
    dependsOn: textList.optional(),
    dependencyOf: textList.optional(),
  }),
  System: z.looseObject({ owner: nonEmptyText, domain: nonEmptyText.optional(), type: nonEmptyText.optional() }),
  Domain: z.looseObject({ owner: nonEmptyText, subdomainOf: nonEmptyText.optional(), type: nonEmptyText.optional() }),
  Group: z.looseObject({
    type: nonEmptyText,
    children: textList,
    parent: nonEmptyText.optional(),
    members: textList.optional(),
    profile: profileSchema.optional(),
  }),
  User: z.looseObject({ memberOf: textList, profile: profileSchema.optional() }),
  Location: z.looseObject({
    type: nonEmptyText.optional(),
    target: nonEmptyText.optional(),
    targets: textList.optional(),
    presence: z.enum(["required", "optional"]).optional(),
  }),
  Template: z.looseObject({
    type: nonEmptyText,
    owner: nonEmptyText.optional(),
    lifecycle: nonEmptyText.optional(),
    parameters: z
      .union([mapping, z.array(mapping)], { error: "must be a mapping (one form page) or a list of mappings" })
      .optional(),
    steps: z.array(templateStepSchema),
    output: mapping.optional(),
  }),
} satisfies Record<CatalogKind, z.ZodType>;

function buildEntitySchema(kind: CatalogKind) {
  const versions = API_VERSIONS[kind];
  return z.looseObject({
    apiVersion: z
      .string()
      .refine(
        (value) => versions.includes(value),
        `must be ${versions.map((v) => `"${v}"`).join(" or ")} for kind ${kind}`,
      ),
    kind: z.literal(kind),
    metadata: entityMetadataSchema,
    spec: entitySpecSchemas[kind],
  });
}

/** A whole entity of each kind: envelope, metadata and spec. */
export const catalogEntitySchemas = Object.fromEntries(
  CATALOG_KINDS.map((kind) => [kind, buildEntitySchema(kind)]),
) as Record<CatalogKind, ReturnType<typeof buildEntitySchema>>;

// For a kind Pave does not know, still check the envelope so every error shows at once.
const unknownKindSchema = z.looseObject({
  apiVersion: nonEmptyText,
  kind: z.string().refine(() => false, "is not a kind Pave knows"),
  metadata: entityMetadataSchema,
  spec: mapping.optional(),
});

/** Narrows a kind name to one of the catalog's kinds (exact, case-sensitive, as in Backstage). */
export function isCatalogKind(kind: unknown): kind is CatalogKind {
  return typeof kind === "string" && (CATALOG_KINDS as readonly string[]).includes(kind);
}

/*
 * Parsing
 */

/** The catalog's size settings as parse limits, for the server's imports (uploads, locations, templates). */
export function catalogLimitsFromEnv(env: Pick<Env, "PAVE_CATALOG_MAX_ENTITY_BYTES" | "PAVE_CATALOG_MAX_IMPORT_BYTES">): CatalogParseLimits {
  return { maxEntityBytes: env.PAVE_CATALOG_MAX_ENTITY_BYTES, maxImportBytes: env.PAVE_CATALOG_MAX_IMPORT_BYTES };
}

/** Reads a multi-document catalog file and validates every entity; an import should accept it only when `errors` is empty. */
export function parseCatalogYaml(text: string, limits: CatalogParseLimits = {}): CatalogParseResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDocuments = limits.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
  const maxEntityBytes = limits.maxEntityBytes ?? DEFAULT_MAX_ENTITY_BYTES;
  const maxImportBytes = limits.maxImportBytes ?? DEFAULT_MAX_IMPORT_BYTES;

  const size = new TextEncoder().encode(text).length;
  if (size > maxBytes) {
    return rejectFile(`the file is ${formatBytes(size)}; a catalog file may be at most ${formatBytes(maxBytes)}`);
  }

  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer();
  const documents = [];
  // Stop composing as soon as the count is exceeded rather than building every document first.
  for (const document of composer.compose(parser.parse(text))) {
    documents.push(document);
    if (documents.length > maxDocuments) {
      return rejectFile(`the file has more than ${maxDocuments} YAML documents, the most one import may hold`);
    }
  }

  const entities: CatalogEntity[] = [];
  const errors: DocumentError[] = [];
  const seen = new Map<string, number>(); // entity ref key → document that defined it
  let importBytes = 0; // every document's expanded size so far, refused ones included

  for (const [index, document] of documents.entries()) {
    const position = index + 1;
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        errors.push({
          document: position,
          field: "(yaml)",
          message: `invalid YAML at line ${line}, column ${col}: ${error.message}`,
        });
      }
      continue;
    }

    // A document may use what is left of the import's allowance, never more than an entity's own,
    // so reading a file costs at most the import limit however far its aliases would expand.
    const allowance = Math.min(maxEntityBytes, maxImportBytes - importBytes);
    const converted = toBoundedJS(document, { maxBytes: allowance });
    importBytes += converted.bytes;
    // Over an allowance smaller than an entity's own limit, it is the file that is too big: reported below.
    if (!converted.ok && !(converted.problem === "size" && allowance < maxEntityBytes)) {
      const message =
        converted.problem === "size"
          ? `document ${position} ${converted.message}; an entity may be at most ${formatBytes(maxEntityBytes)} (PAVE_CATALOG_MAX_ENTITY_BYTES)`
          : `document ${position} ${converted.message}`;
      errors.push({ document: position, field: converted.problem === "size" ? "(document)" : "(yaml)", message });
    }
    if (importBytes > maxImportBytes) {
      errors.push({
        document: position,
        field: "(file)",
        message: `document ${position} takes the file over ${formatBytes(maxImportBytes)} once YAML aliases are expanded; one import may be at most ${formatBytes(maxImportBytes)} in all (PAVE_CATALOG_MAX_IMPORT_BYTES)`,
      });
      break; // the rest is not read: the import is refused either way
    }
    if (!converted.ok) continue;
    const value = converted.value;
    if (value === null || value === undefined) continue;

    const checked = validateEntity(value);
    for (const error of checked.errors) errors.push({ document: position, ...error });
    if (!checked.entity) continue;

    const entity = checked.entity;
    const ref = { kind: entity.kind, namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE, name: entity.metadata.name };
    const key = entityRefKey(ref);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({
        document: position,
        field: "metadata.name",
        message: `${stringifyEntityRef(ref)} is already defined in document ${earlier} (names compare ignoring case)`,
      });
      continue;
    }
    seen.set(key, position);
    entities.push(entity);
  }

  return { entities, errors };
}

/** Validates one parsed YAML value as an entity, returning it only when it has no errors. */
export function validateEntity(value: unknown): { entity?: CatalogEntity; errors: Omit<DocumentError, "document">[] } {
  if (!isPlainObject(value)) {
    return {
      errors: [{ field: "(document)", message: "must be a mapping with apiVersion, kind, metadata and spec" }],
    };
  }

  const errors: Omit<DocumentError, "document">[] = [];
  for (const key of Object.keys(value)) {
    if (!ROOT_KEYS.includes(key)) {
      errors.push({
        field: formatPath([key]),
        message: "is not allowed at the top level; an entity has only apiVersion, kind, metadata and spec",
      });
    }
  }

  const kind = value.kind;
  const schema = isCatalogKind(kind) ? catalogEntitySchemas[kind] : unknownKindSchema;
  const result = schema.safeParse(value, { error: describeIssue });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const message = issue.path.length === 1 && issue.path[0] === "kind" ? describeKindError(kind) : issue.message;
      errors.push({ field: formatPath(issue.path), message });
    }
  }

  if (isCatalogKind(kind) && isPlainObject(value.spec)) {
    const reported = new Set(errors.map((error) => error.field));
    for (const error of checkSpecRefs(kind, value.spec, value.metadata)) {
      if (!reported.has(error.field)) errors.push(error);
    }
  }

  if (errors.length > 0) return { errors };
  return { entity: dropEmptyMetadata(value as CatalogEntity), errors };
}

// A reference is malformed when Backstage's own parser would reject it: an empty
// part, or no kind where the field has no default kind (dependsOn, dependencyOf).
function checkSpecRefs(kind: CatalogKind, spec: Record<string, unknown>, metadata: unknown) {
  const errors: Omit<DocumentError, "document">[] = [];
  const namespace =
    isPlainObject(metadata) && typeof metadata.namespace === "string" ? metadata.namespace : DEFAULT_NAMESPACE;
  for (const { field, defaultKind } of listRefFields(kind)) {
    const raw = spec[field];
    // Non-text items already have a type error from the schema.
    const located: { ref: string; path: PropertyKey[] }[] = [];
    if (typeof raw === "string") located.push({ ref: raw, path: ["spec", field] });
    if (Array.isArray(raw)) {
      raw.forEach((item, index) => {
        if (typeof item === "string") located.push({ ref: item, path: ["spec", field, index] });
      });
    }
    for (const { ref, path } of located) {
      try {
        parseEntityRef(ref, { defaultKind, defaultNamespace: namespace });
      } catch (error) {
        errors.push({ field: formatPath(path), message: (error as Error).message });
      }
    }
  }
  return errors;
}

/** The columns Pave indexes for an entity; owner and system are entity ref keys. */
export function summarizeEntity(entity: CatalogEntity): EntitySummary {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const spec = entity.spec ?? {};
  const refKeyOf = (value: unknown, defaultKind: string): string | null => {
    if (typeof value !== "string") return null;
    try {
      return entityRefKey(parseEntityRef(value, { defaultKind, defaultNamespace: namespace }));
    } catch {
      return null;
    }
  };
  const textOf = (value: unknown): string | null => (typeof value === "string" ? value : null);

  return {
    key: entityRefKey({ kind: entity.kind, namespace, name: entity.metadata.name }),
    kind: entity.kind,
    namespace,
    name: entity.metadata.name,
    title: textOf(entity.metadata.title),
    description: textOf(entity.metadata.description),
    type: textOf(spec.type),
    lifecycle: textOf(spec.lifecycle),
    owner: refKeyOf(spec.owner, "Group"),
    // Only these kinds point at a system; a System's own spec has no system field.
    system: ["Component", "API", "Resource"].includes(entity.kind) ? refKeyOf(spec.system, "System") : null,
    tags: [...(entity.metadata.tags ?? [])],
  };
}

/*
 * Helpers
 */

const OPTIONAL_METADATA = ["title", "description", "labels", "annotations", "tags", "links"] as const;

/**
 * Empty optional metadata means the same as none in Backstage. Dropping it here
 * and in the exporter keeps parse → export → parse exact.
 */
export function dropEmptyMetadata(entity: CatalogEntity): CatalogEntity {
  const metadata: EntityMetadata = { ...entity.metadata };
  for (const key of OPTIONAL_METADATA) {
    if (isEmptyValue(metadata[key])) delete metadata[key];
  }
  return { ...entity, metadata };
}

/** Whether a value is absent or empty: undefined, null, "", [] or {}. */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rejectFile(message: string): CatalogParseResult {
  return { entities: [], errors: [{ document: 0, field: "(file)", message }] };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || "(document)";
}

function describeKindError(kind: unknown): string {
  if (typeof kind !== "string") return kind === undefined ? "is required" : `must be text${suggestQuotes(kind)}`;
  const sameButCase = CATALOG_KINDS.find((known) => known.toLowerCase() === kind.toLowerCase());
  if (sameButCase) return `must be written "${sameButCase}" (kinds are case-sensitive)`;
  return `"${kind}" is not a kind Pave knows; use one of ${CATALOG_KINDS.join(", ")}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  array: "a list",
  object: "a mapping",
  boolean: "true or false",
  number: "a number",
};

function describeValue(value: unknown): string {
  if (value === null) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return "true/false";
  return `a ${typeof value}`;
}

// A number or boolean where text is expected is usually an unquoted YAML scalar.
function suggestQuotes(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return ` (put it in quotes: "${String(value)}")`;
  return `, but is ${describeValue(value)}`;
}

// Plain-word messages for zod's built-in checks; rule checks carry their own message.
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "is required";
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return expected === "text" ? `must be text${suggestQuotes(issue.input)}` : `must be ${expected}, but is ${describeValue(issue.input)}`;
    }
    case "too_small":
      return issue.origin === "string" ? "must not be empty" : undefined;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return undefined;
  }
}
