import "server-only";
import type { DbClient } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { BUCKET_COUNT, BUCKET_EDGES } from "@/lib/dora/buckets";

/**
 * dora_daily: per service and UTC day, what team and organisation dashboards sum.
 * Rows are always recomputed from the base tables (never incremented), so an ingest
 * that replays, corrects or deletes events leaves the rollups right as long as it
 * recomputes every (service, day) it touched, before and after the change.
 *
 * - deployments: successful deployments that finished that day.
 * - failed_deployments: of those, how many have at least one incident linked.
 * - lead_time_buckets: histogram (lib/dora/buckets.ts) of lead_time_seconds > 0 of the
 *   changes shipped by those deployments.
 * - incidents_resolved / restore_buckets: incidents resolved that day and a histogram
 *   of resolved − opened. Incidents resolved before they opened are bad data and ignored.
 *
 * Histogram arrays always have BUCKET_COUNT entries. A (service, day) with neither
 * deployments nor resolved incidents has no row.
 */

export type EntityDay = { entityKey: string; day: string /* YYYY-MM-DD, UTC */ };

// Constants, not user input: safe to inline, and lets Postgres plan width_bucket once.
export const EDGES_SQL = Prisma.raw(`ARRAY[${BUCKET_EDGES.join(",")}]::float8[]`);
const ZERO_BUCKETS_SQL = Prisma.raw(`array_fill(0, ARRAY[${BUCKET_COUNT}])`);

/** `ARRAY[count of rows with b = 1, …, b = N]::int[]`, for a column b from width_bucket. */
function bucketCountsSql(column: Prisma.Sql): Prisma.Sql {
  const parts = Array.from({ length: BUCKET_COUNT }, (_, i) => Prisma.sql`count(*) FILTER (WHERE ${column} = ${Prisma.raw(String(i + 1))})`);
  return Prisma.sql`ARRAY[${Prisma.join(parts)}]::int[]`;
}

/** Statistics per (entity_key, day) from CTEs `p` (pairs), `dep` (id, entity_key, day), `inc` (entity_key, day, secs). */
function computedSql(failedTest: Prisma.Sql, targeted = false): Prisma.Sql {
  // Targeted recomputes look changes up per deployment; a full rebuild joins in bulk.
  const changes = targeted
    ? Prisma.sql`dep CROSS JOIN LATERAL (SELECT c.lead_time_seconds FROM dora_deployment_changes c WHERE c.deployment_id = dep.id AND c.lead_time_seconds > 0 OFFSET 0) c`
    : Prisma.sql`dep JOIN dora_deployment_changes c ON c.deployment_id = dep.id AND c.lead_time_seconds > 0`;
  return Prisma.sql`
    ds AS (
      SELECT entity_key, day, count(*)::int AS deployments,
             count(*) FILTER (WHERE ${failedTest})::int AS failed
      FROM dep GROUP BY entity_key, day
    ),
    lt AS (
      SELECT entity_key, day, ${bucketCountsSql(Prisma.sql`b`)} AS buckets
      FROM (
        SELECT dep.entity_key, dep.day, width_bucket(c.lead_time_seconds::float8, ${EDGES_SQL}) AS b
        FROM ${changes}
      ) x
      GROUP BY entity_key, day
    ),
    rs AS (
      SELECT entity_key, day, count(*)::int AS resolved, ${bucketCountsSql(Prisma.sql`b`)} AS buckets
      FROM (SELECT entity_key, day, width_bucket(secs, ${EDGES_SQL}) AS b FROM inc) x
      GROUP BY entity_key, day
    ),
    computed AS (
      SELECT p.entity_key, p.day,
             coalesce(ds.deployments, 0) AS deployments,
             coalesce(ds.failed, 0) AS failed,
             coalesce(lt.buckets, ${ZERO_BUCKETS_SQL}) AS lead_buckets,
             coalesce(rs.resolved, 0) AS resolved,
             coalesce(rs.buckets, ${ZERO_BUCKETS_SQL}) AS restore_buckets
      FROM p
      LEFT JOIN ds ON ds.entity_key = p.entity_key AND ds.day = p.day
      LEFT JOIN lt ON lt.entity_key = p.entity_key AND lt.day = p.day
      LEFT JOIN rs ON rs.entity_key = p.entity_key AND rs.day = p.day
    )`;
}

