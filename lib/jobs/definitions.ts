import { z } from "zod";

/**
 * Every background job Pave runs: its payload schema, retry and expiry policy and cron
 * schedule. Pure data that imports no domain, so the queue (which every domain may use)
 * and the registry (which only the worker loads) can both read it without a cycle.
 */

export type JobPolicy = {
  payload: z.ZodType;
  /** A cron expression (UTC) when the job also runs on a schedule. */
  cron?: string;
  /** pg-boss retries a job whose handler throws, up to this many times, with backoff. */
  retryLimit?: number;
  /** How long a run may take before pg-boss gives up on it (its default is 15 minutes). */
  expireInSeconds?: number;
};

/** Docs refreshes and evaluations of large catalogs: allowed to run for up to 4 hours. */
const LONG_JOB_SECONDS = 4 * 60 * 60;

const none = z.object({}).strict();
const id = z.string().min(1).max(100);

export const JOBS = {
  "maintenance.purge-expired-sessions": { payload: none, cron: "17 * * * *" },
  // Webhook delivery ids are kept 30 days to drop GitHub's redeliveries; rate-limit buckets a day.
  "maintenance.prune": { payload: none, cron: "23 3 * * *" },
  "catalog.refresh-locations": { payload: none, cron: "*/5 * * * *" },
  "scaffolder.run": { payload: z.object({ runId: id }).strict(), retryLimit: 2 },
  // A git host outage keeps the request queued; these retries, then the reconcile job, carry it through.
  "self-service.open-pull-request": { payload: z.object({ requestId: id }).strict(), retryLimit: 8 },
  "self-service.reconcile": { payload: none, cron: "*/10 * * * *" },
  // force: asked for by a person ("Build docs now", "Rebuild"), so an unchanged commit is built too.
  "docs.build": { payload: z.object({ entityId: id, force: z.boolean().optional() }).strict(), retryLimit: 1 },
  // A large catalog takes a while; expiring mid-run would let an evaluation grade half-read facts.
  "docs.refresh": { payload: z.object({ trigger: z.enum(["catalog-refresh", "schedule"]).optional() }).strict(), cron: "41 * * * *", expireInSeconds: LONG_JOB_SECONDS },
  "scorecards.evaluate": {
    payload: z
      .object({
        trigger: z.string().min(1).max(50).optional(),
        scorecard: z.string().min(1).max(300).optional(),
        // Queued by the docs refresh once it is done: never held back for a refresh.
        afterDocs: z.boolean().optional(),
      })
      .strict(),
    cron: "7 * * * *",
    expireInSeconds: LONG_JOB_SECONDS,
  },
} as const satisfies Record<string, JobPolicy>;

export type JobName = keyof typeof JOBS;
/** What a job of `N` carries, as its queue helpers take it. */
export type JobPayload<N extends JobName> = z.input<(typeof JOBS)[N]["payload"]>;

/** Jobs whose payload failed its schema go here (kept 14 days) instead of being retried. */
export const DEAD_LETTER_QUEUE = "jobs.dead-letter";
