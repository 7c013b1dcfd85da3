import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * GitHub webhooks: checking that a delivery really comes from GitHub (the HMAC-SHA256
 * signature GitHub computes over the raw body with the webhook's secret), and reading
 * the few fields of pull request events that Pave follows.
 *
 * See https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries
 */

/** Pave refuses larger deliveries; pull request and review events are far smaller. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const EVENT = /^[a-z][a-z0-9_]{0,63}$/;
// GitHub sends a GUID; accept any short token of the same alphabet.
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

/** The `X-Hub-Signature-256` header GitHub sends for `body`: "sha256=" and the hex HMAC. */
export function signGitHubPayload(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Whether `signatureHeader` is GitHub's signature of exactly these bytes. Compared in
 * constant time; a missing, malformed or SHA-1 (`sha1=`) header, or an empty secret, is
 * false. Give the body as received: re-serialised JSON would not match.
 */
export function verifyGitHubSignature(rawBody: string | Buffer, signatureHeader: string | null, secret: string): boolean {
  if (!secret || !signatureHeader) return false;
  const match = SIGNATURE.exec(signatureHeader.trim());
  if (!match?.[1]) return false;
  const received = Buffer.from(match[1], "hex");
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}

export type GitHubWebhookResult =
  | { ok: true; event: string; deliveryId: string; payload: unknown }
  | { ok: false; status: 401 | 400; message: string };

/**
 * Checks one delivery: its size, its signature (401 when wrong), GitHub's event and
 * delivery headers, and a JSON object body (400 otherwise). Messages are safe to return
 * to the sender; they never echo the body or the signature.
 */
export function parseGitHubWebhook(headers: Headers, rawBody: string, secret: string): GitHubWebhookResult {
  // The route refuses larger bodies before reading them (413); this stays for other callers.
  if (Buffer.byteLength(rawBody, "utf8") > MAX_WEBHOOK_BYTES) {
    return { ok: false, status: 400, message: `The payload is larger than ${MAX_WEBHOOK_BYTES} bytes.` };
  }
  // The signature first: an unsigned request learns nothing about what else we expect.
  if (!verifyGitHubSignature(rawBody, headers.get("x-hub-signature-256"), secret)) {
    return { ok: false, status: 401, message: "The X-Hub-Signature-256 signature is missing or does not match the webhook secret." };
  }
  const event = headers.get("x-github-event")?.trim() ?? "";
  if (!EVENT.test(event)) return { ok: false, status: 400, message: "The X-GitHub-Event header is missing or invalid." };
  const deliveryId = headers.get("x-github-delivery")?.trim() ?? "";
  if (!DELIVERY_ID.test(deliveryId)) return { ok: false, status: 400, message: "The X-GitHub-Delivery header is missing or invalid." };
  if (rawBody.startsWith("payload=")) {
    return { ok: false, status: 400, message: "The webhook sends form data; set its content type to application/json on GitHub." };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, message: "The payload is not valid JSON." };
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    return { ok: false, status: 400, message: "The payload is not a JSON object." };
  }
  return { ok: true, event, deliveryId, payload };
}

// ---------------------------------------------------------------------------------------
// Pull request events

const repositorySchema = z.object({
  name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) }),
});

const pullRequestPayloadSchema = z.object({
  action: z.string().min(1),
  pull_request: z.object({ number: z.number().int().positive(), merged: z.boolean().nullish() }),
  repository: repositorySchema,
});

const pullRequestReviewPayloadSchema = z.object({
  action: z.string().min(1),
  review: z.object({ state: z.string() }),
  pull_request: z.object({ number: z.number().int().positive() }),
  repository: repositorySchema,
});

export interface PullRequestEventSummary {
  owner: string;
  repo: string;
  number: number;
  action: string;
  /** pull_request events: whether the pull request is merged (true on "closed" after a merge). */
  merged?: boolean;
  /**
   * pull_request_review events: this review's decision, only when it approves or asks for
   * changes. One review is not the pull request's decision (another reviewer may still
   * ask for changes); read GitWriter.getPullRequest for that.
   */
  reviewState?: "approved" | "changes_requested";
}

/**
 * The fields Pave needs from a `pull_request` or `pull_request_review` payload, or null
 * for other events and for payloads without them.
 */
export function pullRequestEventSummary(event: string, payload: unknown): PullRequestEventSummary | null {
  if (event === "pull_request") {
    const parsed = pullRequestPayloadSchema.safeParse(payload);
    if (!parsed.success) return null;
    const { action, pull_request: pull, repository } = parsed.data;
    return { owner: repository.owner.login, repo: repository.name, number: pull.number, action, merged: pull.merged === true };
  }
  if (event === "pull_request_review") {
    const parsed = pullRequestReviewPayloadSchema.safeParse(payload);
    if (!parsed.success) return null;
    const { action, review, pull_request: pull, repository } = parsed.data;
    const state = review.state.toLowerCase();
    return {
      owner: repository.owner.login,
      repo: repository.name,
      number: pull.number,
      action,
      ...(state === "approved" || state === "changes_requested" ? { reviewState: state } : {}),
    };
  }
  return null;
}
