import "server-only";
import path from "node:path";
import { format } from "@cdktf/hcl-tools";
import { parse } from "@cdktf/hcl2json";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { AppError } from "@/lib/errors";
import { toBoundedJS } from "@/lib/yaml";
import { ENVIRONMENTS, moduleInputsSchema, OWNER_PATTERN, serviceNameSchema } from "@/lib/self-service/rules";
import type { Engine, Environment, Tier } from "@/lib/self-service/rules";

/*
 * Terraform for self-service databases: the one file a request adds to the infra repo,
 * the checks that file must pass before Pave opens a pull request, and the Atlantis
 * project list. Values go into HCL only through `quoteHclString`; nothing a person typed
 * is ever placed in a comment or an expression.
 */

/** Where the module lives, seen from `terraform/envs/<env>/databases/`. */
export const DEFAULT_MODULE_SOURCE = "../../../modules/managed-database";

/**
 * Inputs that are expressions rather than values: each databases root defines these
 * locals in `_network.tf`. They are the only expressions a generated file may contain.
 */
export const NETWORK_INPUTS = {
  vpc_id: "local.vpc_id",
  subnet_ids: "local.database_subnet_ids",
  allowed_cidr_blocks: "local.app_cidr_blocks",
} as const;

/** Every input the managed-database module has (its variables.tf). */
export const MODULE_INPUTS = [
  "service_name",
  "owner",
  "environment",
  "engine",
  "engine_version",
  "tier",
  "backup_retention_days",
  "multi_az",
  "vpc_id",
  "subnet_ids",
  "allowed_cidr_blocks",
  "allowed_security_group_ids",
  "tags",
] as const;

/** Every input a generated module block sets. */
export const DATABASE_MODULE_INPUTS = [
  "service_name",
  "owner",
  "environment",
  "engine",
  "engine_version",
  "tier",
  "backup_retention_days",
  "multi_az",
  ...(Object.keys(NETWORK_INPUTS) as (keyof typeof NETWORK_INPUTS)[]),
  "tags",
] as const;

export type DatabaseHclInput = {
  serviceName: string;
  /** The owning group's name; it becomes the owner tag. */
  owner: string;
  environment: Environment;
  engine: Engine;
  engineVersion: string;
  tier: Tier;
  backupRetentionDays: number;
  multiAz: boolean;
  requestId: string;
  requestUrl: string;
  /** The requester's email. */
  requestedBy: string;
};

const REQUEST_ID_PATTERN = /^[A-Za-z0-9-]{8,64}$/;
const TAG_VALUE = new RegExp(OWNER_PATTERN, "u");

// Characters refused in any HCL string: control characters other than tab, newline and
// carriage return (which are escaped), line/paragraph separators, bidirectional controls
// that make a diff read differently from what it does, and unpaired surrogates (in `u`
// mode a surrogate range only matches a surrogate that isn't part of a pair).
const UNSAFE_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

