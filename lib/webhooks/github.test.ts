import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { describe, expect, it } from "vitest";
import { checkGitHubWebhookPayload } from "@/tests/github-stand-in";
import {
  MAX_WEBHOOK_BYTES,
  parseGitHubWebhook,
  pullRequestEventSummary,
  signGitHubPayload,
  verifyGitHubSignature,
} from "@/lib/webhooks/github";

// Real payloads from @octokit/webhooks-examples (collected from GitHub). The package has no
// merged `closed` event and no approving or change-requesting review, so those are made
// from the nearest real example by changing only the fields that differ: the merged event
// is checked against GitHub's published webhook schema below, the review state against
// the package's own types.

type Payload = Record<string, unknown> & { action?: string };
const examplesFile = createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json");
const definitions = JSON.parse(readFileSync(examplesFile, "utf8")) as Array<{ name: string; examples: Payload[] }>;

function examplesOf(event: string): Payload[] {
  const found = definitions.find((definition) => definition.name === event)?.examples ?? [];
  expect(found.length).toBeGreaterThan(0);
  return found.map((payload) => structuredClone(payload));
}

function exampleOf(event: string, matches: (payload: Payload) => boolean): Payload {
  const found = examplesOf(event).find(matches);
  if (!found) throw new Error(`@octokit/webhooks-examples has no matching ${event} example`);
  return found;
}

const reviewState = (payload: Payload) => (payload.review as { state?: string } | undefined)?.state;
const closed = exampleOf("pull_request", (p) => p.action === "closed");
const commented = exampleOf("pull_request_review", (p) => p.action === "submitted" && reviewState(p) === "commented");
const dismissed = exampleOf("pull_request_review", (p) => p.action === "dismissed");
const unrelated = exampleOf("issues", (p) => p.action === "opened");

/** The real closed event as GitHub sends it after a merge. */
const merged: Payload = (() => {
  const payload = structuredClone(closed);
  const pull = payload.pull_request as Record<string, unknown>;
  Object.assign(pull, { merged: true, merged_at: pull.closed_at, merged_by: payload.sender });
  return payload;
})();

type ReviewEvent = WebhookDefinition<"pull_request_review">["examples"][number];

function reviewed(state: "approved" | "changes_requested"): Payload {
  const payload = structuredClone(commented) as unknown as ReviewEvent;
  if (payload.action !== "submitted") throw new Error("expected a submitted review");
  payload.review.state = state;
  return payload as unknown as Payload;
}

const SECRET = "It's a Secret to Everybody";
const DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

function headersFor(event: string, body: string, overrides: Record<string, string | null> = {}): Headers {
  const headers = new Headers({
    "content-type": "application/json",
    "x-github-event": event,
    "x-github-delivery": DELIVERY,
    "x-hub-signature-256": signGitHubPayload(body, SECRET),
  });
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return headers;
}

const bodies: Array<[string, string]> = [
  ["pull_request closed and merged", JSON.stringify(merged)],
  ["pull_request_review approved", JSON.stringify(reviewed("approved"))],
  ["pull_request_review changes_requested", JSON.stringify(reviewed("changes_requested"))],
  ["issues opened", JSON.stringify(unrelated, null, 2)],
];

describe("the derived examples", () => {
  it("match GitHub's published webhook schemas", () => {
    expect(checkGitHubWebhookPayload("pull-request-closed", closed)).toBeUndefined();
    expect(checkGitHubWebhookPayload("pull-request-closed", merged)).toBeUndefined();
    // The check can fail: a payload without its sender does not match.
    expect(checkGitHubWebhookPayload("pull-request-closed", { ...merged, sender: undefined })).toMatch(/sender/);
  });
});

describe("verifyGitHubSignature", () => {
  it("matches GitHub's published test vector", () => {
    // https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(signGitHubPayload("Hello, World!", SECRET)).toBe(signature);
    expect(verifyGitHubSignature("Hello, World!", signature, SECRET)).toBe(true);
  });

  it.each(bodies)("accepts the signature of %s, given as text or bytes", (_, body) => {
    const signature = signGitHubPayload(body, SECRET);
    expect(verifyGitHubSignature(body, signature, SECRET)).toBe(true);
    expect(verifyGitHubSignature(Buffer.from(body, "utf8"), signature, SECRET)).toBe(true);
    expect(signGitHubPayload(Buffer.from(body, "utf8"), SECRET)).toBe(signature);
  });

  it.each(bodies)("refuses %s when one byte differs", (_, body) => {
    const signature = signGitHubPayload(body, SECRET);
    for (const at of [0, Math.floor(body.length / 2), body.length - 1]) {
      const bytes = Buffer.from(body, "utf8");
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      expect(verifyGitHubSignature(bytes, signature, SECRET)).toBe(false);
    }
    // Re-serialised JSON is not the body GitHub signed.
    expect(verifyGitHubSignature(JSON.stringify(JSON.parse(body), null, 1), signature, SECRET)).toBe(false);
  });

  it.each(bodies)("refuses %s signed with another secret, or without a usable header", (_, body) => {
    const signature = signGitHubPayload(body, SECRET);
    const hex = signature.slice("sha256=".length);
    expect(verifyGitHubSignature(body, signGitHubPayload(body, "another secret"), SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, signature, "another secret")).toBe(false);
    expect(verifyGitHubSignature(body, null, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, "", SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, hex, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `sha1=${createHmac("sha1", SECRET).update(body).digest("hex")}`, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `sha1=${hex}`, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `sha256=${hex.slice(2)}`, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `sha256=${hex}00`, SECRET)).toBe(false);
    expect(verifyGitHubSignature(body, `sha256=${"z".repeat(64)}`, SECRET)).toBe(false);
  });

  it("refuses everything when the secret is empty", () => {
    expect(verifyGitHubSignature("{}", signGitHubPayload("{}", ""), "")).toBe(false);
  });
});

