// npm run bench:dora — 2,000 services with 1,000,000 deployments, 5,000,000 changes and
// 50,000 incidents in a fresh local database (generated in SQL), then p50/p95 of the
// organisation, team and service dashboards, and ingestion throughput through the HTTP
// API (a loopback HTTP server in front of the real route handler) in batches of 1,000.
import http from "node:http";
import { performance } from "node:perf_hooks";
import pg from "pg";

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pave_bench_dora";
const target = new URL(BENCH_URL);
if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error("The benchmark only runs against a local PostgreSQL.");
process.env.DATABASE_URL = BENCH_URL;
process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0";
process.env.LOG_LEVEL = "warn";
const TOKEN = "bench-ingest-token-0123456789abcdef";
process.env.PAVE_INIT_INGEST_TOKENS = `bench:${TOKEN}`;

const SERVICES = Number(process.env.BENCH_SERVICES ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const { createMigratedDatabase } = await import("../../tests/database.ts");
const { db } = await import("../../lib/db.ts");
const { doraSizeFromEnv, seedDora, step } = await import("./seed-dora.ts");
const { getDoraReport } = await import("../../lib/dora/metrics.ts");
const { provisionInitialIngestTokens } = await import("../../lib/dora/tokens.ts");
const { POST } = await import("../../app/api/v1/events/route.ts");

await createMigratedDatabase(target.pathname.slice(1));
const sql = new pg.Client({ connectionString: BENCH_URL });
await sql.connect();
await step(`seeded ${SERVICES.toLocaleString("en")} services`, () =>
  sql.query(
    `INSERT INTO entities (id, key, api_version, kind, namespace, name, owner, type, lifecycle, metadata, spec, source_type, updated_at)
     SELECT 'e' || i, 'component:default/svc-' || i, 'backstage.io/v1alpha1', 'Component', 'default', 'svc-' || i,
            'group:default/team-' || (i % 50), 'service', 'production', jsonb_build_object('name', 'svc-' || i), '{}'::jsonb, 'upload', now()
     FROM generate_series(0, $1 - 1) AS i`,
    [SERVICES],
  ),
);
await seedDora(
  sql,
  Array.from({ length: SERVICES }, (_, i) => `component:default/svc-${i}`),
  doraSizeFromEnv(),
);
await step("vacuum analyze", () => sql.query("VACUUM ANALYZE"));

async function measure(name: string, targetMs: number, run: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  const perSecond = (samples.length / samples.reduce((s, v) => s + v, 0)) * 1000;
  console.log(`${name.padEnd(44)} p50 ${at(0.5).toFixed(1).padStart(7)} ms  p95 ${at(0.95).toFixed(1).padStart(7)} ms  ${perSecond.toFixed(1).padStart(7)}/s  target p95 ≤ ${targetMs} ms ${at(0.95) <= targetMs ? "✓" : "✗"}`);
}

const now = new Date();
const range = { from: new Date(now.getTime() - 180 * 86_400_000), to: now };
console.log("");
await measure("organisation dashboard (180 days)", 300, () => getDoraReport({ kind: "organisation" }, range));
await measure("team dashboard (180 days, 40 services)", 300, () => getDoraReport({ kind: "team", owner: "group:default/team-7" }, range));
let svc = 0;
await measure("service dashboard (180 days)", 50, () => getDoraReport({ kind: "service", entityKey: `component:default/svc-${svc++ % SERVICES}` }, range));

// Ingestion through HTTP: a loopback server hands each request to the real route handler.
await provisionInitialIngestTokens();
const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const response = await POST(new Request(`http://localhost${req.url}`, { method: "POST", headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }));
  res.writeHead(response.status, { "content-type": "application/json" });
  res.end(await response.text());
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as { port: number }).port;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
let accepted = 0;
const ingestStart = performance.now();
for (let b = 0; b < BATCHES; b++) {
  const events = Array.from({ length: 1000 }, (_, i) => {
    const n = b * 1000 + i;
    const finishedAt = new Date(now.getTime() - (n % 10_000) * 60_000).toISOString();
    return n % 5 === 4
      ? { type: "incident", id: `ing-inc-${n}`, service: `svc-${n % SERVICES}`, openedAt: finishedAt, resolvedAt: new Date(now.getTime() - 1000).toISOString() }
      : { type: "deployment", id: `ing-${n}`, service: `svc-${n % SERVICES}`, environment: "production", status: "success", finishedAt, changes: [`${n.toString(16).padStart(8, "0")}${"a".repeat(32)}`] };
  });
  // Throttled like a well-behaved client would be: stay under the per-token rate limit.
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  const body = (await response.json()) as { accepted?: number; rejected?: unknown[] };
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${JSON.stringify(body)}`);
  accepted += body.accepted ?? 0;
}
const seconds = (performance.now() - ingestStart) / 1000;
console.log(`ingestion over HTTP, ${BATCHES} batches of 1,000: ${Math.round(accepted / seconds).toLocaleString("en")} events/s (${accepted.toLocaleString("en")} accepted in ${seconds.toFixed(1)} s)  target ≥ 2,000/s ${accepted / seconds >= 2000 ? "✓" : "✗"}`);
server.close();
await sql.end();
await db.$disconnect();