function findUnsafeCharacter(text: string): string | undefined {
  const match = UNSAFE_CHARACTER.exec(text);
  if (!match) return undefined;
  return `U+${match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * A quoted HCL string whose value is exactly `value`: backslash, quote, newline, carriage
 * return and tab are escaped, and `${` / `%{` become `$${` / `%%{` so nothing is
 * interpolated. Throws for control characters, which have no place in a Terraform value.
 */
export function quoteHclString(value: string): string {
  const unsafe = findUnsafeCharacter(value);
  if (unsafe) throw new AppError("INVALID", `Text for Terraform contains a character that isn't allowed (${unsafe})`);
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if ((ch === "$" || ch === "%") && value.charAt(i + 1) === "{") out += ch + ch;
    else out += ch;
  }
  return `"${out}"`;
}

/** The request link as it may appear in a comment: an http(s) URL reduced to URL-safe ASCII. */
function commentSafeUrl(requestUrl: string): string {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new AppError("INVALID", "The request link isn't a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new AppError("INVALID", "The request link must be an http(s) URL");
  // `href` is already percent-encoded ASCII; the filter is a second line of defence.
  return url.href.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g, "").slice(0, 500);
}

/** An email as it may appear in a comment: only the characters of ordinary addresses. */
function commentSafeEmail(email: string): string {
  return email.replace(/[^A-Za-z0-9._%+@-]/g, "").slice(0, 254);
}

/** The module block's label: `db_` and the service name with `-` as `_` (service names have no `_`). */
export function moduleLabel(serviceName: string): string {
  return `db_${serviceName.replaceAll("-", "_")}`;
}

function assertServiceName(serviceName: string): void {
  if (!serviceNameSchema.safeParse(serviceName).success) throw new AppError("INVALID", `"${serviceName.slice(0, 60)}" isn't a valid service name`);
}

function assertEnvironment(environment: string): asserts environment is Environment {
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) throw new AppError("INVALID", "Unknown environment");
}

/** Where a request's file goes in the infra repo: `terraform/envs/<env>/databases/<service>.tf`. */
export function databaseFilePath(environment: string, serviceName: string): string {
  assertEnvironment(environment);
  assertServiceName(serviceName);
  return `terraform/envs/${environment}/databases/${serviceName}.tf`;
}

/** The branch a request's pull request comes from: `pave/db/<service>-<env>-<first 8 of the request id>`. */
export function branchName(serviceName: string, environment: string, requestId: string): string {
  assertServiceName(serviceName);
  assertEnvironment(environment);
  if (!REQUEST_ID_PATTERN.test(requestId)) throw new AppError("INVALID", "Invalid request id");
  return `pave/db/${serviceName}-${environment}-${requestId.slice(0, 8).toLowerCase()}`;
}

/**
 * The Terraform file for one database request: a single `module "db_<service>"` block,
 * formatted as `terraform fmt` writes it. Inputs are validated with the module's own rules
 * first, so Pave never proposes a change the module would reject.
 */
export async function renderDatabaseHcl(input: DatabaseHclInput, options: { moduleSource: string }): Promise<string> {
  const parsed = moduleInputsSchema.safeParse({
    service_name: input.serviceName,
    owner: input.owner,
    environment: input.environment,
    engine: input.engine,
    engine_version: input.engineVersion,
    tier: input.tier,
    backup_retention_days: input.backupRetentionDays,
    multi_az: input.multiAz,
  });
  if (!parsed.success) {
    throw new AppError(
      "INVALID",
      "The database request doesn't meet the module's rules",
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  if (!REQUEST_ID_PATTERN.test(input.requestId)) throw new AppError("INVALID", "Invalid request id");
  if (!TAG_VALUE.test(input.requestedBy)) throw new AppError("INVALID", "The requester's email can't be used as an AWS tag value");
  const v = parsed.data;

  const values: [string, string][] = [
    ["service_name", quoteHclString(v.service_name)],
    ["owner", quoteHclString(v.owner)],
    ["environment", quoteHclString(v.environment)],
    ["engine", quoteHclString(v.engine)],
    ["engine_version", quoteHclString(v.engine_version)],
    ["tier", quoteHclString(v.tier)],
    ["backup_retention_days", String(v.backup_retention_days)],
    // Written as the module will apply it, so reviewers see that prod is multi-AZ.
    ["multi_az", String(v.environment === "prod" ? true : v.multi_az)],
  ];
  const tags: [string, string][] = [
    [quoteHclString("pave-request-id"), quoteHclString(input.requestId)],
    [quoteHclString("pave-requested-by"), quoteHclString(input.requestedBy)],
  ];

  const lines = [
    `# Requested through Pave by ${commentSafeEmail(input.requestedBy)}`,
    `# Request: ${commentSafeUrl(input.requestUrl)}`,
    `module ${quoteHclString(moduleLabel(v.service_name))} {`,
    `  source = ${quoteHclString(options.moduleSource)}`,
    "",
    ...values.map(([name, value]) => `  ${name} = ${value}`),
    "",
    ...Object.entries(NETWORK_INPUTS).map(([name, expression]) => `  ${name} = ${expression}`),
    "",
    "  tags = {",
    ...tags.map(([key, value]) => `    ${key} = ${value}`),
    "  }",
    "}",
    "",
  ];
  // `terraform fmt` aligns the `=` of neighbouring attributes; let its own formatter do that.
  const text = await format(lines.join("\n"));
  if ((await format(text)) !== text) throw new Error("terraform fmt is not stable on the generated database file");
  return text;
}

type Hcl2Json = Record<string, unknown>;

const META_ARGUMENTS = new Set(["count", "for_each", "providers", "depends_on", "version", "lifecycle"]);

/** What kind of literal each module input must be. Network inputs are checked against NETWORK_INPUTS. */
const INPUT_KINDS: Record<string, "string" | "number" | "bool" | "string list" | "string map"> = {
  service_name: "string",
  owner: "string",
  environment: "string",
  engine: "string",
  engine_version: "string",
  tier: "string",
  backup_retention_days: "number",
  multi_az: "bool",
  allowed_security_group_ids: "string list",
  tags: "string map",
};

/**
 * Whether a string from hcl2json's output holds a template sequence. hcl2json writes
 * strings the way Terraform's JSON syntax reads them: `${…}` and `%{…}` are live,
 * `$${` and `%%{` stand for the literal text.
 */
export function hasTemplateSequence(jsonString: string): boolean {
  for (let i = 0; i < jsonString.length; i++) {
    const rest = jsonString.slice(i, i + 3);
    if (rest === "$${" || rest === "%%{") i += 2;
    else if (rest.startsWith("${") || rest.startsWith("%{")) return true;
  }
  return false;
}

function describeSyntaxError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // hcl2json reports "parse config: [file:line,col-line,col: Summary; Detail.]".
  const inner = /parse config: \[(.*)\]\s*$/s.exec(message)?.[1] ?? message;
  return `Syntax error at ${inner}`;
}

/**
 * Checks a database request's file before Pave proposes it: valid HCL, exactly one
 * `module` block with one label, the allowed source, the expected inputs and nothing
 * else, no interpolation outside the known network inputs, and `terraform fmt`-clean.
 */
export async function validateDatabaseHcl(
  text: string,
  expected: {
    moduleSource: string;
    requiredInputs: readonly string[];
    /** Inputs that may be set as well (all of the module's inputs unless given); anything else is refused. */
    optionalInputs?: readonly string[];
    /** Used in syntax error positions; the file's name in the repo. */
    fileName?: string;
    /** When given, the block's label must be this. */
    moduleName?: string;
  },
): Promise<{ ok: true } | { ok: false; problems: string[] }> {
  const problems: string[] = [];
  const fileName = expected.fileName ?? "database.tf";

  if (text.length > 64 * 1024) return { ok: false, problems: ["The file is larger than 64 KiB"] };
  const unsafe = findUnsafeCharacter(text.replace(/[\t\n\r]/g, " "));
  if (unsafe) problems.push(`The file contains a character that isn't allowed (${unsafe})`);

  let json: Hcl2Json;
  try {
    json = (await parse(fileName, text)) as Hcl2Json;
  } catch (error) {
    return { ok: false, problems: [...problems, describeSyntaxError(error)] };
  }

  const topLevel = Object.keys(json);
  const others = topLevel.filter((key) => key !== "module");
  if (others.length > 0) problems.push(`Only a module block is allowed; found ${others.map((k) => `"${k}"`).join(", ")}`);

  const body = checkModuleBlock(json.module, expected.moduleName, problems);
  if (body) checkModuleBody(body, expected, problems);

  try {
    if ((await format(text)) !== text) problems.push("The file isn't formatted as `terraform fmt` would write it");
  } catch (error) {
    problems.push(describeSyntaxError(error));
  }

  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** hcl2json nests one object per label and ends in an array of bodies; check that shape. */
function checkModuleBlock(module: unknown, moduleName: string | undefined, problems: string[]): Record<string, unknown> | undefined {
  if (module === undefined) {
    problems.push("The file must contain one module block");
    return undefined;
  }
  if (!isRecord(module)) {
    problems.push("The module block needs exactly one label");
    return undefined;
  }
  const labels = Object.keys(module);
  if (labels.length !== 1) {
    problems.push(`The file must contain exactly one module block; found ${labels.length}`);
    return undefined;
  }
  const label = labels[0]!;
  const bodies = module[label];
  if (!Array.isArray(bodies)) {
    problems.push("The module block needs exactly one label");
    return undefined;
  }
  if (bodies.length !== 1) {
    problems.push(`The file must contain exactly one module block; found ${bodies.length} named "${label}"`);
    return undefined;
  }
  if (!/^[a-z][a-z0-9_]*$/.test(label)) problems.push(`The module label "${label}" isn't a plain identifier`);
  if (moduleName !== undefined && label !== moduleName) problems.push(`The module block must be named "${moduleName}", not "${label}"`);
  const body = bodies[0];
  if (!isRecord(body)) {
    problems.push("The module block has no body");
    return undefined;
  }
  return body;
}

function checkModuleBody(
  body: Record<string, unknown>,
  expected: { moduleSource: string; requiredInputs: readonly string[]; optionalInputs?: readonly string[] },
  problems: string[],
): void {
  if (body.source !== expected.moduleSource) {
    problems.push(`The module source must be "${expected.moduleSource}"`);
  }
  const allowed = new Set(["source", ...expected.requiredInputs, ...(expected.optionalInputs ?? MODULE_INPUTS)]);
  for (const name of expected.requiredInputs) {
    if (!(name in body)) problems.push(`Missing input "${name}"`);
  }
  for (const [name, value] of Object.entries(body)) {
    if (META_ARGUMENTS.has(name)) {
      problems.push(`"${name}" isn't allowed in a database request`);
      continue;
    }
    if (!allowed.has(name)) {
      problems.push(`Unexpected input "${name}"`);
      continue;
    }
    if (name === "source") continue;
    if (Object.hasOwn(NETWORK_INPUTS, name)) {
      const expression = NETWORK_INPUTS[name as keyof typeof NETWORK_INPUTS];
      if (value !== `\${${expression}}`) problems.push(`"${name}" must be ${expression}`);
      continue;
    }
    checkLiteral(name, value, problems);
  }
}

function checkLiteral(name: string, value: unknown, problems: string[]): void {
  const strings: string[] = [];
  const collect = (v: unknown): boolean => {
    if (typeof v === "string") strings.push(v);
    else if (Array.isArray(v)) return v.every(collect);
    else if (isRecord(v)) {
      strings.push(...Object.keys(v));
      return Object.values(v).every(collect);
    }
    return true;
  };
  collect(value);
  if (strings.some(hasTemplateSequence)) {
    problems.push(`"${name}" must be a plain value, not an expression or template`);
    return;
  }
  const kind = INPUT_KINDS[name];
  const ok =
    kind === undefined
      ? !Array.isArray(value) || value.every((item) => !isRecord(item)) // a nested block looks like an array of objects
      : kind === "string"
        ? typeof value === "string"
        : kind === "number"
          ? typeof value === "number"
          : kind === "bool"
            ? typeof value === "boolean"
            : kind === "string list"
              ? Array.isArray(value) && value.every((item) => typeof item === "string")
              : isRecord(value) && Object.values(value).every((item) => typeof item === "string");
  if (!ok) problems.push(`"${name}" must be ${kind === undefined ? "a value, not a block" : `a ${kind}`}`);
}

export type AtlantisProject = {
  name: string;
  /** The project's directory, relative to the repository root, e.g. terraform/envs/dev/databases. */
  dir: string;
  workspace?: string;
};

/** The Atlantis project for an environment's databases root. */
export function databasesAtlantisProject(environment: string): AtlantisProject {
  assertEnvironment(environment);
  return { name: `${environment}-databases`, dir: `terraform/envs/${environment}/databases` };
}

/**
 * The most atlantis.yaml may be as JSON once its YAML aliases are expanded. Larger than the
 * other single-file limits because an infrastructure monorepo lists every Terraform root here,
 * and generated files (terragrunt-atlantis-config) run to hundreds of KiB.
 */
export const MAX_ATLANTIS_BYTES = 1024 * 1024;

/**
 * `atlantis.yaml` with `project` appended to `projects`, or unchanged if a project for the
 * same dir and workspace is already there. Comments and the existing entries are kept as
 * they are, so the pull request's diff shows only the new lines.
 */
export function addAtlantisProject(atlantisYaml: string, project: AtlantisProject, options: { modulesDir?: string } = {}): string {
  const dir = path.posix.normalize(project.dir).replace(/\/+$/, "");
  if (dir.startsWith("/") || dir === ".." || dir.startsWith("../") || !/^[A-Za-z0-9._/-]+$/.test(dir)) {
    throw new AppError("INVALID", `"${project.dir}" isn't a directory inside the repository`);
  }
  if (!/^[A-Za-z0-9._/-]{1,100}$/.test(project.name)) throw new AppError("INVALID", `"${project.name}" isn't a valid Atlantis project name`);
  const workspace = project.workspace ?? "default";
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(workspace)) throw new AppError("INVALID", `"${workspace}" isn't a valid workspace name`);

  const doc = parseDocument(atlantisYaml);
  if (doc.errors.length > 0) throw new Error(`atlantis.yaml can't be read: ${doc.errors[0]!.message}`);
  // Pave edits the file without expanding it, but writes it back for Atlantis to expand: a file whose
  // aliases multiply it is refused rather than passed on in a pull request.
  const expanded = toBoundedJS(doc, { maxBytes: MAX_ATLANTIS_BYTES });
  if (!expanded.ok) throw new Error(`atlantis.yaml can't be read: it ${expanded.message}`);
  if (!isMap(doc.contents)) throw new Error("atlantis.yaml must be a mapping");
  if (doc.get("version") !== 3) throw new Error("Only atlantis.yaml version 3 is supported");

  let projects = doc.get("projects");
  if (projects === undefined || projects === null) {
    doc.set("projects", doc.createNode([]));
    projects = doc.get("projects");
  }
  if (!isSeq(projects)) throw new Error("atlantis.yaml's projects must be a list");

  for (const item of projects.items) {
    const existing = (isMap(item) ? item.toJSON() : {}) as { name?: unknown; dir?: unknown; workspace?: unknown };
    const existingDir = typeof existing.dir === "string" ? path.posix.normalize(existing.dir).replace(/\/+$/, "") : undefined;
    if (existingDir === dir && (existing.workspace ?? "default") === workspace) return atlantisYaml;
    if (existing.name === project.name) {
      throw new AppError("CONFLICT", `atlantis.yaml already has a project named "${project.name}" for another directory`);
    }
  }

  const modulesDir = options.modulesDir ?? "terraform/modules";
  const node = doc.createNode({
    name: project.name,
    dir,
    workspace,
    autoplan: { enabled: true, when_modified: ["*.tf", `${path.posix.relative(dir, modulesDir)}/**/*.tf`] },
  });
  const whenModified = node.getIn(["autoplan", "when_modified"], true);
  if (isSeq(whenModified)) {
    whenModified.flow = true;
    for (const item of whenModified.items) if (isScalar(item)) item.type = "QUOTE_DOUBLE";
  }
  projects.items.push(node);
  return doc.toString();
}
