import "server-only";
import PgBoss from "pg-boss";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { SOURCE_LOCATION, TECHDOCS_REF } from "@/lib/catalog/annotations";
import { refreshLocation } from "@/lib/catalog/mutations";
import { pruneRateLimits } from "@/lib/rate-limit";

/**
 * Background jobs on pg-boss, in the same Postgres as the app. A job is a name, a
 * handler and optionally a cron schedule; later features register theirs here.
 * The worker runs inside the web process (PAVE_WORKER=inline, the zero-config
 * default) or as `npm run worker`; any number of either can share one database.
 */
type JobDefinition = {
  /** A cron expression (UTC) when the job also runs on a schedule. */
  cron?: string;
  /** pg-boss retries a job whose handler throws, up to this many times, with backoff. */
  retryLimit?: number;
  /** How long a run may take before pg-boss gives up on it (its default is 15 minutes). */
  expireInSeconds?: number;
  handler: (data: Record<string, unknown>, attempt: { retryCount: number; retryLimit: number }) => Promise<unknown>;
};

/** How long webhook delivery ids are kept to recognise GitHub's redeliveries. */
const WEBHOOK_DELIVERY_DAYS = 30;

/** Docs refreshes and evaluations of large catalogs: allowed to run for up to 4 hours. */
const LONG_JOB_SECONDS = 4 * 60 * 60;

export const jobs = {
  "maintenance.purge-expired-sessions": {
    cron: "17 * * * *",
    async handler() {
      const { count } = await db.session.deleteMany({ where: { expires: { lt: new Date() } } });
      return { deleted: count };
    },
  },
  "maintenance.prune": {
    // Webhook delivery ids are kept 30 days to drop GitHub's redeliveries; rate-limit buckets a day.
    cron: "23 3 * * *",
    async handler() {
      const { count: deliveries } = await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: new Date(Date.now() - WEBHOOK_DELIVERY_DAYS * 86_400_000) } } });
      const rateLimits = await pruneRateLimits();
      return { deliveries, rateLimits };
    },
  },
  "catalog.refresh-locations": {
    cron: "*/5 * * * *",
    async handler() {
      const locations = await db.location.findMany({ select: { id: true, lastSha: true }, orderBy: { lastRefreshedAt: { sort: "asc", nulls: "first" } } });
      let failed = 0;
      let changed = 0;
      for (const { id, lastSha } of locations) {
        const result = await refreshLocation(id);
        if (!result.ok) failed += 1;
        else if (result.changed || lastSha === null) changed += 1;
      }
      // Docs and scorecards follow the catalog: rebuild what changed, then grade again.
      if (changed > 0) {
        await queueDocsRefresh();
      }
      // Entities registered since (a new service from a template, say) get their docs now, not at the hourly refresh.
      const fresh = await db.$queryRaw<{ id: string }[]>`
        SELECT e.id FROM entities e
        WHERE (e.metadata->'annotations' ? ${TECHDOCS_REF} OR e.metadata->'annotations' ? ${SOURCE_LOCATION})
          AND NOT EXISTS (SELECT 1 FROM entity_repo_facts f WHERE f.entity_id = e.id)
          AND NOT EXISTS (SELECT 1 FROM docs_sites d WHERE d.entity_id = e.id)
        LIMIT 200`;
      for (const { id } of fresh) await enqueue("docs.build", { entityId: id }, { singletonKey: `docs.build:${id}`, singletonSeconds: 300 });
      return { refreshed: locations.length - failed, failed, changed, docsQueued: fresh.length };
    },
  },
  "scaffolder.run": {
    retryLimit: 2,
    async handler(data, attempt) {
      const { executeRun, failQueuedRun } = await import("@/lib/scaffolder/runs");
      const runId = String(data.runId);
      const result = await executeRun(runId);
      if (result !== "retry") return { runId, result };
      if (attempt.retryCount < attempt.retryLimit) throw new Error(`run ${runId} hit a temporary failure; pg-boss retries it`);
      await failQueuedRun(runId);
      return { runId, result: "failed" };
    },
  },
  "self-service.open-pull-request": {
    // A git host outage keeps the request queued; these retries, then the reconcile job, carry it through.
    retryLimit: 8,
    async handler(data) {
      const { openDatabasePullRequest } = await import("@/lib/self-service/mutations");
      return { result: await openDatabasePullRequest(String(data.requestId)) };
    },
  },
  "self-service.reconcile": {
    cron: "*/10 * * * *",
    async handler() {
      const { reconcileDatabaseRequests } = await import("@/lib/self-service/mutations");
      return reconcileDatabaseRequests();
    },
  },
  "docs.build": {
    // Builds one entity's docs and records its repository facts (lib/docs/build.ts).
    retryLimit: 1,
    async handler(data) {
      const { buildEntityDocs } = await import("@/lib/docs/build");
      // force: asked for by a person ("Build docs now", "Rebuild"), so an unchanged commit is built too.
      const result = await buildEntityDocs(String(data.entityId), { force: data.force === true });
      if (result.status !== "skipped") await queueScorecardEvaluation("fact-change");
      return result;
    },
  },
  "docs.refresh": {
    // Every entity with a source or docs annotation; unchanged commits are skipped. Then scorecards re-grade.
    cron: "41 * * * *",
    // A large catalog takes a while; expiring mid-run would let an evaluation grade half-read facts.
    expireInSeconds: LONG_JOB_SECONDS,
    async handler(data) {
      const { refreshAllDocs } = await import("@/lib/docs/build");
      const result = await refreshAllDocs();
      await queueScorecardEvaluation(data.trigger === "catalog-refresh" ? "catalog-refresh" : "fact-change", { afterDocs: true });
      return result;
    },
  },
  "scorecards.evaluate": {
    cron: "7 * * * *",
    expireInSeconds: LONG_JOB_SECONDS,
    async handler(data) {
      const { evaluateScorecards } = await import("@/lib/scorecards/evaluate");
      const trigger = typeof data.trigger === "string" ? data.trigger : "schedule";
      const scorecard = typeof data.scorecard === "string" ? data.scorecard : undefined;
      // Grading while the repositories are being read would record facts as missing;
      // the docs refresh queues its own evaluation when it is done.
      if (!scorecard && data.afterDocs !== true && (await isDocsRefreshPending())) return { skipped: "a docs refresh is running; it queues an evaluation" };
      return evaluateScorecards({ trigger, scorecard });
    },
  },
} satisfies Record<string, JobDefinition>;

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
    const boss = await connect({ worker: false });
    return await boss.sendDebounced("scorecards.evaluate", { trigger, ...extra }, {}, SCORECARD_DEBOUNCE_SECONDS, "scorecards.evaluate");
  } catch (error) {
    log.warn({ err: error instanceof Error ? { message: error.message } : undefined, trigger }, "could not queue a scorecard evaluation");
    return null;
  }
}

