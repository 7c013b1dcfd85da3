import "server-only";
import { Gauge, type Registry } from "prom-client";
import { db, type DbClient } from "@/lib/db";
import { registerCountedHistogram, type CountedSeries } from "@/lib/telemetry/metrics";

/**
 * Scaffolder metrics for /api/metrics, read from scaffolder_runs (every replica reports the
 * same values). Runs are never deleted and a finished run stays finished, so the duration
 * histogram only grows and works with rate() and histogram_quantile() like a counter.
 */

/** Upper bounds (seconds) of the run-duration buckets: a template run takes seconds to minutes. */
const DURATION_BUCKETS = [1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Registers the run counts and the histogram of finished runs' durations in `registry`. */
export async function registerScaffolderMetrics(registry: Registry, client: DbClient = db): Promise<void> {
  const runs = new Gauge({
    name: "pave_scaffolder_runs",
    help: "Template runs ever started, per template and current status (queued, running, succeeded, failed).",
    labelNames: ["template", "status"] as const,
    registers: [registry],
  });
  const [counts, buckets] = await Promise.all([
    client.$queryRaw<{ template: string; status: string; count: number }[]>`
      SELECT template_id AS template, status::text AS status, count(*)::int AS count FROM scaffolder_runs GROUP BY 1, 2 ORDER BY 1, 2`,
    // bucket = how many bounds lie below the duration: the index of the first bucket (le) that holds it.
    client.$queryRaw<{ status: string; bucket: number; count: number; sum: number }[]>`
      SELECT status, (SELECT count(*) FROM unnest(${DURATION_BUCKETS}::float8[]) AS b WHERE b < seconds)::int AS bucket,
        count(*)::int AS count, sum(seconds)::float8 AS sum
      FROM (
        SELECT status::text AS status, greatest(0, extract(epoch FROM finished_at - started_at))::float8 AS seconds
        FROM scaffolder_runs
        WHERE status IN ('succeeded', 'failed') AND started_at IS NOT NULL AND finished_at IS NOT NULL
      ) AS finished
      GROUP BY 1, 2`,
  ]);
  for (const { template, status, count } of counts) runs.set({ template, status }, count);

  const series = new Map<string, CountedSeries>();
  for (const status of ["succeeded", "failed"]) series.set(status, { labels: { status }, counts: new Array(DURATION_BUCKETS.length + 1).fill(0), sum: 0 });
  for (const row of buckets) {
    const entry = series.get(row.status);
    if (!entry) continue;
    entry.counts[row.bucket] = (entry.counts[row.bucket] ?? 0) + row.count;
    entry.sum += row.sum;
  }
  registerCountedHistogram(registry, {
    name: "pave_scaffolder_run_duration_seconds",
    help: "How long finished template runs took from start to finish, by outcome (succeeded, failed).",
    buckets: DURATION_BUCKETS,
    series: [...series.values()],
  });
}
