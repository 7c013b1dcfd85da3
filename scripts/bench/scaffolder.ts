// npm run bench:scaffolder — times dry-run rendering of the node-microservice golden path
// (p50/p95 and runs per second) and one full run that publishes to a local git repo and
// registers the result in the catalog. Uses a fresh database on the local PostgreSQL.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pave_bench_scaffolder";
const target = new URL(BENCH_URL);
if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error("The benchmark only runs against a local PostgreSQL.");
process.env.DATABASE_URL = BENCH_URL;
process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0";
process.env.PAVE_GIT_ROOT = mkdtempSync(path.join(os.tmpdir(), "pave-bench-git-"));
process.env.LOG_LEVEL = "warn";
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

const { createMigratedDatabase } = await import("../../tests/database.ts");
const { db } = await import("../../lib/db.ts");
const { parseCatalogYaml } = await import("../../lib/catalog/descriptor.ts");
const { writeEntities } = await import("../../lib/catalog/store.ts");
const { dryRunTemplate, executeRun, startRun } = await import("../../lib/scaffolder/runs.ts");
const { stopJobs } = await import("../../lib/jobs/queue.ts");

await createMigratedDatabase(target.pathname.slice(1));
const org = parseCatalogYaml(`apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-checkout }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: checkout }
spec: { owner: team-checkout }
`);
await db.$transaction((tx) => writeEntities(tx, org.entities, { type: "upload" }));
const user = await db.user.create({ data: { email: "bench@pave.local", name: "Bench", groups: ["team-checkout"] }, select: { id: true, email: true, name: true, image: true, role: true, groups: true } });

const answers = (name: string) => ({
  name,
  description: "Benchmark service",
  owner: "group:default/team-checkout",
  system: "system:default/checkout",
  repoUrl: `github.com?owner=acme&repo=${name}`,
  port: 8080,
  enableFlags: true,
  lifecycle: "experimental",
});

for (let i = 0; i < 5; i++) await dryRunTemplate(user, "builtin:node-microservice", answers(`warm-${i}`));
const samples: number[] = [];
let files = 0;
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  const result = await dryRunTemplate(user, "builtin:node-microservice", answers(`bench-${i}`));
  samples.push(performance.now() - start);
  if (result.error) throw new Error(result.error);
  files = result.files.length;
}
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
const total = samples.reduce((s, v) => s + v, 0);

const fullStart = performance.now();
const runId = await startRun(user, "builtin:node-microservice", answers("bench-full"));
const outcome = await executeRun(runId);
const fullMs = performance.now() - fullStart;

console.log(`dry run of node-microservice (${files} files), ${RUNS} runs after 5 warm-ups:`);
console.log(`  p50 ${at(0.5).toFixed(1)} ms   p95 ${at(0.95).toFixed(1)} ms   ${((RUNS / total) * 1000).toFixed(1)} runs/s   target p95 ≤ 300 ms ${at(0.95) <= 300 ? "✓" : "✗"}`);
console.log(`full run (render, publish to local git, register in the catalog): ${outcome} in ${(fullMs / 1000).toFixed(2)} s`);
await stopJobs();
await db.$disconnect();