const UPSERT_SQL = Prisma.sql`
  INSERT INTO dora_daily (entity_key, day, deployments, failed_deployments, lead_time_buckets, incidents_resolved, restore_buckets)
  SELECT entity_key, day, deployments, failed, lead_buckets, resolved, restore_buckets
  FROM computed
  WHERE deployments > 0 OR resolved > 0
  ON CONFLICT (entity_key, day) DO UPDATE SET
    deployments = EXCLUDED.deployments,
    failed_deployments = EXCLUDED.failed_deployments,
    lead_time_buckets = EXCLUDED.lead_time_buckets,
    incidents_resolved = EXCLUDED.incidents_resolved,
    restore_buckets = EXCLUDED.restore_buckets`;

/**
 * `ARRAY[sum(column[1]), …, sum(column[N])]::int[]`: the element-wise sum of stored
 * histograms. `column` is a column name written in code, never user input.
 */
export function bucketSumsSql(column: string): Prisma.Sql {
  const parts = Array.from({ length: BUCKET_COUNT }, (_, i) => `coalesce(sum(${column}[${i + 1}]), 0)`);
  return Prisma.raw(`ARRAY[${parts.join(", ")}]::int[]`);
}

/** Re-sums dora_daily_total for the given days (all days when `days` is null). */
async function recomputeTotals(client: DbClient, days: string[] | null): Promise<void> {
  const only = days ? Prisma.sql`WHERE d.day = ANY(${days}::date[])` : Prisma.empty;
  if (days) await client.$executeRaw`DELETE FROM dora_daily_total WHERE day = ANY(${days}::date[])`;
  else await client.$executeRaw`DELETE FROM dora_daily_total`;
  await client.$executeRaw`
    INSERT INTO dora_daily_total (day, deployments, failed_deployments, lead_time_buckets, incidents_resolved, restore_buckets)
    SELECT d.day, sum(d.deployments)::int, sum(d.failed_deployments)::int, ${bucketSumsSql("d.lead_time_buckets")},
           sum(d.incidents_resolved)::int, ${bucketSumsSql("d.restore_buckets")}
    FROM dora_daily d ${only}
    GROUP BY d.day`;
}

// The first key of the advisory locks that serialise recomputes of one UTC day (the second is the day).
const DAY_LOCK_SPACE = 0x0d02a;

/**
 * Recomputes the dora_daily rows of the given (service, UTC day) pairs from the base tables,
 * in one statement, then the days' totals. Call it inside the transaction that changed the
 * base tables: it locks each day until that transaction ends, so concurrent ingests of the
 * same day take turns, and each recompute sees the base rows the one before it committed.
 * Without the lock, two batches for today both delete and re-insert today's total (a unique
 * violation), or the later one writes sums computed without the earlier one's events.
 */
