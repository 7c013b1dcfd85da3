import { z } from "zod";

/*
 * The rules for a self-service database, as data. The request form (in the browser),
 * the server, and the Terraform module's `validation` blocks all apply these same rules;
 * `parity.test.ts` checks the module's copy against this file. No server-only imports.
 */

/** Sizes a developer can pick; the module maps the same names to the same classes and storage. */
export const TIERS = {
  small: { instanceClass: "db.t3.micro", storageGb: 20 },
  medium: { instanceClass: "db.t3.medium", storageGb: 100 },
  large: { instanceClass: "db.r6g.large", storageGb: 500 },
} as const;

/** Engines with the major versions we offer and the port the security group opens. */
export const ENGINES = {
  postgres: { versions: ["15", "16", "17"], port: 5432 },
  mysql: { versions: ["8.0", "8.4"], port: 3306 },
} as const;

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

/** Kept as text so the very same pattern appears in the module's variables.tf. */
export const SERVICE_NAME_PATTERN = "^[a-z][a-z0-9-]+$";
/** Short enough that `<service>-<env>-monitoring` stays within AWS's 64-character names. */
export const SERVICE_NAME_MAX = 40;

/**
 * The owner becomes an AWS tag value, so it uses the characters AWS allows in tags
 * (`\p{…}` classes work in both RE2 and JavaScript's `u` mode).
 */
export const OWNER_PATTERN = "^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,256}$";

export const BACKUP_RETENTION = { min: 0, max: 35, prodMin: 7 } as const;

/** Pave-only: the justification goes into the pull request, not into Terraform. */
export const JUSTIFICATION = { min: 10, max: 2000 } as const;

export type Tier = keyof typeof TIERS;
export type Engine = keyof typeof ENGINES;
export type Environment = (typeof ENVIRONMENTS)[number];

export const TIER_NAMES = Object.keys(TIERS) as [Tier, ...Tier[]];
export const ENGINE_NAMES = Object.keys(ENGINES) as [Engine, ...Engine[]];

/** "a, b or c", for messages that list the choices. */
export function formatChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}

/** The message shown when a version isn't offered for the chosen engine. */
export function engineVersionMessage(engine: Engine): string {
  return `${engine} versions are ${formatChoices(ENGINES[engine].versions)}`;
}

export const MESSAGES = {
  serviceNamePattern: "Service names are lowercase letters, digits and hyphens, starting with a letter",
  serviceNameMax: `Service names are at most ${SERVICE_NAME_MAX} characters`,
  serviceNameHyphens: "Service names can't end with a hyphen or have two hyphens in a row",
  owner: "Owner must be 1 to 256 letters, digits, spaces or _ . : / = + - @",
  environment: `Environment must be one of ${formatChoices(ENVIRONMENTS)}`,
  engine: `Engine must be one of ${formatChoices(ENGINE_NAMES)}`,
  engineVersion: "Choose an engine version",
  tier: `Tier must be one of ${formatChoices(TIER_NAMES)}`,
  backupRetention: `Backup retention is a whole number of days from ${BACKUP_RETENTION.min} to ${BACKUP_RETENTION.max}`,
  prodBackups: `Production databases need backups of at least ${BACKUP_RETENTION.prodMin} days`,
  multiAz: "Multi-AZ must be on or off",
  service: "Choose a service from the catalog",
  justificationMin: `Tell the reviewers why in at least ${JUSTIFICATION.min} characters`,
  justificationMax: `Keep the justification to ${JUSTIFICATION.max} characters`,
} as const;

// Field schemas shared by the module-input and form schemas, so the rules can't drift.

/** A service name that can name a database (the catalog entity's name). */
export const serviceNameSchema = z
  .string({ error: MESSAGES.serviceNamePattern })
  .max(SERVICE_NAME_MAX, MESSAGES.serviceNameMax)
  .regex(new RegExp(SERVICE_NAME_PATTERN), MESSAGES.serviceNamePattern)
  // RDS identifiers (`<service>-<env>`) may not end with or repeat a hyphen.
  .refine((name) => !name.includes("--") && !name.endsWith("-"), MESSAGES.serviceNameHyphens);

const owner = z.string({ error: MESSAGES.owner }).regex(new RegExp(OWNER_PATTERN, "u"), MESSAGES.owner);
const environment = z.enum(ENVIRONMENTS, { error: MESSAGES.environment });
const engine = z.enum(ENGINE_NAMES, { error: MESSAGES.engine });
const engineVersion = z.string({ error: MESSAGES.engineVersion }).min(1, MESSAGES.engineVersion);
const tier = z.enum(TIER_NAMES, { error: MESSAGES.tier });
const backupRetentionDays = z
  .number({ error: MESSAGES.backupRetention })
  .int(MESSAGES.backupRetention)
  .min(BACKUP_RETENTION.min, MESSAGES.backupRetention)
  .max(BACKUP_RETENTION.max, MESSAGES.backupRetention);

