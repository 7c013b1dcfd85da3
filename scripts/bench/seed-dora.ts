// The benchmark's delivery data, generated in SQL: deployments spread over the last year
// across a list of services, five changes per deployment with their lead times, incidents
// linked to a sample of deployments, then the daily rollups. Used by bench:dora and bench:load.
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { db } from "../../lib/db.ts";
import { recomputeAllRollups } from "../../lib/dora/rollups.ts";

export type DoraSize = { deployments: number; incidents: number };

export const CHANGES_PER_DEPLOYMENT = 5;

/** The sizes from BENCH_DEPLOYMENTS and BENCH_INCIDENTS (default 1,000,000 and 50,000). */
export function doraSizeFromEnv(): DoraSize {
  return { deployments: Number(process.env.BENCH_DEPLOYMENTS ?? 1_000_000), incidents: Number(process.env.BENCH_INCIDENTS ?? 50_000) };
}

/** Runs a seeding step and prints how long it took. */
export async function step(label: string, run: () => Promise<unknown>) {
  const start = performance.now();
  await run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

/**
 * Seeds delivery data for `serviceKeys` (catalog keys of existing entities; deployment i
 * goes to service i mod n) on `sql`, a connection to the database `db` points at.
 */
export async function seedDora(sql: pg.Client, serviceKeys: string[], size: DoraSize): Promise<void> {
  await sql.query("SELECT setseed(0.42)");
  await step(`seeded ${size.deployments.toLocaleString("en")} deployments`, () =>
    sql.query(
      `INSERT INTO dora_deployments (id, entity_key, environment, status, finished_at, commit_sha, source)
       SELECT 'bench:' || i, ($3::text[])[(i % $2) + 1], 'production', 'success',
              (now() AT TIME ZONE 'UTC') - random() * interval '365 days', md5(i::text) || '00000000', 'bench'
       FROM generate_series(1, $1) AS i`,
      [size.deployments, serviceKeys.length, serviceKeys],
    ),
  );
  await step(`seeded ${(size.deployments * CHANGES_PER_DEPLOYMENT).toLocaleString("en")} changes and their links`, async () => {
    await sql.query(
      `CREATE TEMP TABLE bench_changes AS
       SELECT d.id AS deployment_id, d.entity_key, md5(d.id || '-' || c) || '00000000' AS sha,
              (exp(7 + random() * 8))::int AS lead
       FROM dora_deployments d CROSS JOIN generate_series(1, $1) AS c`,
      [CHANGES_PER_DEPLOYMENT],
    );
    await sql.query(
      `INSERT INTO dora_changes (entity_key, sha, committed_at)
       SELECT b.entity_key, b.sha, d.finished_at - make_interval(secs => b.lead) FROM bench_changes b JOIN dora_deployments d ON d.id = b.deployment_id`,
    );
    await sql.query(`INSERT INTO dora_deployment_changes (deployment_id, entity_key, sha, lead_time_seconds) SELECT deployment_id, entity_key, sha, lead FROM bench_changes`);
    await sql.query("DROP TABLE bench_changes");
  });
  await step(`seeded ${size.incidents.toLocaleString("en")} incidents`, () =>
    sql.query(
      `INSERT INTO dora_incidents (id, entity_key, opened_at, resolved_at, deployment_id, explicit_deployment, source)
       SELECT 'bench:i' || n, d.entity_key, d.finished_at + interval '1 hour',
              CASE WHEN random() < 0.9 THEN d.finished_at + interval '1 hour' + make_interval(secs => exp(6 + random() * 8)) END,
              d.id, true, 'bench'
       FROM (SELECT id, entity_key, finished_at, row_number() OVER () AS n FROM dora_deployments TABLESAMPLE SYSTEM (10) LIMIT $1) d`,
      [size.incidents],
    ),
  );
  await step("computed daily rollups", () => recomputeAllRollups(db));
}