export async function recomputeDailyRollups(client: DbClient, pairs: readonly EntityDay[]): Promise<void> {
  if (pairs.length === 0) return;
  const unique = new Map(pairs.map((p) => [`${p.entityKey}\u0000${p.day}`, p]));
  const keys = [...unique.values()].map((p) => p.entityKey);
  const days = [...unique.values()].map((p) => p.day);
  // Always taken in day order, so two transactions can never each hold a lock the other waits for.
  await client.$queryRaw`
    SELECT count(pg_advisory_xact_lock(${DAY_LOCK_SPACE}::int, (d - DATE '2000-01-01')::int))::int AS locked
    FROM (SELECT DISTINCT d FROM unnest(${days}::date[]) AS d ORDER BY d) AS days`;
  await client.$executeRaw`
    WITH p AS (
      SELECT entity_key, day FROM unnest(${keys}::text[], ${days}::date[]) AS t(entity_key, day)
    ),
    -- LATERAL … OFFSET 0 keeps every lookup on an index: otherwise the planner flattens the
    -- subqueries and hash-joins the whole deployments and changes tables (seconds at a
    -- million rows) to recompute a few days.
    dep AS (
      SELECT d.id, p.entity_key, p.day
      FROM p CROSS JOIN LATERAL (
        SELECT d.id FROM dora_deployments d
        WHERE d.entity_key = p.entity_key AND d.status = 'success'
          AND d.finished_at >= p.day AND d.finished_at < p.day + 1
        OFFSET 0
      ) d
    ),
    inc AS (
      SELECT p.entity_key, p.day, i.secs
      FROM p CROSS JOIN LATERAL (
        SELECT extract(epoch FROM i.resolved_at - i.opened_at)::float8 AS secs FROM dora_incidents i
        WHERE i.entity_key = p.entity_key AND i.resolved_at >= p.day AND i.resolved_at < p.day + 1
          AND i.resolved_at >= i.opened_at
        OFFSET 0
      ) i
    ),
    ${computedSql(Prisma.sql`EXISTS (SELECT 1 FROM dora_incidents i WHERE i.deployment_id = dep.id)`, true)},
    gone AS (
      DELETE FROM dora_daily dd USING computed c
      WHERE dd.entity_key = c.entity_key AND dd.day = c.day AND c.deployments = 0 AND c.resolved = 0
    )
    ${UPSERT_SQL}`;
  await recomputeTotals(client, [...new Set(days)]);
}

/** Rebuilds every dora_daily row from the base tables, set-based (seeding, benchmarks, bucket changes). */
export async function recomputeAllRollups(client: DbClient): Promise<void> {
  await client.$executeRaw`DELETE FROM dora_daily`;
  await client.$executeRaw`
    WITH dep AS (
      SELECT id, entity_key, finished_at::date AS day FROM dora_deployments WHERE status = 'success'
    ),
    inc AS (
      SELECT entity_key, resolved_at::date AS day, extract(epoch FROM resolved_at - opened_at)::float8 AS secs
      FROM dora_incidents
      WHERE resolved_at IS NOT NULL AND resolved_at >= opened_at
    ),
    p AS (
      SELECT entity_key, day FROM dep UNION SELECT entity_key, day FROM inc
    ),
    failed_ids AS (
      SELECT DISTINCT deployment_id AS id FROM dora_incidents WHERE deployment_id IS NOT NULL
    ),
    ${computedSql(Prisma.sql`dep.id IN (SELECT id FROM failed_ids)`)}
    ${UPSERT_SQL}`;
  await recomputeTotals(client, null);
}

/**
 * The (service, UTC day) pairs whose rollups depend on the given deployments and
 * incidents as they are stored now: each deployment's finish day, each incident's
 * resolution day and its linked deployment's finish day. An ingest that changes or
 * deletes rows should collect these before and after the change and recompute both.
 */
export async function affectedDays(
  client: DbClient,
  ids: { deploymentIds?: readonly string[]; incidentIds?: readonly string[] },
): Promise<EntityDay[]> {
  const deploymentIds = [...(ids.deploymentIds ?? [])];
  const incidentIds = [...(ids.incidentIds ?? [])];
  if (deploymentIds.length === 0 && incidentIds.length === 0) return [];
  const rows = await client.$queryRaw<{ entity_key: string; day: string }[]>`
    SELECT DISTINCT entity_key, to_char(day, 'YYYY-MM-DD') AS day FROM (
      SELECT entity_key, finished_at::date AS day FROM dora_deployments WHERE id = ANY(${deploymentIds}::text[])
      UNION ALL
      SELECT entity_key, resolved_at::date FROM dora_incidents WHERE id = ANY(${incidentIds}::text[]) AND resolved_at IS NOT NULL
      UNION ALL
      SELECT d.entity_key, d.finished_at::date
      FROM dora_incidents i JOIN dora_deployments d ON d.id = i.deployment_id
      WHERE i.id = ANY(${incidentIds}::text[])
    ) x
    ORDER BY 1, 2`;
  return rows.map((r) => ({ entityKey: r.entity_key, day: r.day }));
}
