// npm run bench:scorecards — a catalog of 100,000 components and 2,000 groups with repository
// facts, docs sites, database requests and DORA daily rollups (generated in SQL) in a fresh
// local database; three scorecards of 15 rules each (every check type) read from files.
// Times the first evaluation and an unchanged second one (target ≤ 60 s each), then
// p50/p95 of the Scorecards page reads (target p95 ≤ 100 ms). Never part of the test suite.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pave_bench_scorecards";
const target = new URL(BENCH_URL);
if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error("The benchmark only runs against a local PostgreSQL.");
const scorecardsDir = mkdtempSync(path.join(os.tmpdir(), "pave-bench-scorecards-"));
process.env.DATABASE_URL = BENCH_URL;
process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0";
process.env.LOG_LEVEL = "warn";
process.env.PAVE_SCORECARDS_DIR = scorecardsDir;

const COMPONENTS = Number(process.env.BENCH_COMPONENTS ?? 100_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 2_000);
const DORA_SERVICES = Number(process.env.BENCH_DORA_SERVICES ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);

const { createMigratedDatabase } = await import("../../tests/database.ts");
const { db } = await import("../../lib/db.ts");
const { BUCKET_COUNT } = await import("../../lib/dora/buckets.ts");
const { evaluateScorecards } = await import("../../lib/scorecards/evaluate.ts");
const { getScorecardOverview, listScorecardEntities } = await import("../../lib/scorecards/queries.ts");

const step = async <T>(label: string, run: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  console.log(`${label}: ${(ms / 1000).toFixed(1)} s`);
  return { result, ms };
};

console.log(`Fresh database ${target.pathname.slice(1)} on ${target.host}`);
await createMigratedDatabase(target.pathname.slice(1));
const sql = new pg.Client({ connectionString: BENCH_URL });
await sql.connect();
await sql.query("SELECT setseed(0.42)");

