// npm run bench:load — the production build under load. Seeds (once) the benchmark
// catalog (100,000 components, 20,000 APIs, 2,000 groups) and the DORA data (1,000,000
// deployments over about 2,000 of those components) into pave_bench_load, builds if there
// is no build, then starts 1 and then 2 web processes and drives each page with autocannon
// at 20 connections, signed in with database sessions, plus event ingestion with ingest
// tokens. Prints p50/p95/p99, requests/s, errors and the page sizes. Never part of the tests.
//
// Settings (environment): BENCH_DATABASE_URL, BENCH_BUILD=true (build even if .next exists),
// BENCH_DURATION (s per target, 15), BENCH_WARMUP (s, 3), BENCH_CONNECTIONS (20),
// BENCH_PROCESSES ("1,2"), BENCH_TARGETS (ids, e.g. "catalog,entity"), BENCH_PROFILE=<dir>
// (the web processes write V8 CPU profiles there), BENCH_RESEED=true, and the catalog and DORA
// sizes of bench:catalog and bench:dora (BENCH_COMPONENTS, BENCH_DEPLOYMENTS, …).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, createWriteStream, existsSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import pg from "pg";

const root = path.resolve(import.meta.dirname, "../..");
const BENCH_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pave_bench_load";
const target = new URL(BENCH_URL);
if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error("The benchmark only runs against a local PostgreSQL.");
const DB_NAME = target.pathname.slice(1);
process.env.DATABASE_URL = BENCH_URL;

const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? "1,2").split(",").map(Number);
const ONLY = process.env.BENCH_TARGETS?.split(",").map((t) => t.trim());
const PROFILE_DIR = process.env.BENCH_PROFILE;
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3101);
const TIMEOUT = 10;
/** Teams whose components get delivery data: about 50 components each, so about 2,000 services. */
const DORA_TEAMS = Number(process.env.BENCH_DORA_TEAMS ?? 40);
const USERS = 20;
// Each token may post 10 requests a second (bursts of 20): enough of them that the limit, a policy, is not what is measured.
const INGEST_TOKENS = 100;

const { createMigratedDatabase, prismaCli } = await import("../../tests/database.ts");
const { db } = await import("../../lib/db.ts");
const { catalogSizeFromEnv, seedCatalog } = await import("./seed-catalog.ts");
const { doraSizeFromEnv, seedDora, step } = await import("./seed-dora.ts");
const { affectedDays, recomputeDailyRollups } = await import("../../lib/dora/rollups.ts");

const maintenance = new URL(BENCH_URL);
maintenance.pathname = "/postgres";
const sql = new pg.Client({ connectionString: maintenance.toString() });
await sql.connect();

// ---------------------------------------------------------------------------------------
// Data: seeded once per size; the size is kept as the database's comment.

const size = { catalog: catalogSizeFromEnv(), dora: doraSizeFromEnv(), doraTeams: DORA_TEAMS };
const marker = `pave bench:load ${JSON.stringify(size)}`;
const seeded = await sql.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`, [DB_NAME]);
await sql.end();

const bench = new pg.Client({ connectionString: BENCH_URL });
if (seeded.rows[0]?.comment === marker && process.env.BENCH_RESEED !== "true") {
  console.log(`${DB_NAME} is already seeded (${JSON.stringify(size)}); applying any new migrations`);
  const migrate = prismaCli(["migrate", "deploy"], BENCH_URL);
  if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stdout}\n${migrate.stderr}`);
  await bench.connect();
} else {
  console.log(`Seeding a fresh ${DB_NAME} on ${target.host}`);
  const start = performance.now();
  await createMigratedDatabase(DB_NAME);
  await seedCatalog(size.catalog);
  await bench.connect();
  const teams = Array.from({ length: DORA_TEAMS }, (_, i) => `group:default/team-${i}`);
  const services = (await bench.query<{ key: string }>(`SELECT key FROM entities WHERE kind = 'Component' AND owner = ANY($1) ORDER BY key`, [teams])).rows.map((r) => r.key);
  console.log(`delivery data for ${services.length.toLocaleString("en")} components of ${DORA_TEAMS} teams`);
  await seedDora(bench, services, size.dora);
  await step("vacuum analyze", () => bench.query("VACUUM ANALYZE"));
  await bench.query(`COMMENT ON DATABASE "${DB_NAME}" IS '${marker.replaceAll("'", "''")}'`);
  console.log(`seeded in ${((performance.now() - start) / 60_000).toFixed(1)} min`);
}