describe("parseGitHubWebhook", () => {
  it.each(bodies)("accepts %s", (_, body) => {
    const event = (JSON.parse(body) as Payload).review ? "pull_request_review" : (JSON.parse(body) as Payload).pull_request ? "pull_request" : "issues";
    expect(parseGitHubWebhook(headersFor(event, body), body, SECRET)).toEqual({ ok: true, event, deliveryId: DELIVERY, payload: JSON.parse(body) });
  });

  it("answers 401 for a missing or wrong signature", () => {
    const body = JSON.stringify(merged);
    const unauthorized = { ok: false, status: 401, message: "The X-Hub-Signature-256 signature is missing or does not match the webhook secret." };
    expect(parseGitHubWebhook(headersFor("pull_request", body, { "x-hub-signature-256": null }), body, SECRET)).toEqual(unauthorized);
    expect(parseGitHubWebhook(headersFor("pull_request", body), body.replace('"closed"', '"opened"'), SECRET)).toEqual(unauthorized);
    expect(parseGitHubWebhook(headersFor("pull_request", body), body, "another secret")).toEqual(unauthorized);
  });

  it("answers 400 without GitHub's event and delivery headers", () => {
    const body = JSON.stringify(merged);
    const broken: Array<Record<string, string | null>> = [
      { "x-github-event": null },
      { "x-github-event": "Pull Request" },
      { "x-github-delivery": null },
      { "x-github-delivery": "a".repeat(101) },
      { "x-github-delivery": "../../etc/passwd" },
    ];
    for (const overrides of broken) {
      const result = parseGitHubWebhook(headersFor("pull_request", body, overrides), body, SECRET);
      expect(result).toMatchObject({ ok: false, status: 400 });
    }
    expect(parseGitHubWebhook(headersFor("pull_request", body, { "x-github-delivery": "a".repeat(100) }), body, SECRET).ok).toBe(true);
  });

  it("answers 400 for a signed body that is not a JSON object", () => {
    for (const body of ["{", "[1, 2]", "null", `payload=${encodeURIComponent(JSON.stringify(merged))}`]) {
      expect(parseGitHubWebhook(headersFor("pull_request", body), body, SECRET)).toMatchObject({ ok: false, status: 400 });
    }
  });

  it("refuses a body over 1 MiB, even when signed", () => {
    const body = JSON.stringify({ ...merged, padding: "x".repeat(MAX_WEBHOOK_BYTES) });
    expect(parseGitHubWebhook(headersFor("pull_request", body), body, SECRET)).toEqual({
      ok: false,
      status: 400,
      message: `The payload is larger than ${MAX_WEBHOOK_BYTES} bytes.`,
    });
  });
});

describe("pullRequestEventSummary", () => {
  it("reads a merged pull request's closed event", () => {
    expect(pullRequestEventSummary("pull_request", merged)).toEqual({ owner: "Codertocat", repo: "Hello-World", number: 2, action: "closed", merged: true });
  });

  it("reads a pull request closed without merging", () => {
    expect(pullRequestEventSummary("pull_request", closed)).toEqual({ owner: "Codertocat", repo: "Hello-World", number: 2, action: "closed", merged: false });
  });

  it("reads every real pull_request example", () => {
    for (const payload of examplesOf("pull_request")) {
      const pull = payload.pull_request as { number: number };
      expect(pullRequestEventSummary("pull_request", payload)).toMatchObject({ number: pull.number, action: payload.action });
    }
  });

  it("reads the decision of an approving or change-requesting review", () => {
    const base = { owner: "Codertocat", repo: "Hello-World", number: 2, action: "submitted" };
    expect(pullRequestEventSummary("pull_request_review", reviewed("approved"))).toEqual({ ...base, reviewState: "approved" });
    expect(pullRequestEventSummary("pull_request_review", reviewed("changes_requested"))).toEqual({ ...base, reviewState: "changes_requested" });
  });

  it("reads comment-only and dismissed reviews without a decision", () => {
    expect(pullRequestEventSummary("pull_request_review", commented)).toEqual({ owner: "Codertocat", repo: "Hello-World", number: 2, action: "submitted" });
    expect(pullRequestEventSummary("pull_request_review", dismissed)).toMatchObject({ action: "dismissed" });
    expect(pullRequestEventSummary("pull_request_review", dismissed)).not.toHaveProperty("reviewState");
  });

  it("returns null for other events and for payloads of another shape", () => {
    expect(pullRequestEventSummary("issues", unrelated)).toBeNull();
    expect(pullRequestEventSummary("push", examplesOf("push")[0])).toBeNull();
    expect(pullRequestEventSummary("pull_request", unrelated)).toBeNull();
    expect(pullRequestEventSummary("pull_request_review", merged)).toBeNull();
    expect(pullRequestEventSummary("pull_request", { ...merged, pull_request: { ...(merged.pull_request as object), number: "2" } })).toBeNull();
    expect(pullRequestEventSummary("pull_request", null)).toBeNull();
    expect(pullRequestEventSummary("pull_request", "closed")).toBeNull();
  });
});
