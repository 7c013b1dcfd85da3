// The Pave launcher: `npm run dev` (development), `npm start` (the production build, a
// web and/or worker process per PAVE_PROCESS) and `pave migrate` (`npm run db:deploy`).
// It fills in embedded defaults for what is not configured — a PostgreSQL server from
// node_modules, the built-in OIDC identity provider, a generated session secret —
// validates the configuration, applies migrations when asked, loads demo data, and runs Next.
import "dotenv/config";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, isBuiltinIdpEnabled, parseEnv } from "../lib/env.ts";
import { applyMigrations } from "./migrate.ts";
import { DEMO_ROLE_GROUPS } from "./idp/users.ts";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start" && mode !== "migrate") {
  console.error("usage: tsx scripts/pave.ts dev|start|migrate");
  process.exit(2);
}
// Validation below depends on the mode (e.g. the demo identity provider is off in production).
(process.env as Record<string, string>).NODE_ENV ??= mode === "dev" ? "development" : "production";
// Development migrates at every start; production leaves it to `npm run db:deploy` unless told.
process.env.PAVE_MIGRATE ??= mode === "start" ? "false" : "true";
const port = Number(process.env.PORT ?? 3000);
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const say = (message: string) => console.log(`\x1b[36m[pave]\x1b[0m ${message}`);
const cleanups: (() => Promise<void>)[] = [];

type LocalSecrets = { nextauthSecret: string; postgresPassword: string; secretsKey: string };

/** Secrets the embedded defaults need, generated once and kept in .data/ (git-ignored). A key added later is added to the file. */
function localSecrets(): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<LocalSecrets>) : {};
  const secrets: LocalSecrets = {
    nextauthSecret: stored.nextauthSecret ?? randomBytes(32).toString("base64url"),
    postgresPassword: stored.postgresPassword ?? randomBytes(18).toString("base64url"),
    secretsKey: stored.secretsKey ?? randomBytes(32).toString("base64"),
  };
  if (Object.keys(secrets).some((name) => !stored[name as keyof LocalSecrets])) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}

function run(command: string, args: string[], what: string) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) throw new Error(`${what} failed (exit code ${result.status})`);
}

async function main() {
  if (mode === "migrate") {
    // Needs nothing but the database: a one-off migration job carries no other secrets.
    if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set: say which database to migrate.");
    say("applying database migrations");
    await applyMigrations(process.env.DATABASE_URL, say);
    say("migrations are applied");
    return;
  }
  const isDev = mode === "dev";
  if (isDev && !process.env.NEXTAUTH_SECRET) process.env.NEXTAUTH_SECRET = localSecrets().nextauthSecret;
  if (isDev && !process.env.PAVE_SECRETS_KEY) process.env.PAVE_SECRETS_KEY = localSecrets().secretsKey;

  if (!process.env.DATABASE_URL) {
    if (process.env.PAVE_PROCESS === "worker") throw new Error("DATABASE_URL is not set: a worker process needs the database the web processes use.");
    const { startEmbeddedPostgres } = await import("./embedded-postgres.ts");
    const pgPort = Number(process.env.PAVE_EMBEDDED_PG_PORT ?? 54329);
    say(`DATABASE_URL is not set: starting the embedded PostgreSQL on port ${pgPort} (data in .data/postgres)`);
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "postgres"),
      port: pgPort,
      password: localSecrets().postgresPassword,
      database: "pave",
    });
    cleanups.push(embedded.stop);
    process.env.DATABASE_URL = embedded.url;
  }

  // The demo identity provider's people get their roles through these groups.
  const env0 = safeParse();
  if (isBuiltinIdpEnabled(env0)) {
    process.env.PAVE_ADMIN_GROUPS ??= DEMO_ROLE_GROUPS.admin;
    process.env.PAVE_PLATFORM_GROUPS ??= DEMO_ROLE_GROUPS.platform;
  }
  const env = safeParse();

  if (!existsSync(path.join(root, "lib", "generated", "prisma", "client.ts"))) run(bin("prisma"), ["generate"], "prisma generate");
  if (process.env.PAVE_MIGRATE === "true") {
    say("applying database migrations");
    await applyMigrations(env.DATABASE_URL, say);
  }
  const isWorker = env.PAVE_PROCESS === "worker";
  if (!isWorker && (process.env.PAVE_SEED === "true" || (isDev && process.env.PAVE_SEED !== "false"))) {
    say("loading demo data");
    run(bin("tsx"), ["--conditions=react-server", "prisma/seed.ts"], "demo data");
  }

  if (isBuiltinIdpEnabled(env) && !isWorker) {
    const { startBuiltinIdp } = await import("./idp/server.ts");
    const issuer = new URL(env.PAVE_IDP_ISSUER);
    const idp = await startBuiltinIdp({
      port: Number(issuer.port || 80),
      issuer: env.PAVE_IDP_ISSUER,
      clientId: env.PAVE_IDP_CLIENT_ID,
      clientSecret: env.PAVE_IDP_CLIENT_SECRET,
      redirectUris: [`${env.NEXTAUTH_URL.replace(/\/$/, "")}/api/auth/callback/pave-idp`],
      postLogoutRedirectUris: [`${env.NEXTAUTH_URL.replace(/\/$/, "")}/sign-in`],
    });
    cleanups.push(idp.close);
    say(`built-in demo identity provider at ${idp.issuer}${env.NODE_ENV === "production" ? " (enabled by PAVE_BUILTIN_IDP=true)" : ""}`);
  }

  const next = isDev ? startDevServer(env.NEXTAUTH_URL) : startBuiltServer(env.PAVE_PROCESS, env.NEXTAUTH_URL);
  const stop = async (code: number) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(code);
  };
  next.on("exit", (code) => void stop(code ?? 0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => next.kill(signal));
  }
}

function startDevServer(url: string) {
  say(`starting Next (dev) at ${url}`);
  return spawn(bin("next"), ["dev", "--port", String(port)], { cwd: root, stdio: "inherit", env: process.env });
}

/**
 * The production build's standalone server. It changes into its own folder, so settings
 * holding relative paths are made absolute here first; and Pave handles SIGTERM itself
 * (instrumentation.ts drains requests and jobs), so Next is told not to.
 */
function startBuiltServer(role: string, url: string) {
  const server = path.join(root, ".next", "standalone", "server.js");
  if (!existsSync(server)) throw new Error("there is no production build: run `npm run build` first");
  for (const name of ["PAVE_GIT_ROOT", "PAVE_FLAGS_BOOTSTRAP", "PAVE_SCORECARDS_DIR"]) {
    const value = process.env[name];
    if (value && !path.isAbsolute(value)) process.env[name] = path.resolve(root, value);
  }
  process.env.PAVE_GIT_ROOT ??= path.join(dataDir, "git");
  process.env.NEXT_MANUAL_SIG_HANDLE = "true";
  process.env.HOSTNAME = process.env.PAVE_LISTEN_HOST ?? "0.0.0.0";
  say(role === "worker" ? `starting a worker process (health on port ${port})` : `starting the ${role === "web" ? "web" : "web and worker"} process at ${url}`);
  return spawn(process.execPath, [server], { cwd: path.dirname(server), stdio: "inherit", env: process.env });
}

function safeParse() {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

main().catch(async (error: unknown) => {
  console.error(`[pave] could not start: ${error instanceof Error ? error.message : String(error)}`);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(1);
});
