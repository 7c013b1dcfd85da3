import "server-only";
import { Gauge, type Registry } from "prom-client";
import { db, type DbClient } from "@/lib/db";

/**
 * Job metrics for /api/metrics, read from pg-boss's tables, so they cover every worker
 * process (any of them may run any job) and every replica reports the same values. pg-boss keeps finished jobs in pgboss.job for 12 hours before
 * archiving them (Pave keeps its default), so the last hour is always there.
 */

type QueueRow = {
  queue: string;
  waiting: number;
  active: number;
  oldest_waiting_seconds: number | null;
  completed: number;
  failed: number;
  cancelled: number;
  p50: number | null;
  p95: number | null;
};

/** Whether pg-boss has created its tables yet (it does on its first start). */
async function hasPgBoss(client: DbClient): Promise<boolean> {
  const [row] = await client.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('pgboss.queue') IS NOT NULL AS present`;
  return row?.present === true;
}

/** Per queue: waiting, running, the oldest wait, and the last hour's finished jobs and run times. */
async function readQueues(client: DbClient): Promise<QueueRow[]> {
  return client.$queryRaw<QueueRow[]>`
    WITH recent AS (
      SELECT name, state, extract(epoch FROM completed_on - started_on)::float8 AS seconds
      FROM pgboss.job
      WHERE state IN ('completed', 'failed', 'cancelled') AND completed_on > now() - interval '1 hour'
    ),
    live AS (
      SELECT name,
        count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS waiting,
        count(*) FILTER (WHERE state = 'active')::int AS active,
        extract(epoch FROM now() - min(start_after) FILTER (WHERE state IN ('created', 'retry') AND start_after <= now()))::float8 AS oldest_waiting_seconds
      FROM pgboss.job
      WHERE state IN ('created', 'retry', 'active')
      GROUP BY name
    ),
    finished AS (
      SELECT name,
        count(*) FILTER (WHERE state = 'completed')::int AS completed,
        count(*) FILTER (WHERE state = 'failed')::int AS failed,
        count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE seconds IS NOT NULL AND state <> 'cancelled') AS p50,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE seconds IS NOT NULL AND state <> 'cancelled') AS p95
      FROM recent
      GROUP BY name
    )
    SELECT q.name AS queue,
      coalesce(l.waiting, 0) AS waiting, coalesce(l.active, 0) AS active, l.oldest_waiting_seconds,
      coalesce(f.completed, 0) AS completed, coalesce(f.failed, 0) AS failed, coalesce(f.cancelled, 0) AS cancelled,
      f.p50, f.p95
    FROM pgboss.queue q LEFT JOIN live l ON l.name = q.name LEFT JOIN finished f ON f.name = q.name
    ORDER BY q.name`;
}

/** Registers the job gauges, one series per pg-boss queue (the dead-letter queue included), in `registry`. */
export async function registerJobMetrics(registry: Registry, client: DbClient = db): Promise<void> {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const depth = gauge("pave_job_queue_depth", "Jobs waiting to run (created or waiting to be retried), per queue. jobs.dead-letter holds payloads that failed their schema.", ["queue"]);
  const active = gauge("pave_jobs_active", "Jobs running now, per queue.", ["queue"]);
  const oldest = gauge("pave_job_oldest_waiting_seconds", "How long the oldest job that could run has been waiting, per queue; 0 when none waits.", ["queue"]);
  const finished = gauge("pave_jobs_finished_last_hour", "Jobs that finished in the last hour, per queue and final state (completed, failed after its retries, cancelled).", ["queue", "state"]);
  const duration = gauge("pave_job_duration_last_hour_seconds", "Run time (start to finish) of the jobs that completed or failed in the last hour: median and 95th percentile, per queue.", ["queue", "quantile"]);
  if (!(await hasPgBoss(client))) return;
  for (const row of await readQueues(client)) {
    const queue = row.queue;
    depth.set({ queue }, row.waiting);
    active.set({ queue }, row.active);
    oldest.set({ queue }, Math.max(0, row.oldest_waiting_seconds ?? 0));
    finished.set({ queue, state: "completed" }, row.completed);
    finished.set({ queue, state: "failed" }, row.failed);
    finished.set({ queue, state: "cancelled" }, row.cancelled);
    // No finished job, no run time: the series is left out rather than reported as 0.
    if (row.p50 !== null) duration.set({ queue, quantile: "0.5" }, row.p50);
    if (row.p95 !== null) duration.set({ queue, quantile: "0.95" }, row.p95);
  }
}