export type JobName = keyof typeof jobs;

const globalForBoss = globalThis as unknown as { paveBoss?: Promise<PgBoss> };

function connect(options: { worker: boolean }): Promise<PgBoss> {
  globalForBoss.paveBoss ??= (async () => {
    const boss = new PgBoss({
      connectionString: getEnv().DATABASE_URL,
      schema: "pgboss",
      // Only workers run pg-boss's maintenance and cron clock; a web process just sends.
      supervise: options.worker,
      schedule: options.worker,
    });
    boss.on("error", (err) => log.error({ err: { message: err.message } }, "pg-boss error"));
    await boss.start();
    for (const [name, job] of Object.entries(jobs) as [string, JobDefinition][]) {
      const policy = { name, retryLimit: job.retryLimit ?? 0, retryDelay: 20, retryBackoff: true, ...(job.expireInSeconds ? { expireInSeconds: job.expireInSeconds } : {}) };
      await boss.createQueue(name, policy);
      await boss.updateQueue(name, policy); // an existing queue keeps its old policy otherwise
    }
    return boss;
  })();
  return globalForBoss.paveBoss;
}

/** Queues a job; returns its id, or null when a singleton job of the same key is already queued. */
export async function enqueue(name: JobName, data: Record<string, unknown> = {}, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const boss = await connect({ worker: false });
  return boss.send(name, data, options);
}

/** Starts handling every registered job in this process and installs their schedules. */
export async function startWorker(): Promise<PgBoss> {
  const boss = await connect({ worker: true });
  // Before any handler starts, so an evaluation already queued sees the docs refresh.
  await catchUp();
  for (const [name, job] of Object.entries(jobs) as [JobName, JobDefinition][]) {
    if (job.cron) await boss.schedule(name, job.cron, {}, { tz: "UTC" });
    await boss.work<Record<string, unknown>>(name, { includeMetadata: true }, async (batch) => {
      for (const item of batch) {
        const started = Date.now();
        try {
          const result = await job.handler(item.data ?? {}, { retryCount: item.retryCount, retryLimit: item.retryLimit });
          log.info({ job: name, jobId: item.id, ms: Date.now() - started, result }, "job done");
        } catch (err) {
          log.error({ job: name, jobId: item.id, err }, "job failed");
          throw err; // pg-boss records the failure and retries per the queue's policy
        }
      }
    });
  }
  log.info({ jobs: Object.keys(jobs) }, "job worker started");
  return boss;
}

/** Whether a docs refresh is queued or running. */
async function isDocsRefreshPending(): Promise<boolean> {
  const boss = await connect({ worker: false });
  return (await boss.getQueueSize("docs.refresh", { before: "completed" })) > 0;
}

/** Queues a refresh of every entity's docs; refreshes asked for within a minute run once. */
async function queueDocsRefresh(): Promise<void> {
  await enqueue("docs.refresh", { trigger: "catalog-refresh" }, { singletonKey: "docs.refresh", singletonSeconds: 60 });
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

/** Stops pg-boss in this process, letting running jobs finish. */
export async function stopJobs(): Promise<void> {
  const boss = await globalForBoss.paveBoss;
  globalForBoss.paveBoss = undefined;
  await boss?.stop({ graceful: true, wait: true });
}
