import { isScalar, LineCounter, parseAllDocuments } from "yaml";
import { z } from "zod";
import { CATALOG_KINDS } from "@/lib/catalog/types";
import { CHECK_TYPES, findCheck } from "@/lib/scorecards/checks";
import { toBoundedJS } from "@/lib/yaml";

/*
 * The scorecard YAML format (apiVersion pave.dev/v1, kind Scorecard) and its parser.
 * Pure: the admin form validates with the same function the evaluation job does.
 * Every object is strict, so a misspelt key is refused instead of silently ignored.
 */

export const SCORECARD_API_VERSION = "pave.dev/v1";
/** The largest scorecard accepted, from a file or the form: as YAML text, and as JSON once its aliases are expanded. */
export const MAX_SCORECARD_BYTES = 256 * 1024;

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ID_RULE = "must be lowercase letters and digits separated by single dashes, e.g. production-readiness";

const id = (max: number) => z.string({ message: "is required" }).max(max, `must be at most ${max} characters`).regex(ID_PATTERN, ID_RULE);
const text = (max: number) => z.string({ message: "is required" }).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** A scorecard's name: lowercase letters, digits and dashes. */
export const scorecardNameSchema = id(63);

const yamlField = z
  .string({ message: "Paste the scorecard YAML" })
  .min(1, "Paste the scorecard YAML")
  .max(MAX_SCORECARD_BYTES, `The YAML may be at most ${MAX_SCORECARD_BYTES / 1024} KiB`);

/** The create form: the YAML. */
export const scorecardYamlSchema = z.object({ yaml: yamlField });
/** The edit form: the scorecard's current name and its new YAML. */
export const updateScorecardSchema = z.object({ name: z.string().min(1).max(300), yaml: yamlField });
/** Deleting a scorecard by name. */
export const deleteScorecardSchema = z.object({ name: z.string().min(1).max(300) });

// An https:// URL, or a path on Pave itself ("//host" would be another site).
const linkSchema = z
  .string()
  .max(2000, "must be at most 2000 characters")
  .refine((value) => (value.startsWith("/") && !value.startsWith("//") && !/[\s\\]/.test(value)) || isHttpsUrl(value), {
    message: 'must be an https:// URL or a path on Pave starting with "/"',
  });

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:" && value.startsWith("https://");
  } catch {
    return false;
  }
}

const filterList = (what: string) =>
  z
    .array(z.string({ message: `each ${what} must be text` }).min(1, `a ${what} must not be empty`), { message: `must be a list of ${what}s, e.g. [${what === "kind" ? "Component" : "service"}]` })
    .min(1, `must list at least one ${what}, or be left out`);

const appliesToSchema = z.strictObject({
  kind: filterList("kind")
    .superRefine((kinds, ctx) => {
      kinds.forEach((kind, i) => {
        if (!(CATALOG_KINDS as readonly string[]).includes(kind)) {
          ctx.addIssue({ code: "custom", path: [i], message: `unknown kind "${kind}"; kinds are ${CATALOG_KINDS.join(", ")} (case-sensitive)` });
        }
      });
    })
    .optional(),
  type: filterList("type").optional(),
  lifecycle: filterList("lifecycle").optional(),
});

const checkShape = z.union(
  [z.string().min(1), z.looseObject({ type: z.string({ message: "name the check type" }).min(1) })],
  { message: `must be a check type, or a mapping with type and its parameters; types are ${CHECK_TYPES.join(", ")}` },
);

const ruleSchema = z
  .strictObject({
    id: id(63),
    title: text(120),
    level: z.string({ message: "name one of the scorecard's levels" }),
    check: checkShape,
    howToFix: text(1000),
    link: linkSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    // Each check validates its own params; issues are reported under `check`.
    const raw = rule.check;
    if (raw === undefined) return;
    const type = typeof raw === "string" ? raw : raw.type;
    const check = findCheck(type);
    if (!check) {
      ctx.addIssue({ code: "custom", path: typeof raw === "string" ? ["check"] : ["check", "type"], message: `unknown check type "${type}"; known types are ${CHECK_TYPES.join(", ")}` });
      return;
    }
    const params = typeof raw === "string" ? {} : Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "type"));
    const parsed = check.params.safeParse(params, { reportInput: true });
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) ctx.addIssue({ code: "custom", path: ["check", ...issue.path, key], message: `is not a parameter of the ${type} check` });
      } else {
        ctx.addIssue({ code: "custom", path: ["check", ...issue.path], message: describeIssue(issue) });
      }
    }
  });

