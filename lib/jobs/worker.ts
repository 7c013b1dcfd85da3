import "server-only";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { DEAD_LETTER_QUEUE, JOBS, type JobName } from "@/lib/jobs/definitions";
import { connectQueue, queueDocsRefresh, queueScorecardEvaluation, stopJobs } from "@/lib/jobs/queue";
import { handlers } from "@/lib/jobs/registry";

/**
 * The worker: runs every registered job in this process and installs their schedules.
 * It runs inside the web process (PAVE_WORKER=inline, the zero-config default) or as
 * `npm run worker`; any number of either can share one database.
 */

export { stopJobs };

/** Checks a job's payload and runs its handler; a payload that fails its schema is a bug, logged and dead-lettered, not retried. */
export async function runJob(name: JobName, job: { id: string; data: unknown; retryCount: number; retryLimit: number }): Promise<unknown> {
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
  return boss;
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
