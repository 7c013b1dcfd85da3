import { getEnv } from "@/lib/env";
import { readBodyLimited } from "@/lib/http/body";
import { log } from "@/lib/log";
import { handleGitHubWebhook } from "@/lib/self-service/webhooks";
import { MAX_WEBHOOK_BYTES, parseGitHubWebhook } from "@/lib/webhooks/github";

export const dynamic = "force-dynamic";

// GitHub's webhooks. No session: the HMAC signature (GITHUB_WEBHOOK_SECRET) is the check.
export async function POST(request: Request) {
  const secret = getEnv().GITHUB_WEBHOOK_SECRET;
  if (!secret) return Response.json({ error: "Webhooks are not configured (GITHUB_WEBHOOK_SECRET is unset)." }, { status: 503 });
  // Size first, then the signature: an unsigned 50 MB body is refused without being read.
  const raw = await readBodyLimited(request, MAX_WEBHOOK_BYTES);
  if (raw === null) return Response.json({ error: `The payload is larger than ${MAX_WEBHOOK_BYTES} bytes.` }, { status: 413 });
  const parsed = parseGitHubWebhook(request.headers, raw, secret);
  if (!parsed.ok) {
    log.warn({ status: parsed.status, delivery: request.headers.get("x-github-delivery")?.slice(0, 100) }, "webhook refused");
    return Response.json({ error: parsed.message }, { status: parsed.status });
  }
  try {
    const result = await handleGitHubWebhook(parsed.deliveryId, parsed.event, parsed.payload);
    return Response.json(result);
  } catch (error) {
    log.error({ err: error, delivery: parsed.deliveryId, event: parsed.event }, "webhook handling failed");
    return Response.json({ error: "The delivery could not be processed. GitHub may redeliver it." }, { status: 500 });
  }
}
