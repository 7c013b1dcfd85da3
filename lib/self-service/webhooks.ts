import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { pullRequestEventSummary } from "@/lib/webhooks/github";
import { getGitWriter } from "@/lib/git";
import { infraRepo } from "@/lib/self-service/infra-repo";
import { applyRequestStatus, requesterIdentities, statusForPullRequest, type ReviewOutcome } from "@/lib/self-service/mutations";
import { handleDoraGitHubEvent } from "@/lib/dora/github";

/** How long delivery ids are kept to recognise GitHub's redeliveries. */
const WEBHOOK_DELIVERY_DAYS = 30;

/** Forgets delivery ids older than 30 days (the daily maintenance job). */
export async function pruneWebhookDeliveries(): Promise<number> {
  const { count } = await db.webhookDelivery.deleteMany({ where: { receivedAt: { lt: new Date(Date.now() - WEBHOOK_DELIVERY_DAYS * 86_400_000) } } });
  return count;
}

type WebhookStatus = "duplicate" | "ignored" | "applied" | "unchanged";

/**
 * Applies one verified GitHub delivery. A delivery id is recorded first, so a replay is a
 * no-op (unless handling failed, then the id is forgotten); events about other
 * repositories or pull requests are acknowledged and ignored.
 * DORA (lib/dora/github.ts) and self-service requests each take what concerns them.
 */
export async function handleGitHubWebhook(deliveryId: string, event: string, payload: unknown): Promise<{ status: WebhookStatus }> {
  try {
    await db.webhookDelivery.create({ data: { id: deliveryId, event } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { status: "duplicate" };
    throw error;
  }
  try {
    const dora = await handleDoraGitHubEvent(event, payload);
    const selfService = await applySelfServiceEvent(event, payload);
    return selfService.status === "ignored" && dora === "applied" ? { status: "applied" } : selfService;
  } catch (error) {
    // Forget the delivery, so GitHub's redelivery is handled instead of dropped as a duplicate.
    // Both handlers are idempotent, so redoing the part that succeeded is safe.
    await db.webhookDelivery.deleteMany({ where: { id: deliveryId } });
    throw error;
  }
}

async function applySelfServiceEvent(event: string, payload: unknown): Promise<{ status: WebhookStatus }> {
  const summary = pullRequestEventSummary(event, payload);
  if (!summary) return { status: "ignored" };
  const repo = infraRepo();
  if (summary.owner.toLowerCase() !== repo.owner.toLowerCase() || summary.repo.toLowerCase() !== repo.repo.toLowerCase()) return { status: "ignored" };
  const request = await db.databaseRequest.findFirst({ where: { prNumber: summary.number }, select: { id: true, status: true } });
  if (!request) return { status: "ignored" };

  let outcome: ReviewOutcome | null = null;
  if (event === "pull_request" && summary.action === "closed") {
    outcome = { status: summary.merged ? "provisioned" : "rejected", reviewNote: null };
  } else if (event === "pull_request_review") {
    // One review is not the pull request's decision (another reviewer may still ask for
    // changes, or the approval may be the requester's own): read every reviewer's latest review.
    const pr = await getGitWriter().getPullRequest({ owner: repo.owner, repo: repo.repo, number: summary.number });
    outcome = statusForPullRequest(pr, await requesterIdentities(request.id));
  }
  if (!outcome) return { status: "ignored" };
  const changed = await applyRequestStatus(request.id, outcome, null, `GitHub ${event}.${summary.action}`);
  return { status: changed ? "applied" : "unchanged" };
}
