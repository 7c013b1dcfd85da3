import "server-only";
import type PgBoss from "pg-boss";
import { purgeExpiredSessions } from "@/lib/admin/mutations";
import { refreshAllLocations } from "@/lib/catalog/mutations";
import { buildEntityDocs, refreshAllDocs } from "@/lib/docs/build";
import { isJobPending, queueScorecardEvaluation } from "@/lib/jobs/queue";
import type { JobName, JobPayload } from "@/lib/jobs/definitions";
import { pruneRateLimits } from "@/lib/rate-limit";
import { runQueuedRun, sweepLostRuns } from "@/lib/scaffolder/runs";
import { evaluateScorecards } from "@/lib/scorecards/evaluate";
import { openDatabasePullRequest, reconcileDatabaseRequests } from "@/lib/self-service/mutations";
import { pruneWebhookDeliveries } from "@/lib/self-service/webhooks";

/**
 * What each job does: a thin call into its domain, with the payload already checked
 * against its schema (lib/jobs/definitions.ts). Loaded only by the worker; domains send
 * jobs through lib/jobs/queue.ts and never import this file.
 */

type Attempt = Pick<PgBoss.JobWithMetadata, "retryCount" | "retryLimit">;
type Handlers = { [N in JobName]: (payload: JobPayload<N>, attempt: Attempt) => Promise<unknown> };

export const handlers: Handlers = {
  "maintenance.purge-expired-sessions": () => purgeExpiredSessions(),
  "maintenance.prune": async () => ({ deliveries: await pruneWebhookDeliveries(), rateLimits: await pruneRateLimits() }),
  "catalog.refresh-locations": () => refreshAllLocations(),
  "scaffolder.run": ({ runId }, attempt) => runQueuedRun(runId, attempt),
  "self-service.open-pull-request": async ({ requestId }) => ({ result: await openDatabasePullRequest(requestId) }),
  "self-service.reconcile": () => reconcileDatabaseRequests(),
  "docs.build": async ({ entityId, force }) => {
    const result = await buildEntityDocs(entityId, { force: force === true });
    if (result.status !== "skipped") await queueScorecardEvaluation("fact-change");
    return result;
  },
  // Every entity with a source or docs annotation; unchanged commits are skipped. Then scorecards re-grade.
  "docs.refresh": async ({ trigger }) => {
    const result = await refreshAllDocs();
    await queueScorecardEvaluation(trigger === "catalog-refresh" ? "catalog-refresh" : "fact-change", { afterDocs: true });
    return result;
  },
  "scorecards.evaluate": async ({ trigger, scorecard, afterDocs }) => {
    // Grading while the repositories are being read would record facts as missing;
    // the docs refresh queues its own evaluation when it is done.
    if (!scorecard && afterDocs !== true && (await isJobPending("docs.refresh"))) return { skipped: "a docs refresh is running; it queues an evaluation" };
    return evaluateScorecards({ trigger: trigger ?? "schedule", scorecard });
  },
};

/**
 * What every worker runs every PAVE_SWEEP_INTERVAL_SECONDS (and once at start): finding
 * work whose job was lost because its enqueue failed or its worker died. Database
 * requests without a pull request are queued again by self-service.reconcile.
 */
export const sweeps: Record<string, () => Promise<unknown>> = {
  "scaffolder runs": sweepLostRuns,
};
