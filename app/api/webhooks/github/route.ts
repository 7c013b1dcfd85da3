import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { defineRoute, errorResponse } from "@/lib/http/route";
import { log } from "@/lib/log";
import { handleGitHubWebhook } from "@/lib/self-service/webhooks";
import { MAX_WEBHOOK_BYTES, parseGitHubWebhook } from "@/lib/webhooks/github";

export const dynamic = "force-dynamic";

// GitHub's webhooks. No session: the HMAC signature (GITHUB_WEBHOOK_SECRET) is the check,
// over the exact bytes sent, so the body is read as text; an oversized one is refused
// before it is read in full.
export const POST = defineRoute({
  name: "webhooks.github",
  auth: "none",
  body: { limit: MAX_WEBHOOK_BYTES, text: true },
  async handle({ request, body }) {
    const secret = getEnv().GITHUB_WEBHOOK_SECRET;
    if (!secret) throw new AppError("UNAVAILABLE", "Webhooks are not configured (GITHUB_WEBHOOK_SECRET is unset).");
    const parsed = parseGitHubWebhook(request.headers, body, secret);
    if (!parsed.ok) {
      log.warn({ status: parsed.status, delivery: request.headers.get("x-github-delivery")?.slice(0, 100) }, "webhook refused");
      return errorResponse(parsed.status, parsed.message);
    }
    try {
      return Response.json(await handleGitHubWebhook(parsed.deliveryId, parsed.event, parsed.payload));
    } catch (err) {
      // GitHub shows this answer in the delivery's log; it says what the sender can do.
      log.error({ err, delivery: parsed.deliveryId, event: parsed.event }, "webhook handling failed");
      return errorResponse(500, "The delivery could not be processed. GitHub may redeliver it.");
    }
  },
});