await step(`seeded ${GROUPS.toLocaleString("en")} groups and ${COMPONENTS.toLocaleString("en")} components`, async () => {
  await sql.query(
    `INSERT INTO entities (id, key, api_version, kind, namespace, name, title, type, metadata, spec, source_type, updated_at)
     SELECT 'g' || i, 'group:default/team-' || i, 'backstage.io/v1alpha1', 'Group', 'default', 'team-' || i, 'Team ' || i, 'team',
            jsonb_build_object('name', 'team-' || i), '{"type": "team", "children": []}'::jsonb, 'upload', now()
     FROM generate_series(0, $1 - 1) AS i`,
    [GROUPS],
  );
  // 4% of owners name a team that does not exist; 10% have no description; annotations vary.
  await sql.query(
    `INSERT INTO entities (id, key, api_version, kind, namespace, name, title, description, type, lifecycle, owner, system, metadata, spec, source_type, updated_at)
     SELECT 'c' || lpad(i::text, 7, '0'), 'component:default/svc-' || i, 'backstage.io/v1alpha1', 'Component', 'default', 'svc-' || i,
            'Service ' || i, CASE WHEN r1 < 0.9 THEN 'Handles part ' || i || ' of the shop' ELSE '' END,
            (ARRAY['service', 'service', 'website', 'library', 'worker'])[1 + (i % 5)],
            (ARRAY['production', 'production', 'experimental', 'deprecated', ''])[1 + ((i / 5) % 5)],
            CASE WHEN r2 < 0.96 THEN 'group:default/team-' || (i % $2) ELSE 'group:default/ghost-' || (i % 50) END,
            'system:default/system-' || (i % 200),
            jsonb_build_object('name', 'svc-' || i,
              'annotations', jsonb_strip_nulls(jsonb_build_object(
                'backstage.io/techdocs-ref', CASE WHEN r3 < 0.6 THEN 'dir:.' END,
                'unleash.io/project-id', CASE WHEN r4 < 0.5 THEN 'default' END,
                'pagerduty.com/service-id', CASE WHEN r5 < 0.4 THEN 'P' || i END,
                'backstage.io/source-location', 'url:https://github.com/acme/svc-' || i || '/tree/main/')),
              'labels', jsonb_build_object('tier', (ARRAY['1', '2', '3'])[1 + (i % 3)])),
            '{}'::jsonb, 'upload', now()
     FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 FROM generate_series(0, $1 - 1) AS i) s`,
    [COMPONENTS, GROUPS],
  );
});
await step("seeded repository facts (80%), docs sites (30%) and database requests (25%)", async () => {
  await sql.query(
    `INSERT INTO entity_repo_facts (entity_id, source_url, has_ci_workflow, has_catalog_info, has_docs, error, checked_at)
     SELECT id, 'https://github.com/acme/' || name, random() < 0.8, random() < 0.85, random() < 0.5,
            CASE WHEN random() < 0.03 THEN 'GitHub answered 404 for acme/' || name END, now()
     FROM entities WHERE kind = 'Component' AND random() < 0.8`,
  );
  await sql.query(
    `INSERT INTO docs_sites (entity_id, source_url, status, built_at, attempted_at, nav)
     SELECT id, 'https://github.com/acme/' || name, 'ready', now(), now(), '[]'::jsonb
     FROM entities WHERE kind = 'Component' AND random() < 0.3`,
  );
  await sql.query(
    `INSERT INTO database_requests (id, entity_key, service_name, owner, environment, engine, engine_version, tier, backup_retention_days,
                                    multi_az, justification, status, branch, file_path, hcl, updated_at)
     SELECT 'db-' || id, key, name, owner, (ARRAY['prod', 'prod', 'staging'])[1 + floor(random() * 3)::int], 'postgres', '16', 'small',
            (ARRAY[7, 14, 30, 3])[1 + floor(random() * 4)::int], true, 'bench', (ARRAY['provisioned', 'provisioned', 'pr_opened']::"DatabaseRequestStatus"[])[1 + floor(random() * 3)::int],
            'pave/db/' || name, 'terraform/' || name || '.tf', '# bench', now()
     FROM entities WHERE kind = 'Component' AND random() < 0.25`,
  );
});
await step(`seeded DORA daily rollups for ${DORA_SERVICES.toLocaleString("en")} services (about 40 active days each in 180)`, () =>
  sql.query(
    `INSERT INTO dora_daily (entity_key, day, deployments, failed_deployments, lead_time_buckets, incidents_resolved, restore_buckets)
     SELECT 'component:default/svc-' || s, (now() AT TIME ZONE 'UTC')::date - d, dep, (random() < 0.1)::int * least(dep, 1),
            -- One histogram bucket per service holds every change (lead) and incident (restore) of the day.
            array_fill(0, ARRAY[7 + s % 20]) || ARRAY[dep * 3] || array_fill(0, ARRAY[$2 - 8 - s % 20]),
            inc, array_fill(0, ARRAY[9 + s % 15]) || ARRAY[inc] || array_fill(0, ARRAY[$2 - 10 - s % 15])
     FROM generate_series(0, $1 - 1) s
     CROSS JOIN LATERAL (
       SELECT d, 1 + floor(random() * 3)::int AS dep, (random() < 0.05)::int AS inc
       FROM generate_series(0, 179) d WHERE random() < (0.05 + (s % 7) * 0.05)
     ) days`,
    [DORA_SERVICES, BUCKET_COUNT],
  ),
);
await step("vacuum analyze", () => sql.query("VACUUM ANALYZE"));