// ---------------------------------------------------------------------------------------
// Who is asking: members with database sessions, and ingest tokens. Recreated every run.

const sessionTokens: string[] = [];
for (let i = 0; i < USERS; i++) {
  const userId = `bench-load-user-${i}`;
  await bench.query(
    `INSERT INTO users (id, name, email, email_verified, role, groups, updated_at) VALUES ($1, $2, $3, now(), 'member', $4, now())
     ON CONFLICT (id) DO UPDATE SET groups = EXCLUDED.groups`,
    [userId, `Load ${i}`, `bench-load-${i}@pave.local`, [`team-${i % DORA_TEAMS}`]],
  );
  const token = randomBytes(32).toString("hex");
  await bench.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
  // Expires in 12 hours (the default maximum age), so next-auth never renews it during the run.
  await bench.query(`INSERT INTO sessions (id, session_token, user_id, expires, created_at) VALUES ($1, $2, $3, now() + interval '12 hours', now())`, [`bench-load-session-${i}`, token, userId]);
  sessionTokens.push(token);
}
const ingestSecrets: string[] = [];
for (let i = 0; i < INGEST_TOKENS; i++) {
  const secret = `pave_ingest_bench_load_${String(i).padStart(3, "0")}_0123456789abcdef`;
  await bench.query(
    `INSERT INTO ingest_tokens (id, name, secret_hash, prefix) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, revoked_at = NULL`,
    [`bench-load-token-${i}`, `bench-load-${i}`, createHash("sha256").update(secret).digest("hex"), secret.slice(0, 18)],
  );
  ingestSecrets.push(secret);
}

/** Removes what earlier ingestion runs added, so every run measures the same data. */
async function removeIngestedEvents() {
  const ids = (await bench.query<{ id: string }>(`SELECT id FROM dora_deployments WHERE source = 'api' AND id LIKE 'api:load-%'`)).rows.map((r) => r.id);
  if (!ids.length) return;
  await db.$transaction(
    async (tx) => {
      const pairs = await affectedDays(tx, { deploymentIds: ids });
      await tx.$executeRaw`DELETE FROM dora_deployment_changes WHERE deployment_id = ANY(${ids}::text[])`;
      await tx.$executeRaw`DELETE FROM dora_deployments WHERE id = ANY(${ids}::text[])`;
      await recomputeDailyRollups(tx, pairs);
    },
    { timeout: 120_000 },
  );
  await bench.query(`DELETE FROM rate_limits WHERE key LIKE 'ingest:bench-load-token-%'`);
}
await removeIngestedEvents();

const doraServices = (
  await bench.query<{ name: string }>(`SELECT DISTINCT e.name FROM entities e JOIN dora_daily d ON d.entity_key = e.key WHERE e.kind = 'Component' ORDER BY 1`)
).rows.map((r) => r.name);
const entityPaths = (
  await bench.query<{ name: string }>(`SELECT name FROM entities WHERE kind = 'Component' AND namespace = 'default' ORDER BY md5(key) LIMIT 200`)
).rows.map((r) => `/catalog/component/default/${encodeURIComponent(r.name)}`);
const counts = (await bench.query(`SELECT (SELECT count(*) FROM entities) AS entities, (SELECT count(*) FROM dora_deployments) AS deployments`)).rows[0];
console.log(
  `data: ${Number(counts.entities).toLocaleString("en")} entities, ${Number(counts.deployments).toLocaleString("en")} deployments, ` +
    `${doraServices.length.toLocaleString("en")} services with delivery data`,
);

// ---------------------------------------------------------------------------------------
// The build and the web processes.

const standalone = path.join(root, ".next/standalone");
if (!existsSync(path.join(root, ".next")) || process.env.BENCH_BUILD === "true") {
  console.log("building (npm run build)");
  const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) throw new Error("npm run build failed");
}
const useStandalone = existsSync(path.join(standalone, "server.js"));
if (PROFILE_DIR && !useStandalone) throw new Error("BENCH_PROFILE needs the standalone build (.next/standalone/server.js).");
if (useStandalone) {
  // The standalone server serves static assets from its own folder.
  if (!existsSync(path.join(standalone, ".next/static"))) cpSync(path.join(root, ".next/static"), path.join(standalone, ".next/static"), { recursive: true });
  if (existsSync(path.join(root, "public")) && !existsSync(path.join(standalone, "public"))) cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });
}

type Server = { port: number; child: ChildProcess; exited: Promise<void> };
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

