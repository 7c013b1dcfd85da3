import "server-only";
import { db, type DbClient } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { gradeMetric, type MetricId, type MetricUnit, type Tier } from "@/lib/dora/benchmarks";
import { addBuckets, BUCKET_COUNT, bucketBounds, emptyBuckets, medianFromBuckets } from "@/lib/dora/buckets";
import { bucketSumsSql, EDGES_SQL } from "@/lib/dora/rollups";
import { createTtlCache } from "@/lib/ttl-cache";

/*
 * DORA metrics for a service, a team or the organisation.
 *
 * Definitions
 * - Deployment: a successful production deployment of one service, counted once
 *   (a dora_deployments row with status 'success'; ingestion stores only production ones).
 * - Change: a commit that reached production in a deployment (dora_deployment_changes),
 *   with its lead time (deployment finish minus commit time) filled in by ingestion.
 * - Deployment frequency: successful deployments per day over the window. A window
 *   without deployments scores 0, which grades "low" (never null: not deploying is a
 *   result, not missing data). The weekly trend counts deployments per week.
 * - Lead time for changes: for every change of a deployment finished in the window,
 *   deployment time minus commit time; the MEDIAN is reported. Differences ≤ 0 (clock
 *   skew, a commit shipped again) and unknown ones are excluded. Null without changes.
 * - Change failure rate: deployments in the window with at least one incident linked
 *   (dora_incidents.deployment_id; attribution is done by ingestion) ÷ all deployments
 *   in the window. Null without deployments. An incident linked to no deployment (e.g.
 *   one before the service's first deployment) counts against none.
 * - Time to restore: median of (resolved − opened) over incidents RESOLVED in the window.
 *   Incidents still open at the end of the window are counted in `openIncidents` only.
 *   Incidents resolved before they opened are bad data and ignored.
 *
 * Windows are whole UTC days: `from` is rounded down and `to` up to midnight UTC, so that
 * exact (service) and rollup (team, organisation) figures cover the same events. The
 * previous period is the window of equal length right before `from`. Weeks are ISO weeks
 * (Monday 00:00 UTC); the first and last week are clipped to the window.
 *
 * A service's figures are exact (percentile_cont over the base tables). Team and
 * organisation figures sum dora_daily (lib/dora/rollups.ts) and estimate medians from the
 * summed histograms (lib/dora/buckets.ts); because every grading threshold is a bucket
 * edge, the estimate lands in the same tier as the exact median in all but edge cases
 * (an even count whose two middle values straddle a threshold).
 */

export type { Tier } from "@/lib/dora/benchmarks";

export type Scope = { kind: "organisation" } | { kind: "team"; owner: string /* group ref key */ } | { kind: "service"; entityKey: string };

export type MetricValue = {
  value: number | null;
  unit: MetricUnit;
  tier: Tier | null;
  /** The same metric for the previous period of equal length. */
  previous: number | null;
};

export type DoraReport = {
  scope: Scope;
  /** ISO dates (YYYY-MM-DD, UTC): `from` inclusive, `to` exclusive. */
  from: string;
  to: string;
  profile: string;
  metrics: Record<MetricId, MetricValue>;
  weekly: {
    /** ISO date of the week's Monday. */
    week: string;
    deployments: number;
    leadTimeSeconds: number | null;
    changeFailureRate: number | null;
    timeToRestoreSeconds: number | null;
  }[];
  leadTimeDistribution: { fromSeconds: number; toSeconds: number | null; count: number }[];
  openIncidents: number;
  /** True when medians are exact; false when estimated from histograms. */
  exact: boolean;
};

export type TeamComparisonRow = {
  owner: string;
  /** Services of the team with DORA activity (deployments or resolved incidents) in the window. */
  services: number;
  metrics: DoraReport["metrics"];
};

type PeriodStats = { deployments: number; failed: number; leadTimeSeconds: number | null; restoreSeconds: number | null };
type Window = { from: Date; to: Date; previousFrom: Date; days: number };

const DAY_MS = 86_400_000;

/** Rounds a range out to whole UTC days and derives the previous period. */
function toWindow(range: { from: Date; to: Date }): Window {
  const fromMs = Math.floor(range.from.getTime() / DAY_MS) * DAY_MS;
  const toMs = Math.ceil(range.to.getTime() / DAY_MS) * DAY_MS;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) {
    throw new Error("DORA range must end after it starts");
  }
  const days = (toMs - fromMs) / DAY_MS;
  return { from: new Date(fromMs), to: new Date(toMs), previousFrom: new Date(fromMs - days * DAY_MS), days };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