// Three scorecards of 15 rules each, using every check type, each over all 100,000 components.
const rule = (id: string, level: string, check: string) => `    - { id: ${id}, title: ${id}, level: ${level}, check: ${check}, howToFix: Fix ${id}., link: /docs/${id} }`;
const scorecard = (name: string, appliesTo: string, levels: string[], rules: string[]) => `apiVersion: pave.dev/v1
kind: Scorecard
metadata: { name: ${name}, title: ${name} }
spec:
  appliesTo: ${appliesTo}
  levels: [${levels.map((l) => `{ id: ${l}, title: ${l} }`).join(", ")}]
  rules:
${rules.join("\n")}
`;
writeFileSync(
  path.join(scorecardsDir, "readiness.yaml"),
  scorecard("readiness", "{ kind: [Component] }", ["bronze", "silver", "gold"], [
    rule("owned", "bronze", "owner-is-group"),
    rule("described", "bronze", "has-description"),
    rule("lifecycle", "bronze", "{ type: lifecycle-set, in: [production, experimental, deprecated] }"),
    rule("catalog-info", "bronze", "has-catalog-info"),
    rule("tiered", "bronze", '{ type: label, key: tier, oneOf: ["1", "2", "3"] }'),
    rule("docs", "silver", "has-docs"),
    rule("ci", "silver", "has-ci-workflow"),
    rule("flags", "silver", "has-flags-project"),
    rule("on-call", "silver", "{ type: annotation, key: pagerduty.com/service-id }"),
    rule("db-7", "silver", "{ type: database-with-backups, minRetentionDays: 7 }"),
    rule("deploys", "gold", "{ type: dora-tier, metric: deploymentFrequency, atLeast: high }"),
    rule("lead-time", "gold", "{ type: dora-tier, metric: leadTime, atLeast: high }"),
    rule("cfr", "gold", "{ type: dora-tier, metric: changeFailureRate, atLeast: high }"),
    rule("restore", "gold", "{ type: dora-tier, metric: timeToRestore, atLeast: medium }"),
    rule("db-14", "gold", "{ type: database-with-backups, environment: prod, minRetentionDays: 14 }"),
  ]),
);
writeFileSync(
  path.join(scorecardsDir, "hygiene.yaml"),
  scorecard("hygiene", "{ kind: [Component] }", ["basic", "complete"], [
    rule("owned", "basic", "owner-is-group"),
    rule("described", "basic", "has-description"),
    rule("lifecycle", "basic", "lifecycle-set"),
    rule("source", "basic", "{ type: annotation, key: backstage.io/source-location }"),
    rule("tier-label", "basic", "{ type: label, key: tier }"),
    rule("catalog-info", "basic", "has-catalog-info"),
    rule("docs", "complete", "has-docs"),
    rule("techdocs", "complete", "{ type: annotation, key: backstage.io/techdocs-ref, equals: 'dir:.' }"),
    rule("ci", "complete", "has-ci-workflow"),
    rule("flags", "complete", "has-flags-project"),
    rule("on-call", "complete", "{ type: annotation, key: pagerduty.com/service-id }"),
    rule("tier-1-or-2", "complete", '{ type: label, key: tier, oneOf: ["1", "2"] }'),
    rule("production", "complete", "{ type: lifecycle-set, in: [production] }"),
    rule("staging-db", "complete", "{ type: database-with-backups, environment: staging, minRetentionDays: 3 }"),
    rule("flags-default", "complete", "{ type: annotation, key: unleash.io/project-id, oneOf: [default] }"),
  ]),
);
writeFileSync(
  path.join(scorecardsDir, "delivery.yaml"),
  scorecard("delivery", "{ kind: [Component] }", ["steady", "fast", "elite"], [
    rule("owned", "steady", "owner-is-group"),
    rule("ci", "steady", "has-ci-workflow"),
    rule("deploys-low-180", "steady", "{ type: dora-tier, metric: deploymentFrequency, atLeast: low, days: 180 }"),
    rule("cfr-medium-180", "steady", "{ type: dora-tier, metric: changeFailureRate, atLeast: medium, days: 180 }"),
    rule("lead-medium-180", "steady", "{ type: dora-tier, metric: leadTime, atLeast: medium, days: 180 }"),
    rule("deploys-high-90", "fast", "{ type: dora-tier, metric: deploymentFrequency, atLeast: high }"),
    rule("lead-high-90", "fast", "{ type: dora-tier, metric: leadTime, atLeast: high }"),
    rule("cfr-high-90", "fast", "{ type: dora-tier, metric: changeFailureRate, atLeast: high }"),
    rule("restore-high-90", "fast", "{ type: dora-tier, metric: timeToRestore, atLeast: high }"),
    rule("flags", "fast", "has-flags-project"),
    rule("deploys-elite-30", "elite", "{ type: dora-tier, metric: deploymentFrequency, atLeast: elite, days: 30 }"),
    rule("lead-elite-30", "elite", "{ type: dora-tier, metric: leadTime, atLeast: elite, days: 30, profile: dora-2023 }"),
    rule("cfr-elite-30", "elite", "{ type: dora-tier, metric: changeFailureRate, atLeast: elite, days: 30 }"),
    rule("restore-elite-30", "elite", "{ type: dora-tier, metric: timeToRestore, atLeast: elite, days: 30 }"),
    rule("db-14", "elite", "{ type: database-with-backups, minRetentionDays: 14 }"),
  ]),
);