/** The overview's ?level= value for entities without a level, so no level may use it as its id. */
export const NO_LEVEL_ID = "none";

const levelSchema = z.strictObject({
  id: id(40).refine((value) => value !== NO_LEVEL_ID, { message: `"${NO_LEVEL_ID}" is reserved for entities without a level; choose another level id` }),
  title: text(60),
});

const scorecardSchema = z.strictObject({
  apiVersion: z.literal(SCORECARD_API_VERSION, { message: `must be ${SCORECARD_API_VERSION}` }),
  kind: z.literal("Scorecard", { message: "must be Scorecard" }),
  metadata: z.strictObject({
    name: scorecardNameSchema,
    title: text(120),
    description: z.string().max(2000, "must be at most 2000 characters").optional(),
  }),
  spec: z
    .strictObject({
      appliesTo: appliesToSchema.optional(),
      levels: z.array(levelSchema, { message: "must be a list of levels, lowest first" }).min(1, "must list at least one level").max(6, "may list at most 6 levels"),
      rules: z.array(ruleSchema, { message: "must be a list of rules" }).min(1, "must list at least one rule").max(50, "may list at most 50 rules"),
    })
    // Runs even when a rule or level has other problems, so every mistake is listed at once.
    .superRefine((spec, ctx) => checkLevelsAndRules(spec, ctx), { when: () => true }),
});

type Issues = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

// Defensive: with `when` the lists may hold anything, so only well-formed entries are compared.
function checkLevelsAndRules(spec: { levels?: unknown; rules?: unknown }, ctx: Issues): void {
  const levelList = Array.isArray(spec.levels) ? (spec.levels as unknown[]) : [];
  const ruleList = Array.isArray(spec.rules) ? (spec.rules as unknown[]) : [];
  const idOf = (item: unknown, key: string) => (item && typeof item === "object" && typeof (item as Record<string, unknown>)[key] === "string" ? ((item as Record<string, unknown>)[key] as string) : undefined);

  const levels = new Map<string, number>();
  levelList.forEach((level, i) => {
    const id = idOf(level, "id");
    if (id === undefined) return;
    if (levels.has(id)) ctx.addIssue({ code: "custom", path: ["levels", i, "id"], message: `duplicate level id "${id}"` });
    else levels.set(id, i);
  });
  const rules = new Set<string>();
  const used = new Set<string>();
  ruleList.forEach((rule, i) => {
    const id = idOf(rule, "id");
    if (id !== undefined) {
      if (rules.has(id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${id}"` });
      rules.add(id);
    }
    const level = idOf(rule, "level");
    if (level === undefined) return;
    used.add(level);
    if (levelList.length && !levels.has(level)) {
      ctx.addIssue({ code: "custom", path: ["rules", i, "level"], message: `"${level}" is not one of the levels (${[...levels.keys()].join(", ")})` });
    }
  });
  // A level without rules would be reached for free; that is a typo more often than a plan.
  if (ruleList.length) {
    levelList.forEach((level, i) => {
      const id = idOf(level, "id");
      if (id !== undefined && levels.get(id) === i && !used.has(id)) ctx.addIssue({ code: "custom", path: ["levels", i], message: `level "${id}" has no rules` });
    });
  }
}

export type ScorecardLevel = { id: string; title: string };
export type ScorecardRule = {
  id: string;
  title: string;
  /** The id of the level this rule belongs to. */
  level: string;
  /** The check type and its params, defaults applied. */
  check: { type: string; params: Record<string, unknown> };
  howToFix: string;
  link: string | null;
};
/** A validated scorecard, as stored in Scorecard.definition. */
export type ScorecardDefinition = {
  name: string;
  title: string;
  description: string;
  /** An entity matches when it matches every list given; an empty object matches every entity. */
  appliesTo: { kind?: string[]; type?: string[]; lifecycle?: string[] };
  /** Lowest first. */
  levels: ScorecardLevel[];
  rules: ScorecardRule[];
};

export type ScorecardParseError = { file: string; path: string; message: string };
export type ScorecardParseResult = { ok: true; definition: ScorecardDefinition } | { ok: false; errors: ScorecardParseError[] };

/** Parses and validates one scorecard YAML document; `file` names it in every error. */
export function parseScorecardYaml(text: string, file: string): ScorecardParseResult {
  const fail = (path: string, message: string): ScorecardParseResult => ({ ok: false, errors: [{ file, path, message }] });

  if (new TextEncoder().encode(text).length > MAX_SCORECARD_BYTES) return fail("(file)", `is larger than ${MAX_SCORECARD_BYTES / 1024} KiB`);
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(documents) || documents.length === 0) return fail("(file)", "is empty; expected a Scorecard document");
  const syntax = documents.flatMap((document) => document.errors);
  if (syntax.length) {
    return {
      ok: false,
      errors: syntax.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { file, path: "(yaml)", message: `invalid YAML at line ${line}, column ${col}: ${error.message.split("\n")[0]}` };
      }),
    };
  }
  // A document that holds nothing (a trailing "---", only comments, or null) is not a second scorecard.
  const filled = documents.filter((document) => !(document.contents === null || (isScalar(document.contents) && document.contents.value === null)));
  if (filled.length === 0) return fail("(file)", "is empty; expected a Scorecard document");
  if (filled.length > 1) return fail("(file)", `holds ${filled.length} YAML documents; a scorecard file holds exactly one`);

  const document = filled[0]!;
  const position = documents.findIndex((candidate) => candidate === document) + 1;
  const converted = toBoundedJS(document, { maxBytes: MAX_SCORECARD_BYTES });
  if (!converted.ok) {
    const limit = converted.problem === "size" ? `; a scorecard may be at most ${MAX_SCORECARD_BYTES / 1024} KiB` : "";
    return fail("(yaml)", `document ${position} ${converted.message}${limit}`);
  }
  const value = converted.value;
  if (value === null || value === undefined) return fail("(file)", "is empty; expected a Scorecard document");

  const parsed = scorecardSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.flatMap((issue) => toErrors(issue, file)) };
  }
  return { ok: true, definition: toDefinition(parsed.data) };
}

