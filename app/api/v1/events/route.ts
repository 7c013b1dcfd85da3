import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { readBodyLimited } from "@/lib/http/body";
import { log } from "@/lib/log";
import { ingestEvents, MAX_EVENTS_PER_BATCH } from "@/lib/dora/ingest";
import { authenticateIngestToken } from "@/lib/dora/tokens";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 5 * 1024 * 1024;
// Per token: a sustained 10 requests a second (10,000 events), bursts of 20.
const RATE_PER_SECOND = 10;
const BURST = 20;
const buckets = new Map<string, { tokens: number; at: number }>();

/** Takes one request from the token's bucket; the seconds to wait when it is empty. */
function takeFromBucket(tokenId: string, now = Date.now()): number {
  const bucket = buckets.get(tokenId) ?? { tokens: BURST, at: now };
  bucket.tokens = Math.min(BURST, bucket.tokens + ((now - bucket.at) / 1000) * RATE_PER_SECOND);
  bucket.at = now;
  buckets.set(tokenId, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.ceil((1 - bucket.tokens) / RATE_PER_SECOND);
}

const error = (status: number, message: string, headers?: HeadersInit) => Response.json({ error: message }, { status, headers });

// Delivery events from CI and incident tools. The bearer ingest token is the check.
export async function POST(request: Request) {
  try {
    const token = await authenticateIngestToken(request.headers.get("authorization"));
    if (!token) return error(401, "Send a valid ingest token as Authorization: Bearer <token>.", { "www-authenticate": "Bearer" });

    const wait = takeFromBucket(token.id);
    if (wait > 0) return error(429, `Too many requests for this token; at most ${RATE_PER_SECOND} a second.`, { "retry-after": String(wait) });

    const raw = await readBodyLimited(request, MAX_BODY_BYTES);
    if (raw === null) return error(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, "The body is not valid JSON.");
    }
    const events = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as { events?: unknown }).events : undefined;
    if (!Array.isArray(events)) return error(400, 'Expected a JSON object {"events": [...]}.');
    if (events.length > MAX_EVENTS_PER_BATCH) return error(400, `At most ${MAX_EVENTS_PER_BATCH} events per request; this one has ${events.length}.`);

    const result = await ingestEvents(events, "api");
    log.info({ token: token.name, accepted: result.accepted, rejected: result.rejected.length }, "dora events ingested");
    return Response.json(result);
  } catch (err) {
    if (err instanceof AppError) return error(err.status, err.message);
    log.error({ err }, "dora ingest failed");
    return error(500, GENERIC_ERROR_MESSAGE);
  }
}
