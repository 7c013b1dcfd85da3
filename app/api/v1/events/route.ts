import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { readBodyLimited } from "@/lib/http/body";
import { failedAuth, takeToken, tooManyFailedAttempts, type RateLimit } from "@/lib/rate-limit";
import { log } from "@/lib/log";
import { ingestEvents, MAX_EVENTS_PER_BATCH } from "@/lib/dora/ingest";
import { authenticateIngestToken } from "@/lib/dora/tokens";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 5 * 1024 * 1024;
// Per token: a sustained 10 requests a second (10,000 events), bursts of 20, shared by every replica.
const PER_TOKEN: RateLimit = { perSecond: 10, burst: 20 };

const error = (status: number, message: string, headers?: HeadersInit) => Response.json({ error: message }, { status, headers });

// Delivery events from CI and incident tools. The bearer ingest token is the check.
export async function POST(request: Request) {
  try {
    const blocked = await failedAuth.blocked(request.headers);
    if (blocked) return tooManyFailedAttempts(blocked);
    const token = await authenticateIngestToken(request.headers.get("authorization"));
    if (!token) {
      const wait = await failedAuth.record(request.headers);
      if (wait) return tooManyFailedAttempts(wait);
      return error(401, "Send a valid ingest token as Authorization: Bearer <token>.", { "www-authenticate": "Bearer" });
    }

    const taken = await takeToken(`ingest:${token.id}`, PER_TOKEN);
    if (!taken.ok) return error(429, `Too many requests for this token; at most ${PER_TOKEN.perSecond} a second.`, { "retry-after": String(taken.retryAfterSeconds) });

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
