import { z } from "zod";
// The pure parser, not lib/git's index: lib/git reads this module's settings.
import { parseRepoUrl, RepoUrlError } from "@/lib/git/repo-url";

/**
 * Pave's whole configuration, read from the environment and validated once.
 * The launcher (scripts/pave.ts) and the Next server both call getEnv(), so a
 * bad setting stops start-up with a message naming the variable.
 */

const list = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const flag = z
  .enum(["true", "false", "1", "0", ""], { message: 'expected "true" or "false"' })
  .optional()
  .transform((value) => (value === undefined || value === "" ? undefined : value === "true" || value === "1"));

const url = (what: string) => z.url({ message: `expected ${what}` });
const httpUrl = (what: string) => z.url({ protocol: /^https?$/, message: `expected ${what}` });

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** Why a repository URL setting is not one Pave can publish to (it needs an owner), or null. */
function repoUrlProblem(value: string): string | null {
  try {
    parseRepoUrl(value, { requireOwner: true });
    return null;
  } catch (error) {
    if (error instanceof RepoUrlError) return error.detail;
    throw error;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string({ message: "is required: a postgresql:// connection string (the launcher sets it for the embedded database)" })
      .regex(/^postgres(ql)?:\/\/.+/, { message: "expected a postgresql:// connection string" }),
    NEXTAUTH_URL: url("the portal's public URL, e.g. http://localhost:3000").default("http://localhost:3000"),
    NEXTAUTH_SECRET: z
      .string({ message: "is required: a random string of at least 32 characters (openssl rand -base64 32)" })
      .min(32, { message: "must be at least 32 characters (openssl rand -base64 32)" }),

    PAVE_BUILTIN_IDP: flag,
    PAVE_IDP_ISSUER: url("the built-in identity provider's URL").default("http://localhost:3001"),
    PAVE_IDP_CLIENT_ID: z.string().min(1).default("pave-dev"),
    PAVE_IDP_CLIENT_SECRET: z.string().min(8, { message: "must be at least 8 characters" }).default("pave-dev-secret"),

    OIDC_ISSUER: url("the OIDC issuer URL, e.g. https://example.okta.com").optional(),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: z.string().min(1).default("Company SSO"),
    OIDC_SCOPE: z.string().min(1).default("openid email profile"),
    OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),

    GITHUB_ID: optionalString,
    GITHUB_SECRET: optionalString,

    /** A session ends this many hours after sign-in, however active; then the role is recomputed. */
    PAVE_SESSION_MAX_AGE_HOURS: z.coerce.number().positive({ message: "must be a positive number of hours" }).max(24 * 30, { message: "must be at most 720 hours (30 days)" }).default(12),

    PAVE_ADMIN_EMAILS: list,
    PAVE_ADMIN_GROUPS: list,
    PAVE_PLATFORM_EMAILS: list,
    PAVE_PLATFORM_GROUPS: list,

    GITHUB_TOKEN: optionalString,
    GITHUB_API_URL: url("the GitHub API URL, e.g. https://api.github.com").default("https://api.github.com"),
    PAVE_GIT_ROOT: z.string().min(1).default(".data/git"),

    GITHUB_WEBHOOK_SECRET: optionalString,
    /** The infrastructure repo database requests go to, as a RepoUrlPicker value. */
    PAVE_INFRA_REPO: z
      .string()
      .superRefine((value, ctx) => {
        const problem = repoUrlProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `expected github.com?owner=<org>&repo=<repo>: ${problem}` });
      })
      .default("github.com?owner=platform&repo=infrastructure"),
    PAVE_INFRA_BASE_BRANCH: z.string().min(1).default("main"),
    /** The GitHub team (slug) asked to review database requests. */
    PAVE_INFRA_REVIEW_TEAM: z.string().min(1).default("platform-team"),

    /** Tokens for POST /api/v1/events created at start-up: comma-separated `name:secret`. */
    PAVE_INIT_INGEST_TOKENS: list,
    /** The bearer token Prometheus sends to /api/metrics; unset, the endpoint does not exist. */
    PAVE_METRICS_TOKEN: optionalString,
    /** Deployment environments that count for DORA, compared ignoring case. */
    PAVE_DORA_PRODUCTION_ENVIRONMENTS: list.transform((environments) => (environments.length ? environments : ["production"])),

    /** Unleash's base URL, e.g. https://unleash.example.com/api; unset, Pave's flags come from the bootstrap file. */
    UNLEASH_URL: url("Unleash's API URL, e.g. https://unleash.example.com/api").optional(),
    /** A backend (client) token, used to evaluate Pave's own flags. */
    UNLEASH_API_TOKEN: optionalString,
    /** An admin token, used by the flags page to list and change services' flags. */
    UNLEASH_ADMIN_TOKEN: optionalString,
    UNLEASH_APP_NAME: z.string().min(1).default("pave"),
    UNLEASH_ENVIRONMENT: z.string().min(1).default("production"),
    /** The flag states used before Unleash answers, and without UNLEASH_URL the only source. */
    PAVE_FLAGS_BOOTSTRAP: z.string().min(1).default("lib/flags/bootstrap.json"),
    /** The Unleash project of components without an unleash.io/project-id annotation. */
    PAVE_UNLEASH_DEFAULT_PROJECT: optionalString,

    /** The folder of scorecard YAML files, synced before every evaluation. */
    PAVE_SCORECARDS_DIR: z.string().min(1).default("lib/scorecards/definitions"),
    /** Docs builds render at most this many files; a larger tree is rendered partially, with a notice. */
    PAVE_DOCS_MAX_FILES: z.coerce.number().int().min(1, { message: "must be at least 1" }).default(500),
    /** …and at most this many bytes of Markdown and images in total. */
    PAVE_DOCS_MAX_BYTES: z.coerce.number().int().min(1024, { message: "must be at least 1024" }).default(5 * 1024 * 1024),

    /** Each catalog entity may be at most this many bytes as JSON once YAML aliases are expanded. */
    PAVE_CATALOG_MAX_ENTITY_BYTES: z.coerce.number().int().min(1024, { message: "must be at least 1024" }).default(256 * 1024),
    /** …and all the entities of one import (a file, an upload, a location) together. */
    PAVE_CATALOG_MAX_IMPORT_BYTES: z.coerce.number().int().min(1024, { message: "must be at least 1024" }).default(16 * 1024 * 1024),

    /** How many proxies (load balancer, ingress) append to X-Forwarded-For in front of Pave; used to tell client addresses apart. */
    PAVE_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0, { message: "must be 0 or more" }).max(10).default(0),

    /** Work units (about 10 ns each: characters and list items processed) one run's template rendering may spend in all. */
    PAVE_TEMPLATE_WORK_BUDGET: z.coerce.number().int().min(100_000, { message: "must be at least 100000" }).default(100_000_000),
    /** Milliseconds one run's template rendering may take in all before its rendering thread is stopped. */
    PAVE_TEMPLATE_TIME_LIMIT_MS: z.coerce.number().int().min(100, { message: "must be at least 100" }).default(5000),

    /**
     * 32 bytes, as 64 hex characters or base64: the key that seals secrets Pave keeps in
     * Postgres (template runs' password answers). The same on every replica; `npm run dev`
     * generates one into .data/secrets.json.
     */
    PAVE_SECRETS_KEY: optionalString.pipe(
      z
        .string()
        .optional()
        .transform((value, ctx) => {
          if (value === undefined) return undefined;
          const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
          if (bytes.length !== 32) {
            ctx.addIssue({ code: "custom", message: "must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32)" });
            return z.NEVER;
          }
          return bytes;
        }),
    ),

    /** What this process does: serve HTTP (web), run background jobs (worker), or both (all). */
    PAVE_PROCESS: z.enum(["web", "worker", "all"], { message: 'expected "web", "worker" or "all"' }).default("all"),
    /** Whether `npm start` applies pending migrations before it starts (under an advisory lock). Without it a process refuses an unmigrated database. */
    PAVE_MIGRATE: z.enum(["true", "false"], { message: 'expected "true" or "false"' }).optional(),
    /** Seconds a process has after SIGTERM to finish requests and jobs before it exits. */
    PAVE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0, { message: "must be 0 or more" }).max(3600).default(25),
    /** Seconds a process keeps serving after SIGTERM, answering readiness with 503, so load balancers stop sending before it closes. */
    PAVE_SHUTDOWN_DELAY_SECONDS: z.coerce.number().int().min(0, { message: "must be 0 or more" }).max(3600).default(5),
    /** Seconds a worker holds a template run between heartbeats; a run whose worker died is picked up by another after this. */
    PAVE_RUN_LEASE_SECONDS: z.coerce.number().int().min(2, { message: "must be at least 2" }).max(3600).default(30),
    /** Seconds between a worker's sweeps for runs and requests whose job was lost (enqueue failed, worker died). */
    PAVE_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1, { message: "must be at least 1" }).max(3600).default(15),

    /**
     * An OTLP/HTTP collector, e.g. http://otel-collector:4318: set, Pave exports traces to
     * <endpoint>/v1/traces (or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, used as given).
     * The exporter reads both itself; they are checked here so a typo stops start-up.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUnset, httpUrl("an OTLP/HTTP collector URL, e.g. http://otel-collector:4318").optional()),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.preprocess(emptyAsUnset, httpUrl("an OTLP/HTTP traces URL, e.g. http://otel-collector:4318/v1/traces").optional()),
    /** The service.name of Pave's spans. */
    OTEL_SERVICE_NAME: z.string().min(1).default("pave"),

    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    const need = (condition: boolean, path: string, message: string) => {
      if (condition) ctx.addIssue({ code: "custom", path: [path], message });
    };
    need(!!env.OIDC_ISSUER && !env.OIDC_CLIENT_ID, "OIDC_CLIENT_ID", "is required when OIDC_ISSUER is set");
    need(!!env.OIDC_ISSUER && !env.OIDC_CLIENT_SECRET, "OIDC_CLIENT_SECRET", "is required when OIDC_ISSUER is set");
    need(!!env.GITHUB_ID && !env.GITHUB_SECRET, "GITHUB_SECRET", "is required when GITHUB_ID is set");
    need(!env.GITHUB_ID && !!env.GITHUB_SECRET, "GITHUB_ID", "is required when GITHUB_SECRET is set");
    env.PAVE_INIT_INGEST_TOKENS.forEach((item, index) => {
      const colon = item.indexOf(":");
      need(
        colon < 1 || item.length - colon - 1 < 24,
        "PAVE_INIT_INGEST_TOKENS",
        `item ${index + 1}: expected name:secret with a secret of at least 24 characters`,
      );
    });
    need(!!env.UNLEASH_URL && !env.UNLEASH_API_TOKEN, "UNLEASH_API_TOKEN", "is required when UNLEASH_URL is set (a backend token)");
    need(
      env.PAVE_CATALOG_MAX_ENTITY_BYTES > env.PAVE_CATALOG_MAX_IMPORT_BYTES,
      "PAVE_CATALOG_MAX_ENTITY_BYTES",
      "must not be more than PAVE_CATALOG_MAX_IMPORT_BYTES (one entity can't be bigger than a whole import)",
    );
    need(
      env.PAVE_SHUTDOWN_DELAY_SECONDS >= env.PAVE_SHUTDOWN_GRACE_SECONDS && env.PAVE_SHUTDOWN_GRACE_SECONDS > 0,
      "PAVE_SHUTDOWN_DELAY_SECONDS",
      "must be less than PAVE_SHUTDOWN_GRACE_SECONDS (requests in flight need time to finish after it)",
    );
    need(!!env.PAVE_METRICS_TOKEN && env.PAVE_METRICS_TOKEN.length < 16, "PAVE_METRICS_TOKEN", "must be at least 16 characters");
    need(env.NODE_ENV === "production" && !env.PAVE_SECRETS_KEY, "PAVE_SECRETS_KEY", "is required in production: 32 random bytes, the same on every replica (openssl rand -base64 32)");
    need(
      env.NODE_ENV === "production" && env.PAVE_BUILTIN_IDP === undefined && !env.OIDC_ISSUER && !env.GITHUB_ID,
      "OIDC_ISSUER",
      "no sign-in provider is configured: set OIDC_ISSUER (or GITHUB_ID), or PAVE_BUILTIN_IDP=true for a demo",
    );
  });

export type Env = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every setting.`);
    this.name = "ConfigError";
  }
}

/** Parses an environment object; throws ConfigError naming each bad variable (never its value). */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`),
  );
}

/**
 * Whether the built-in OIDC provider serves sign-in. In development it is on unless a
 * real provider is configured; outside development only PAVE_BUILTIN_IDP=true turns it on.
 */
export function isBuiltinIdpEnabled(env: Env): boolean {
  if (env.PAVE_BUILTIN_IDP !== undefined) return env.PAVE_BUILTIN_IDP;
  return env.NODE_ENV !== "production" && !env.OIDC_ISSUER && !env.GITHUB_ID;
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
