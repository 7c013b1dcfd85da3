import { randomUUID } from "node:crypto";
import { signGitHubPayload } from "@/lib/webhooks/github";
import type { StandInContext } from "@/tests/github-stand-in/context";
import { checkGitHubWebhookPayload } from "@/tests/github-stand-in/openapi";
import { organizationBody, simpleUser } from "@/tests/github-stand-in/responses/accounts";
import { repositoryBody } from "@/tests/github-stand-in/responses/repos";
import type { Account, Repo } from "@/tests/github-stand-in/store";
import type { StandInDelivery } from "@/tests/github-stand-in/types";

// Webhooks as GitHub sends them: signed with the receiver's secret, each payload checked
// against the description's x-webhooks, and every delivery recorded for the test.

export type WebhookSender = ReturnType<typeof createWebhookSender>;

export function createWebhookSender(ctx: StandInContext) {
  const deliveryLog: StandInDelivery[] = [];

  /** Sends one signed webhook, as GitHub does, when a receiver is configured; never throws. */
  async function deliver(event: string, schemaKey: string, payload: { action: string; [field: string]: unknown }): Promise<void> {
    const { webhook } = ctx.options;
    if (!webhook) return;
    const problem = checkGitHubWebhookPayload(schemaKey, payload);
    if (problem) ctx.violations.push(`webhook ${event}.${payload.action}: ${problem}`);
    const body = JSON.stringify(payload);
    const deliveryId = randomUUID();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/stand-in",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": "1",
      "x-hub-signature-256": signGitHubPayload(body, webhook.secret),
    };
    const entry: StandInDelivery = { event, action: payload.action, deliveryId, status: "network", body, headers };
    deliveryLog.push(entry);
    try {
      const response = await fetch(webhook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      entry.status = response.status;
      await response.body?.cancel();
    } catch {
      entry.status = "network";
    }
  }

  return {
    deliver,
    /** The webhooks sent so far, in order (copies). */
    deliveries: () => deliveryLog.map((entry) => ({ ...entry, headers: { ...entry.headers } })),
  };
}

/** The parts every pull request webhook shares. */
export function webhookEnvelope(ctx: StandInContext, repo: Repo, sender: Account) {
  return {
    repository: repositoryBody(ctx, repo),
    sender: simpleUser(ctx, sender),
    ...(repo.owner.type === "Organization" ? { organization: organizationBody(ctx, repo.owner) } : {}),
  };
}
