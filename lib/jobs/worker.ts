import "server-only";
import { SpanKind } from "@opentelemetry/api";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { DEAD_LETTER_QUEUE, JOBS, type JobName } from "@/lib/jobs/definitions";
import { connectQueue, queueDocsRefresh, queueScorecardEvaluation, stopJobs } from "@/lib/jobs/queue";
import { getEnv } from "@/lib/env";
import { handlers, sweeps } from "@/lib/jobs/registry";
import { withSpan } from "@/lib/telemetry/tracing";

/**
 * The worker: runs every registered job in this process, installs their schedules and
 * sweeps for lost work. It runs in a process started with PAVE_PROCESS=all (the default,
 * beside the web server) or worker (`npm run worker`); any number can share one database.
 */

const globalForSweeps = globalThis as unknown as { paveSweepTimer?: NodeJS.Timeout };

type JobRun = { id: string; data: unknown; retryCount: number; retryLimit: number };

/** runJobUntraced inside a span `job <name>` (in the worker, the root of a trace of its own). */
export function runJob(name: JobName, job: JobRun): Promise<unknown> {
  const attributes = { "pave.job.name": name, "pave.job.id": job.id, "pave.job.attempt": job.retryCount + 1 };
  return withSpan(`job ${name}`, attributes, () => runJobUntraced(name, job), SpanKind.CONSUMER);
}

/** Checks a job's payload and runs its handler; a payload that fails its schema is a bug, logged and dead-lettered, not retried. */
async function runJobUntraced(name: JobName, job: JobRun): Promise<unknown> {
  const parsed = JOBS[name].payload.safeParse(job.data ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`);
    log.error({ job: name, jobId: job.id, problems }, "job payload failed its schema; dead-lettered");
    const boss = await connectQueue({ worker: true });
    await boss.send(DEAD_LETTER_QUEUE, { job: name, jobId: job.id, data: job.data ?? null, problems });
    return { deadLettered: problems };
  }
  const handler = handlers[name] as (payload: unknown, attempt: { retryCount: number; retryLimit: number }) => Promise<unknown>;
  return handler(parsed.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
}

/** Starts handling every registered job in this process and installs their schedules. */
export async function startWorker() {
  const boss = await connectQueue({ worker: true });
  // Before any handler starts, so an evaluation already queued sees the docs refresh.
  await catchUp();
  for (const [name, job] of Object.entries(JOBS) as [JobName, (typeof JOBS)[JobName]][]) {
    if ("cron" in job && job.cron) await boss.schedule(name, job.cron, {}, { tz: "UTC" });
    await boss.work<Record<string, unknown>>(name, { includeMetadata: true }, async (batch) => {
      for (const item of batch) {
        const started = Date.now();
        try {
          const result = await runJob(name, item);
          log.info({ job: name, jobId: item.id, ms: Date.now() - started, result }, "job done");
        } catch (err) {
          log.error({ job: name, jobId: item.id, err }, "job failed");
          throw err; // pg-boss records the failure and retries per the queue's policy
        }
      }
    });
  }
  log.info({ jobs: Object.keys(JOBS) }, "job worker started");
  void sweep();
  clearInterval(globalForSweeps.paveSweepTimer);
  globalForSweeps.paveSweepTimer = setInterval(() => void sweep(), getEnv().PAVE_SWEEP_INTERVAL_SECONDS * 1000);
  globalForSweeps.paveSweepTimer.unref();
  return boss;
}

/**
 * Stops the worker: no new jobs are fetched, the ones in hand get `timeoutMs` to finish,
 * and what is still running then is failed back to the queue for another worker.
 */
export async function stopWorker(timeoutMs = 30_000): Promise<void> {
  clearInterval(globalForSweeps.paveSweepTimer);
  globalForSweeps.paveSweepTimer = undefined;
  await stopJobs(timeoutMs);
}

/** Stopping the worker's jobs without its sweeps (tests, scripts). */
export { stopJobs };

/** One pass of every sweep; a failing sweep (database away) is logged and tried at the next pass. */
async function sweep(): Promise<void> {
  for (const [name, run] of Object.entries(sweeps)) {
    try {
      await run();
    } catch (error) {
      log.warn({ sweep: name, err: error instanceof Error ? { message: error.message } : undefined }, "sweep failed");
    }
  }
}

/**
 * A database that has entities but has never built docs or graded them (a new install,
 * or one upgraded to this version) gets both now instead of at the next hourly run.
 */
async function catchUp(): Promise<void> {
  const [entities, sites, runs] = await Promise.all([db.entity.count({ take: 1 }), db.docsSite.count({ take: 1 }), db.scorecardRun.count({ take: 1 })]);
  if (entities === 0) return;
  if (sites === 0) await queueDocsRefresh();
  else if (runs === 0) await queueScorecardEvaluation("schedule");
}