type Runs = Awaited<ReturnType<typeof evaluateScorecards>>["runs"];
const report = (runs: Runs) => runs.map((r) => `${r.scorecard} ${r.status} (${r.entities.toLocaleString("en")} entities)`).join(", ");
console.log("");
const first = await step("first evaluation (3 scorecards × 15 rules)", () => evaluateScorecards({ trigger: "manual" }));
console.log(`  ${report(first.result.runs)}`);
if (first.result.runs.some((r) => r.status !== "succeeded")) throw new Error(`an evaluation did not succeed: ${JSON.stringify(first.result.runs)}`);
const second = await step("second evaluation, nothing changed", () => evaluateScorecards({ trigger: "schedule" }));
const counts = (await sql.query("SELECT (SELECT count(*) FROM scorecard_results) AS results, (SELECT count(*) FROM scorecard_history) AS history")).rows[0];
console.log(`  ${Number(counts.results).toLocaleString("en")} results, ${Number(counts.history).toLocaleString("en")} history rows (none added by the second run)`);
await sql.query("VACUUM ANALYZE scorecard_results");

const results: { name: string; p50: number; p95: number; perSecond: number; target: string }[] = [];
async function measure(name: string, targetMs: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await run(i); // warm caches and plans
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const perSecond = (samples.length / samples.reduce((s, v) => s + v, 0)) * 1000;
  results.push({ name, p50: at(0.5), p95: at(0.95), perSecond, target: `p95 ≤ ${targetMs} ms ${at(0.95) <= targetMs ? "✓" : "✗"}` });
}

// The overview aggregates over an in-memory copy of the results, built on the first view after a run.
const cold = await step("overview, first view after the run (builds the in-memory copy of 100,000 results)", () => getScorecardOverview("readiness", {}));
if (cold.result?.total !== COMPONENTS) throw new Error(`overview counted ${cold.result?.total} entities`);
await measure("overview, no filter", 100, () => getScorecardOverview("readiness", {}));
await measure("overview, owner filter", 100, (i) => getScorecardOverview("readiness", { owner: `group:default/team-${i % GROUPS}` }));
await measure("overview, lifecycle + system filter", 100, (i) => getScorecardOverview("readiness", { lifecycle: "production", system: `system:default/system-${i % 200}` }));
await measure("overview, lifecycle filter (broad)", 100, () => getScorecardOverview("readiness", { lifecycle: "production" }));
await measure("entities page 1, no filter", 100, () => listScorecardEntities("readiness", {}, 1));
await measure("entities page 400, no filter", 100, () => listScorecardEntities("readiness", {}, 400));
await measure("entities page 1, no level (common)", 100, () => listScorecardEntities("readiness", { level: "" }, 1));
await measure("entities page 1, silver (rare)", 100, () => listScorecardEntities("readiness", { level: "silver" }, 1));
await measure("entities page 1, owner filter", 100, (i) => listScorecardEntities("readiness", { owner: `group:default/team-${i % GROUPS}` }, 1));

console.log("");
console.log("operation".padEnd(40), "p50 ms".padStart(8), "p95 ms".padStart(8), "ops/s".padStart(8), "  target");
for (const r of results) {
  console.log(r.name.padEnd(40), r.p50.toFixed(1).padStart(8), r.p95.toFixed(1).padStart(8), r.perSecond.toFixed(0).padStart(8), " ", r.target);
}
const verdict = (ms: number) => `${(ms / 1000).toFixed(1)} s  target ≤ 60 s ${ms <= 60_000 ? "✓" : "✗"}`;
console.log(`\nfirst evaluation: ${verdict(first.ms)}\nsecond evaluation: ${verdict(second.ms)}\noverview, first view after a run: ${cold.ms.toFixed(0)} ms (once per run and scorecard)`);
console.log(`runs per query: ${RUNS} after 5 warm-ups; machine: ${os.cpus().length} cores`);
rmSync(scorecardsDir, { recursive: true, force: true });
await sql.end();
await db.$disconnect();