// Timestamps are stored as UTC in `timestamp` columns; Postgres ignores the Z when casting.
const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;
const day = (d: Date) => Prisma.sql`${isoDay(d)}::date`;

/** Mondays (ISO dates) of the weeks that overlap the window. */
function weeksOf(window: Window): string[] {
  const fromMs = window.from.getTime();
  const weekday = (new Date(fromMs).getUTCDay() + 6) % 7; // Monday = 0
  const weeks: string[] = [];
  for (let ms = fromMs - weekday * DAY_MS; ms < window.to.getTime(); ms += 7 * DAY_MS) weeks.push(isoDay(new Date(ms)));
  return weeks;
}

function buildMetrics(current: PeriodStats, previous: PeriodStats, days: number, profile: string): DoraReport["metrics"] {
  const cfr = (s: PeriodStats) => (s.deployments > 0 ? s.failed / s.deployments : null);
  const metric = (id: MetricId, unit: MetricUnit, value: number | null, prev: number | null): MetricValue => ({
    value,
    unit,
    tier: gradeMetric(profile, id, value),
    previous: prev,
  });
  return {
    deploymentFrequency: metric("deploymentFrequency", "per_day", current.deployments / days, previous.deployments / days),
    leadTime: metric("leadTime", "seconds", current.leadTimeSeconds, previous.leadTimeSeconds),
    changeFailureRate: metric("changeFailureRate", "ratio", cfr(current), cfr(previous)),
    timeToRestore: metric("timeToRestore", "seconds", current.restoreSeconds, previous.restoreSeconds),
  };
}

function distributionOf(counts: readonly number[]): DoraReport["leadTimeDistribution"] {
  return Array.from({ length: BUCKET_COUNT }, (_, i) => ({ ...bucketBounds(i), count: counts[i] ?? 0 }));
}

/** The DORA report of a service (exact), a team or the organisation (from daily rollups). */
export async function getDoraReport(
  scope: Scope,
  range: { from: Date; to: Date },
  profile = "dora-default",
  client: DbClient = db,
): Promise<DoraReport> {
  const window = toWindow(range);
  // Fail on an unknown profile before querying.
  gradeMetric(profile, "leadTime", 0);
  const body =
    scope.kind === "service" ? await serviceReport(client, scope.entityKey, window) : await rollupReport(client, scope, window);
  return {
    scope,
    from: isoDay(window.from),
    to: isoDay(window.to),
    profile,
    metrics: buildMetrics(body.current, body.previous, window.days, profile),
    weekly: body.weekly,
    leadTimeDistribution: distributionOf(body.leadTimeBuckets),
    openIncidents: await countOpenIncidents(client, scope, window),
    exact: scope.kind === "service",
  };
}

type ReportBody = {
  current: PeriodStats;
  previous: PeriodStats;
  weekly: DoraReport["weekly"];
  leadTimeBuckets: number[];
};

async function serviceReport(client: DbClient, entityKey: string, window: Window): Promise<ReportBody> {
  const current = await exactPeriod(client, entityKey, window.from, window.to);
  const previous = await exactPeriod(client, entityKey, window.previousFrom, window.from);

  const weekRows = await client.$queryRaw<
    { week: string; deployments: number; failed: number; lead_time: number | null; restore: number | null }[]
  >`
    WITH dep AS (
      SELECT d.id, date_trunc('week', d.finished_at)::date AS week
      FROM dora_deployments d
      WHERE d.entity_key = ${entityKey} AND d.status = 'success'
        AND d.finished_at >= ${ts(window.from)} AND d.finished_at < ${ts(window.to)}
    ),
    dw AS (
      SELECT week, count(*)::int AS deployments,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM dora_incidents i WHERE i.deployment_id = dep.id))::int AS failed
      FROM dep GROUP BY week
    ),
    lw AS (
      SELECT dep.week, percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_time_seconds) AS lead_time
      FROM dep JOIN dora_deployment_changes c ON c.deployment_id = dep.id
      WHERE c.lead_time_seconds > 0
      GROUP BY dep.week
    ),
    rw AS (
      SELECT date_trunc('week', i.resolved_at)::date AS week,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.resolved_at - i.opened_at)) AS restore
      FROM dora_incidents i
      WHERE i.entity_key = ${entityKey} AND i.resolved_at >= ${ts(window.from)} AND i.resolved_at < ${ts(window.to)}
        AND i.resolved_at >= i.opened_at
      GROUP BY 1
    ),
    weeks AS (SELECT week FROM dw UNION SELECT week FROM rw)
    SELECT to_char(weeks.week, 'YYYY-MM-DD') AS week,
           coalesce(dw.deployments, 0) AS deployments, coalesce(dw.failed, 0) AS failed,
           lw.lead_time::float8 AS lead_time, rw.restore::float8 AS restore
    FROM weeks
    LEFT JOIN dw ON dw.week = weeks.week
    LEFT JOIN lw ON lw.week = weeks.week
    LEFT JOIN rw ON rw.week = weeks.week`;
  const byWeek = new Map(weekRows.map((r) => [r.week, r]));
  const weekly = weeksOf(window).map((week) => {
    const r = byWeek.get(week);
    return {
      week,
      deployments: r?.deployments ?? 0,
      leadTimeSeconds: r?.lead_time ?? null,
      changeFailureRate: r && r.deployments > 0 ? r.failed / r.deployments : null,
      timeToRestoreSeconds: r?.restore ?? null,
    };
  });

  const bucketRows = await client.$queryRaw<{ b: number; n: number }[]>`
    SELECT width_bucket(c.lead_time_seconds::float8, ${EDGES_SQL}) AS b, count(*)::int AS n
    FROM dora_deployments d JOIN dora_deployment_changes c ON c.deployment_id = d.id
    WHERE d.entity_key = ${entityKey} AND d.status = 'success'
      AND d.finished_at >= ${ts(window.from)} AND d.finished_at < ${ts(window.to)}
      AND c.lead_time_seconds > 0
    GROUP BY 1`;
  const leadTimeBuckets = emptyBuckets();
  for (const { b, n } of bucketRows) leadTimeBuckets[b - 1] = n;

  return { current, previous, weekly, leadTimeBuckets };
}