async function startServer(port: number): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    DATABASE_URL: BENCH_URL,
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: "bench-load-secret-bench-load-secret-bench",
    PAVE_SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
    // Sessions are made above; no sign-in provider is needed.
    PAVE_BUILTIN_IDP: "false",
    // A web process only: no jobs run here, and the database is migrated already.
    PAVE_PROCESS: "web",
    PAVE_MIGRATE: "false",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.PAVE_INIT_INGEST_TOKENS;
  // Node refuses --cpu-prof in NODE_OPTIONS: profiling needs the standalone server, run by node directly.
  const profile = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const logFile = `/tmp/pave-bench-load-${port}.log`;
  const out = createWriteStream(logFile);
  const [command, args] = useStandalone ? ["node", [...profile, path.join(standalone, "server.js")]] : [path.join(root, "node_modules/.bin/next"), ["start", "--port", String(port)]];
  const child = spawn(command, args, { cwd: useStandalone ? standalone : root, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.on("close", () => {
      running.delete(child);
      out.end();
      resolve();
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web process on port ${port} exited (${child.exitCode}); see ${logFile}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the web process on port ${port} did not answer /api/health within 60 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, child, exited };
}

async function stopServers(servers: Server[]) {
  for (const s of servers) s.child.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.exited));
}

// ---------------------------------------------------------------------------------------
// What is measured.

type Target = {
  id: string;
  label: string;
  /** p95 limit in ms at 20 connections; errors must be 0 for every target. */
  p95Ms?: number;
  page: boolean;
  request: () => { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };
};

let turn = 0;
const signedIn = (): Record<string, string> => ({ cookie: `next-auth.session-token=${sessionTokens[turn++ % sessionTokens.length]}` });
const page = (id: string, label: string, p95Ms: number | undefined, pathFor: () => string): Target => ({
  id,
  label,
  p95Ms,
  page: true,
  request: () => ({ method: "GET", path: pathFor(), headers: signedIn() }),
});

let eventNumber = 0;
const runId = Date.now().toString(36);
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const targets: Target[] = [
  page("catalog", "/catalog", 150, () => "/catalog"),
  page("search", "/catalog?q=payments", 150, () => "/catalog?q=payments"),
  page("filtered", "/catalog?kind=Component&lifecycle=production", 150, () => "/catalog?kind=Component&lifecycle=production"),
  page("entity", "/catalog/component/default/<200 components>", 150, () => entityPaths[turn % entityPaths.length]!),
  page("dora-org", "/dora", 250, () => "/dora"),
  page("dora-team", `/dora/teams/team-<0..${DORA_TEAMS - 1}>`, undefined, () => `/dora/teams/team-${turn % DORA_TEAMS}`),
  {
    id: "ingest",
    label: "POST /api/v1/events (1 deployment, 3 changes)",
    page: false,
    request: () => {
      const n = eventNumber++;
      const event = {
        type: "deployment",
        id: `load-${runId}-${n}`,
        service: doraServices[n % doraServices.length],
        environment: "production",
        status: "success",
        // As CI sends them: just finished.
        finishedAt: new Date(Date.now() - (n % 3600) * 1000).toISOString(),
        changes: [0, 1, 2].map((c) => `${hex(n, 12)}${hex(c, 4)}${"b".repeat(24)}`),
      };
      return {
        method: "POST" as const,
        path: "/api/v1/events",
        headers: { authorization: `Bearer ${ingestSecrets[n % ingestSecrets.length]}`, "content-type": "application/json" },
        body: JSON.stringify({ events: [event] }),
      };
    },
  },
].filter((t) => !ONLY || ONLY.includes(t.id));

type Row = {
  target: Target;
  processes: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  errors: number;
  /** What the errors were: status codes and timeouts. */
  errorDetail: string;
  bytes?: number;
  aloneMs: number;
};

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.POSITIVE_INFINITY;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : "—");

function send(port: number, t: Target): Promise<Response> {
  const r = t.request();
  return fetch(`http://127.0.0.1:${port}${r.path}`, { method: r.method, headers: r.headers, body: r.body, redirect: "manual" });
}

