import "server-only";
import PgBoss from "pg-boss";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { DEAD_LETTER_QUEUE, JOBS, type JobName, type JobPayload } from "@/lib/jobs/definitions";

/**
 * The job queue: pg-boss in the same Postgres as the app. Any domain may send a job
 * through the typed functions here; this module imports no domain. What a job does lives
 * in the registry, which only the worker loads (lib/jobs/worker.ts).
 */

const globalForBoss = globalThis as unknown as { paveBoss?: Promise<PgBoss> };

/**
 * This process's pg-boss, started on first use. A start that fails is forgotten, so the
 * next call tries again instead of failing forever.
 */
export function connectQueue(options: { worker: boolean }): Promise<PgBoss> {
  globalForBoss.paveBoss ??= startBoss(options).catch((error: unknown) => {
    globalForBoss.paveBoss = undefined;
    throw error;
  });
  return globalForBoss.paveBoss;
}

async function startBoss(options: { worker: boolean }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: getEnv().DATABASE_URL,
    schema: "pgboss",
    // Only workers run pg-boss's maintenance and cron clock; a web process just sends.
    supervise: options.worker,
    schedule: options.worker,
  });
  boss.on("error", (err) => log.error({ err: { message: err.message } }, "pg-boss error"));
  await boss.start();
  try {
    for (const [name, job] of Object.entries(JOBS)) {
      const policy = {
        name,
        retryLimit: "retryLimit" in job ? job.retryLimit : 0,
        retryDelay: 20,
        retryBackoff: true,
        ...("expireInSeconds" in job ? { expireInSeconds: job.expireInSeconds } : {}),
      };
      await boss.createQueue(name, policy);
      await boss.updateQueue(name, policy); // an existing queue keeps its old policy otherwise
    }
    await boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, retentionMinutes: 14 * 24 * 60 });
  } catch (error) {
    await boss.stop({ graceful: false, wait: false }).catch(() => {});
    throw error;
  }
  return boss;
}

/** Queues a job; returns its id, or null when a singleton job of the same key is already queued. The payload is checked against its schema. */
export async function enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const data = JOBS[name].payload.parse(payload) as object;
  const boss = await connectQueue({ worker: false });
  return boss.send(name, data, options);
}

/** Whether a job of this name is queued or running. */
export async function isJobPending(name: JobName): Promise<boolean> {
  const boss = await connectQueue({ worker: false });
  return (await boss.getQueueSize(name, { before: "completed" })) > 0;
}

/**
 * Whether a job of this name carrying `data` (a subset of its payload) is waiting to run:
 * created, or failed and due for a retry. A job that is active is not waiting: the
 * sweepers ask because its worker may have died.
 */
export async function hasWaitingJob(name: JobName, data: Record<string, string>): Promise<boolean> {
  const boss = await connectQueue({ worker: false });
  const rows = (await boss.getDb().executeSql(
    "SELECT 1 FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry') AND data @> $2::jsonb LIMIT 1",
    [name, JSON.stringify(data)],
  )) as { rows: unknown[] };
  return rows.rows.length > 0;
}

/** Runs a template run (the worker executes its steps). */
export function queueScaffolderRun(runId: string): Promise<string | null> {
  return enqueue("scaffolder.run", { runId });
}

/** Opens the pull request of a database request (retried through git host outages). */
export function queueDatabasePullRequest(requestId: string): Promise<string | null> {
  return enqueue("self-service.open-pull-request", { requestId });
}

/** Builds one entity's docs; builds asked for within `singletonSeconds` of each other run once. */
export function queueDocsBuild(entityId: string, options: { force?: boolean; singletonSeconds: number }): Promise<string | null> {
  return enqueue("docs.build", { entityId, ...(options.force ? { force: true } : {}) }, { singletonKey: `docs.build:${entityId}`, singletonSeconds: options.singletonSeconds });
}

/** Queues a refresh of every entity's docs; refreshes asked for within a minute run once. */
export async function queueDocsRefresh(): Promise<void> {
  await enqueue("docs.refresh", { trigger: "catalog-refresh" }, { singletonKey: "docs.refresh", singletonSeconds: 60 });
}

/** Scorecard evaluations run at most once per this many seconds; later requests wait for the next slot. */
const SCORECARD_DEBOUNCE_SECONDS = 30;

/**
 * Queues an evaluation of every scorecard after a fact changed (docs rebuilt, a database
 * provisioned, delivery events ingested). Debounced, not dropped: a change inside the
 * window is graded in the next one. Returns the job id, or null when one is already
 * waiting. Never throws: the hourly evaluation catches up if the queue is down.
 */
export async function queueScorecardEvaluation(trigger: string, extra: { afterDocs?: boolean } = {}): Promise<string | null> {
  try {
    const data = JOBS["scorecards.evaluate"].payload.parse({ trigger, ...extra });
    const boss = await connectQueue({ worker: false });
    return await boss.sendDebounced("scorecards.evaluate", data, {}, SCORECARD_DEBOUNCE_SECONDS, "scorecards.evaluate");
  } catch (error) {
    log.warn({ err: error instanceof Error ? { message: error.message } : undefined, trigger }, "could not queue a scorecard evaluation");
    return null;
  }
}

/** Queues an evaluation of one scorecard after its definition changed; requests within 10 s run once. */
export function queueScorecardDefinitionChange(scorecard: string): Promise<string | null> {
  return enqueue("scorecards.evaluate", { trigger: "definition-change", scorecard }, { singletonKey: `scorecards.evaluate:${scorecard}`, singletonSeconds: 10 });
}

/** Stops pg-boss in this process, letting running jobs finish. */
export async function stopJobs(timeoutMs = 30_000): Promise<void> {
  const boss = await globalForBoss.paveBoss?.catch(() => undefined);
  globalForBoss.paveBoss = undefined;
  // Stops fetching, waits up to timeoutMs for the jobs in hand, then fails what is left so
  // pg-boss hands those to another worker (retries permitting).
  await boss?.stop({ graceful: true, wait: true, timeout: timeoutMs });
}