/** Exact figures of one service over [from, to) from the base tables. */
async function exactPeriod(client: DbClient, entityKey: string, from: Date, to: Date): Promise<PeriodStats> {
  const [row] = await client.$queryRaw<{ deployments: number; failed: number; lead_time: number | null; restore: number | null }[]>`
    WITH dep AS (
      SELECT d.id FROM dora_deployments d
      WHERE d.entity_key = ${entityKey} AND d.status = 'success'
        AND d.finished_at >= ${ts(from)} AND d.finished_at < ${ts(to)}
    )
    SELECT
      (SELECT count(*)::int FROM dep) AS deployments,
      (SELECT count(*)::int FROM dep WHERE EXISTS (SELECT 1 FROM dora_incidents i WHERE i.deployment_id = dep.id)) AS failed,
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_time_seconds)
         FROM dep JOIN dora_deployment_changes c ON c.deployment_id = dep.id
        WHERE c.lead_time_seconds > 0)::float8 AS lead_time,
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.resolved_at - i.opened_at))
         FROM dora_incidents i
        WHERE i.entity_key = ${entityKey} AND i.resolved_at >= ${ts(from)} AND i.resolved_at < ${ts(to)}
          AND i.resolved_at >= i.opened_at)::float8 AS restore`;
  return {
    deployments: row?.deployments ?? 0,
    failed: row?.failed ?? 0,
    leadTimeSeconds: row?.lead_time ?? null,
    restoreSeconds: row?.restore ?? null,
  };
}

type RollupRow = { deployments: number; failed: number; lead_buckets: number[]; restore_buckets: number[] };

function statsFromRollup(row: RollupRow | undefined): PeriodStats {
  return {
    deployments: row?.deployments ?? 0,
    failed: row?.failed ?? 0,
    leadTimeSeconds: row ? medianFromBuckets(row.lead_buckets) : null,
    restoreSeconds: row ? medianFromBuckets(row.restore_buckets) : null,
  };
}

const rollupSumsSql = Prisma.sql`
  coalesce(sum(d.deployments), 0)::int AS deployments,
  coalesce(sum(d.failed_deployments), 0)::int AS failed,
  ${bucketSumsSql("d.lead_time_buckets")} AS lead_buckets,
  ${bucketSumsSql("d.restore_buckets")} AS restore_buckets`;

function scopeFilter(scope: Exclude<Scope, { kind: "service" }>, column: Prisma.Sql): Prisma.Sql {
  // The team's keys first (an index lookup), then one index probe per key: written as IN (SELECT …),
  // the planner sometimes chose a parallel scan of all entities for the team report (0.1–0.5 s).
  return scope.kind === "team" ? Prisma.sql`${column} = ANY(ARRAY(SELECT key FROM entities WHERE owner = ${scope.owner}))` : Prisma.sql`TRUE`;
}