function toDefinition(data: z.output<typeof scorecardSchema>): ScorecardDefinition {
  const appliesTo: ScorecardDefinition["appliesTo"] = {};
  for (const key of ["kind", "type", "lifecycle"] as const) {
    const list = data.spec.appliesTo?.[key];
    if (list) appliesTo[key] = [...new Set(list)];
  }
  return {
    name: data.metadata.name,
    title: data.metadata.title,
    description: data.metadata.description?.trim() ?? "",
    appliesTo,
    levels: data.spec.levels.map((level) => ({ id: level.id, title: level.title })),
    rules: data.spec.rules.map((rule) => {
      const raw = rule.check;
      const type = typeof raw === "string" ? raw : raw.type;
      const params = typeof raw === "string" ? {} : Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "type"));
      // Parsed again to store the params with their defaults; the refinement above proved they are valid.
      const check = findCheck(type)!;
      return {
        id: rule.id,
        title: rule.title,
        level: rule.level,
        check: { type, params: check.params.parse(params) as Record<string, unknown> },
        howToFix: rule.howToFix,
        link: rule.link ?? null,
      };
    }),
  };
}

/** "spec.rules[3].check.metric" from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(document)";
}

type Issue = z.core.$ZodIssue;

function toErrors(issue: Issue, file: string): ScorecardParseError[] {
  // One line per misspelt key, with the key in the path, so the editor can point at it.
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ file, path: formatPath([...issue.path, key]), message: "is not a known key" }));
  }
  return [{ file, path: formatPath(issue.path), message: describeIssue(issue) }];
}

// zod's default messages are written for developers; where a schema gave none, say what to change.
function describeIssue(issue: Issue): string {
  if (issue.code !== "invalid_type" || !issue.message.startsWith("Invalid input")) return issue.message;
  if (issue.input === undefined) return "is required";
  return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : issue.expected}`;
}

/** A scorecard page's filters; owner and system are ref keys, e.g. group:default/team-checkout. */
export type ScorecardFilter = { owner?: string; system?: string; lifecycle?: string };

/** Only the filters that are set (the URL, the queries and the CSV link all agree on this). */
export function cleanScorecardFilter(filter: ScorecardFilter): ScorecardFilter {
  const out: ScorecardFilter = {};
  if (filter.owner) out.owner = filter.owner;
  if (filter.system) out.system = filter.system;
  if (filter.lifecycle) out.lifecycle = filter.lifecycle;
  return out;
}
