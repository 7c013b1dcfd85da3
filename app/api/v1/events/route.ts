import { z } from "zod";
import { defineRoute } from "@/lib/http/route";
import { log } from "@/lib/log";
import { ingestEvents, MAX_EVENTS_PER_BATCH } from "@/lib/dora/ingest";
import type { RateLimit } from "@/lib/rate-limit";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 5 * 1024 * 1024;
// Per token: a sustained 10 requests a second (10,000 events), bursts of 20, shared by every replica.
const PER_TOKEN: RateLimit = { perSecond: 10, burst: 20 };

// Each event is checked by ingestEvents, which reports the bad ones instead of refusing the batch.
const eventsBodySchema = z.object(
  {
    events: z
      .array(z.unknown(), { error: "Expected a list of events." })
      .max(MAX_EVENTS_PER_BATCH, { error: (issue) => `At most ${MAX_EVENTS_PER_BATCH} events per request; this one has ${(issue.input as unknown[]).length}.` }),
  },
  { error: 'Expected a JSON object {"events": [...]}.' },
);

// Delivery events from CI and incident tools. The bearer ingest token is the check.
export const POST = defineRoute({
  name: "dora.ingest",
  auth: "ingest-token",
  rateLimit: { key: ({ token }) => `ingest:${token.id}`, limit: PER_TOKEN, message: `Too many requests for this token; at most ${PER_TOKEN.perSecond} a second.` },
  body: { limit: MAX_BODY_BYTES, schema: eventsBodySchema },
  async handle({ token, body }) {
    const result = await ingestEvents(body.events, "api");
    log.info({ token: token.name, accepted: result.accepted, rejected: result.rejected.length }, "dora events ingested");
    return Response.json(result);
  },
});