/** autocannon at CONNECTIONS connections over every server; each request built afresh. */
function cannon(ports: number[], t: Target, seconds: number, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon spreads the connections over several URLs; its types know only one.
        url: ports.map((p) => `http://127.0.0.1:${p}`) as unknown as string,
        connections: CONNECTIONS,
        duration: seconds,
        // A page still unanswered after this long counts as an error (a timeout).
        timeout: TIMEOUT,
        requests: [
          {
            setupRequest: (req) => {
              const next = t.request();
              return { ...req, ...next, headers: { ...req.headers, ...next.headers } };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (latencies) instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  });
}

/**
 * Waits (up to a minute) until the database runs no queries for the web processes: requests
 * that timed out in one target keep their queries running and would slow the next target.
 */
async function settle() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await bench.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
      [DB_NAME],
    );
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function measure(ports: number[], t: Target): Promise<Row> {
  await settle();
  await cannon(ports, t, WARMUP);
  // One request at a time: the latency without queueing.
  const alone: number[] = [];
  let bytes: number | undefined;
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    const response = await send(ports[0]!, t);
    const body = await response.arrayBuffer();
    alone.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`${t.label} answered ${response.status}: ${Buffer.from(body).toString("utf8").slice(0, 300)}`);
    if (t.page) bytes = body.byteLength;
  }
  const latencies: number[] = [];
  const result = await cannon(ports, t, DURATION, latencies);
  latencies.sort((a, b) => a - b);
  alone.sort((a, b) => a - b);
  return {
    target: t,
    processes: ports.length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    perSecond: result.requests.total / (result.duration || DURATION),
    errors: result.non2xx + result.errors,
    errorDetail: [
      ...Object.entries(result.statusCodeStats ?? {})
        // Timeouts are counted below; autocannon files them under "undefined".
        .filter(([code]) => /^\d+$/.test(code) && !code.startsWith("2"))
        .map(([code, stats]) => `${code}×${stats.count ?? 0}`),
      ...(result.timeouts ? [`timeouts×${result.timeouts}`] : []),
      ...(result.errors > result.timeouts ? [`socket errors×${result.errors - result.timeouts}`] : []),
    ].join(" "),
    bytes,
    aloneMs: percentile(alone, 0.5),
  };
}

const rows: Row[] = [];
for (const processes of PROCESS_COUNTS) {
  const ports = Array.from({ length: processes }, (_, i) => BASE_PORT + i);
  console.log(`\n${processes} web process${processes > 1 ? "es" : ""} (${useStandalone ? "node .next/standalone/server.js" : "next start"}), ports ${ports.join(", ")}`);
  const servers: Server[] = [];
  try {
    for (const port of ports) servers.push(await startServer(port));
    for (const t of targets) {
      const row = await measure(ports, t);
      rows.push(row);
      console.log(`  ${t.label}: p95 ${ms(row.p95)} ms, ${row.perSecond.toFixed(1)} req/s, ${row.errors} errors ${row.errorDetail}`);
      if (t.id === "ingest") await removeIngestedEvents();
    }
  } finally {
    await stopServers(servers);
  }
}

function verdict(r: Row): string {
  const errorsOk = r.errors === 0;
  if (r.target.p95Ms === undefined) return `errors = 0 ${errorsOk ? "✓" : "✗"}`;
  return `p95 ≤ ${r.target.p95Ms} ms, errors = 0 ${errorsOk && r.p95 <= r.target.p95Ms ? "✓" : "✗"}`;
}


const cols = [
  ["target", 48],
  ["procs", 5],
  ["p50 ms", 7],
  ["p95 ms", 7],
  ["p99 ms", 7],
  ["req/s", 7],
  ["errors", 6],
  ["KB", 6],
  ["alone ms", 8],
] as const;
console.log(`\n${cols.map(([name, width], i) => (i === 0 ? name.padEnd(width) : name.padStart(width))).join(" ")}  verdict`);
for (const r of rows) {
  const cells = [
    r.target.label,
    String(r.processes),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    r.perSecond.toFixed(1),
    String(r.errors),
    r.bytes === undefined ? "—" : (r.bytes / 1024).toFixed(0),
    ms(r.aloneMs),
  ];
  const detail = r.errorDetail ? `  (${r.errorDetail})` : "";
  console.log(`${cells.map((c, i) => (i === 0 ? c.padEnd(cols[i]![1]) : c.padStart(cols[i]![1]))).join(" ")}  ${verdict(r)}${detail}`);
}
console.log(
  `\n${CONNECTIONS} connections, ${DURATION} s per target after ${WARMUP} s of warm-up; errors are non-2xx answers, socket errors and timeouts (no answer within ${TIMEOUT} s); ` +
    `KB is the page's HTML, uncompressed; alone is the median of 10 requests one at a time after the warm-up. Machine: ${os.cpus().length} cores, autocannon and PostgreSQL on the same machine.`,
);
await bench.end();
await db.$disconnect();
