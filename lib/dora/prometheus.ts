import "server-only";
import { Gauge, type Registry } from "prom-client";
import { db, type DbClient } from "@/lib/db";
import { medianFromBuckets } from "@/lib/dora/buckets";

/**
 * DORA metrics per service for Prometheus, over the last 30 days, read from dora_daily in
 * one query (medians are estimated from the summed histograms, like team dashboards).
 */

export const PROMETHEUS_WINDOW_DAYS = 30;

export type ServiceMetrics = {
  entityKey: string;
  deploymentsPerDay: number;
  leadTimeSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreSeconds: number | null;
};

/** Every service with deployments or resolved incidents in the last 30 days, with its four metrics. */
export async function getServiceMetrics(client: DbClient = db, now = new Date()): Promise<ServiceMetrics[]> {
  const since = new Date(now.getTime() - PROMETHEUS_WINDOW_DAYS * 86_400_000).toISOString().slice(0, 10);
  // Histograms are summed element-wise in SQL: unnest WITH ORDINALITY, then array_agg in order.
  const rows = await client.$queryRaw<{ entity_key: string; deployments: number; failed: number; lead: number[]; restore: number[] }[]>`
    WITH d AS (SELECT * FROM dora_daily WHERE day >= ${since}::date),
    totals AS (
      SELECT entity_key, sum(deployments)::int AS deployments, sum(failed_deployments)::int AS failed FROM d GROUP BY entity_key
    ),
    lead AS (
      SELECT entity_key, array_agg(n ORDER BY i) AS counts
      FROM (SELECT d.entity_key, u.i, sum(u.n)::int AS n FROM d, unnest(d.lead_time_buckets) WITH ORDINALITY AS u(n, i) GROUP BY d.entity_key, u.i) x
      GROUP BY entity_key
    ),
    restore AS (
      SELECT entity_key, array_agg(n ORDER BY i) AS counts
      FROM (SELECT d.entity_key, u.i, sum(u.n)::int AS n FROM d, unnest(d.restore_buckets) WITH ORDINALITY AS u(n, i) GROUP BY d.entity_key, u.i) x
      GROUP BY entity_key
    )
    SELECT t.entity_key, t.deployments, t.failed, coalesce(l.counts, '{}') AS lead, coalesce(r.counts, '{}') AS restore
    FROM totals t LEFT JOIN lead l USING (entity_key) LEFT JOIN restore r USING (entity_key)
    ORDER BY t.entity_key`;
  return rows.map((row) => ({
    entityKey: row.entity_key,
    deploymentsPerDay: row.deployments / PROMETHEUS_WINDOW_DAYS,
    leadTimeSeconds: medianFromBuckets(row.lead),
    changeFailureRate: row.deployments > 0 ? row.failed / row.deployments : null,
    timeToRestoreSeconds: medianFromBuckets(row.restore),
  }));
}

/** Registers the four DORA gauges of getServiceMetrics, per service, in `registry`. */
export async function registerDoraMetrics(registry: Registry, client: DbClient = db): Promise<void> {
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ["service"] as const, registers: [registry] });
  const deployments = gauge("pave_dora_deployments_per_day", "Successful production deployments per day over the last 30 days.");
  const leadTime = gauge("pave_dora_lead_time_seconds", "Median lead time for changes over the last 30 days (estimated from histograms).");
  const failureRate = gauge("pave_dora_change_failure_rate", "Share of the last 30 days' deployments that caused an incident.");
  const restore = gauge("pave_dora_time_to_restore_seconds", "Median time to restore of incidents resolved in the last 30 days.");
  for (const m of await getServiceMetrics(client)) {
    const labels = { service: m.entityKey };
    deployments.set(labels, m.deploymentsPerDay);
    // No value means no data: leave the series out rather than report 0.
    if (m.leadTimeSeconds !== null) leadTime.set(labels, m.leadTimeSeconds);
    if (m.changeFailureRate !== null) failureRate.set(labels, m.changeFailureRate);
    if (m.timeToRestoreSeconds !== null) restore.set(labels, m.timeToRestoreSeconds);
  }
}