type CrossFieldInput = { environment?: unknown; engine?: unknown; version?: unknown; backupRetentionDays?: unknown };
type Issue = { field: "version" | "backupRetentionDays"; message: string };

/** The rules that involve two fields: the version depends on the engine, prod needs longer backups. */
function crossFieldIssues(v: CrossFieldInput): Issue[] {
  const issues: Issue[] = [];
  if (typeof v.engine === "string" && Object.hasOwn(ENGINES, v.engine) && typeof v.version === "string") {
    const e = v.engine as Engine;
    if (!(ENGINES[e].versions as readonly string[]).includes(v.version)) {
      issues.push({ field: "version", message: engineVersionMessage(e) });
    }
  }
  if (v.environment === "prod" && typeof v.backupRetentionDays === "number" && v.backupRetentionDays < BACKUP_RETENTION.prodMin) {
    issues.push({ field: "backupRetentionDays", message: MESSAGES.prodBackups });
  }
  return issues;
}

/** Runs an object-level check even when unrelated fields failed, so the form shows every problem at once. */
function unlessFieldsFailed(fields: readonly string[]) {
  return (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !payload.issues.some((issue) => fields.includes(String(issue.path?.[0])));
}

/** The module's inputs with exactly the rules of its `validation` blocks (see parity.test.ts). */
export const moduleInputsSchema = z
  .object({
    service_name: serviceNameSchema,
    owner,
    environment,
    engine,
    engine_version: engineVersion,
    tier,
    backup_retention_days: backupRetentionDays,
    // The module forces multi-AZ on in prod rather than rejecting `false`, so this accepts it too.
    multi_az: z.boolean({ error: MESSAGES.multiAz }),
  })
  .superRefine(
    (v, ctx) => {
      const fieldNames = { version: "engine_version", backupRetentionDays: "backup_retention_days" } as const;
      const issues = crossFieldIssues({
        environment: v.environment,
        engine: v.engine,
        version: v.engine_version,
        backupRetentionDays: v.backup_retention_days,
      });
      for (const issue of issues) ctx.addIssue({ code: "custom", path: [fieldNames[issue.field]], message: issue.message });
    },
    { when: unlessFieldsFailed(["environment", "engine", "engine_version", "backup_retention_days"]) },
  );

// Form fields arrive as text: numbers are written by people, checkboxes are "on" or absent.

const formNumber = (value: unknown) => {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text === "") return undefined;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
};

const formCheckbox = (value: unknown) => {
  if (value === undefined || value === null || value === "" || value === "off" || value === "false") return false;
  if (value === "on" || value === "true") return true;
  return value;
};

/** Catalog ref keys as `entityRefKey` writes them: lowercased `kind:namespace/name`. */
const SERVICE_REF_PATTERN = /^[a-z][a-z0-9-]*:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/;

/** What a developer submits. The server derives the service name and owner from the catalog entity. */
export const databaseRequestFormSchema = z
  .object({
    service: z
      .string({ error: MESSAGES.service })
      .trim()
      .refine((ref) => ref.length <= 300 && SERVICE_REF_PATTERN.test(ref), MESSAGES.service),
    environment,
    engine,
    engineVersion,
    tier,
    backupRetentionDays: z.preprocess(formNumber, backupRetentionDays),
    multiAz: z.preprocess(formCheckbox, z.boolean({ error: MESSAGES.multiAz })),
    justification: z
      .string({ error: MESSAGES.justificationMin })
      .trim()
      .min(JUSTIFICATION.min, MESSAGES.justificationMin)
      .max(JUSTIFICATION.max, MESSAGES.justificationMax),
  })
  .superRefine(
    (v, ctx) => {
      const fieldNames = { version: "engineVersion", backupRetentionDays: "backupRetentionDays" } as const;
      const issues = crossFieldIssues({
        environment: v.environment,
        engine: v.engine,
        version: v.engineVersion,
        backupRetentionDays: v.backupRetentionDays,
      });
      for (const issue of issues) ctx.addIssue({ code: "custom", path: [fieldNames[issue.field]], message: issue.message });
    },
    { when: unlessFieldsFailed(["environment", "engine", "engineVersion", "backupRetentionDays"]) },
  )
  // Prod is always multi-AZ: the form's checkbox can't turn it off, so coerce instead of failing.
  .transform((v) => ({ ...v, multiAz: v.environment === "prod" ? true : v.multiAz }));

export type ModuleInputsInput = z.infer<typeof moduleInputsSchema>;
/** A valid request, after coercion (numbers, checkbox, prod's multi-AZ). */
export type DatabaseRequestFormInput = z.infer<typeof databaseRequestFormSchema>;
/** What the form may submit before parsing. */
export type DatabaseRequestFormValues = z.input<typeof databaseRequestFormSchema>;