async function rollupReport(client: DbClient, scope: Exclude<Scope, { kind: "service" }>, window: Window): Promise<ReportBody> {
  // The organisation reads per-day totals over all services (dora_daily_total); a team sums its services' rows.
  // One scan: a row per ISO week of the window, plus one (week NULL) for the previous period.
  const rows = await client.$queryRaw<(RollupRow & { week: string | null })[]>`
    SELECT CASE WHEN d.day >= ${day(window.from)} THEN to_char(date_trunc('week', d.day), 'YYYY-MM-DD') END AS week,
           ${rollupSumsSql}
    FROM ${scope.kind === "organisation" ? Prisma.sql`dora_daily_total d WHERE TRUE` : Prisma.sql`dora_daily d WHERE ${scopeFilter(scope, Prisma.sql`d.entity_key`)}`}
      AND d.day >= ${day(window.previousFrom)} AND d.day < ${day(window.to)}
    GROUP BY 1`;
  const previous = statsFromRollup(rows.find((r) => r.week === null));
  const byWeek = new Map(rows.flatMap((r) => (r.week === null ? [] : [[r.week, r] as const])));

  let total: RollupRow = { deployments: 0, failed: 0, lead_buckets: emptyBuckets(), restore_buckets: emptyBuckets() };
  const weekly = weeksOf(window).map((week) => {
    const r = byWeek.get(week);
    if (r) {
      total = {
        deployments: total.deployments + r.deployments,
        failed: total.failed + r.failed,
        lead_buckets: addBuckets(total.lead_buckets, r.lead_buckets),
        restore_buckets: addBuckets(total.restore_buckets, r.restore_buckets),
      };
    }
    const stats = statsFromRollup(r);
    return {
      week,
      deployments: stats.deployments,
      leadTimeSeconds: stats.leadTimeSeconds,
      changeFailureRate: stats.deployments > 0 ? stats.failed / stats.deployments : null,
      timeToRestoreSeconds: stats.restoreSeconds,
    };
  });
  return { current: statsFromRollup(total), previous, weekly, leadTimeBuckets: total.lead_buckets };
}

async function countOpenIncidents(client: DbClient, scope: Scope, window: Window): Promise<number> {
  const filter =
    scope.kind === "service" ? Prisma.sql`i.entity_key = ${scope.entityKey}` : scopeFilter(scope, Prisma.sql`i.entity_key`);
  const [row] = await client.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM dora_incidents i
    WHERE ${filter} AND i.opened_at < ${ts(window.to)}
      AND (i.resolved_at IS NULL OR i.resolved_at >= ${ts(window.to)})`;
  return row?.n ?? 0;
}

/** DORA metrics per team (catalog owner) from the daily rollups, in one query. */
export async function getTeamComparison(
  range: { from: Date; to: Date },
  profile = "dora-default",
  client: DbClient = db,
): Promise<TeamComparisonRow[]> {
  const window = toWindow(range);
  gradeMetric(profile, "leadTime", 0);
  const rows = await client.$queryRaw<(RollupRow & { owner: string; current: boolean; services: number })[]>`
    SELECT e.owner, d.day >= ${day(window.from)} AS current,
           count(DISTINCT d.entity_key)::int AS services,
           ${rollupSumsSql}
    FROM dora_daily d JOIN entities e ON e.key = d.entity_key
    WHERE e.owner <> '' AND d.day >= ${day(window.previousFrom)} AND d.day < ${day(window.to)}
    GROUP BY 1, 2
    ORDER BY 1`;
  const owners = [...new Set(rows.map((r) => r.owner))];
  return owners.map((owner) => {
    const current = rows.find((r) => r.owner === owner && r.current);
    const previous = rows.find((r) => r.owner === owner && !r.current);
    return {
      owner,
      services: current?.services ?? 0,
      metrics: buildMetrics(statsFromRollup(current), statsFromRollup(previous), window.days, profile),
    };
  });
}

// The team table sums every service's daily rollups over two periods: about a second of
// database time at 2,000 services, the same for everyone who opens the organisation page.
const teamComparisons = createTtlCache<TeamComparisonRow[]>({ ttlMs: 60_000, staleMs: 60_000, maxEntries: 20 });

/**
 * getTeamComparison as the organisation page shows it: kept per process for a minute, then
 * served for up to another minute while it is recomputed, so it may be up to about two
 * minutes old (the metric cards above it are always current).
 */
export function getRecentTeamComparison(range: { from: Date; to: Date }, profile = "dora-default"): Promise<TeamComparisonRow[]> {
  return teamComparisons.get(`${range.from.toISOString()} ${range.to.toISOString()} ${profile}`, () => getTeamComparison(range, profile));
}
