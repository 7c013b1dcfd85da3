import { unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { CatalogRefError, entityRefKey, parseEntityRef } from "@/lib/catalog/refs";
import { GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";
import { DEFAULT_PROFILE, isProfileId, PROFILE_IDS } from "@/lib/dora/benchmarks";
import { resolveService } from "@/lib/dora/ingest";
import { getDoraReport, type Scope } from "@/lib/dora/metrics";
import { hasCatalogGroup } from "@/lib/dora/queries";
import { authenticateIngestToken } from "@/lib/dora/tokens";
import { failedAuth, tooManyFailedAttempts } from "@/lib/rate-limit";

export const dynamic = "force-dynamic";

const DAY_MS = 86_400_000;
const MAX_DAYS = 3 * 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const error = (status: number, message: string) => Response.json({ error: message }, { status });

/** A YYYY-MM-DD parameter as midnight UTC, or null when it is not a real date. */
function parseDay(value: string): Date | null {
  if (!DATE.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
}

/** The scope a request names, or a response explaining why it cannot be read. */
async function scopeOf(params: URLSearchParams): Promise<Scope | Response> {
  const service = params.get("service")?.trim();
  const team = params.get("team")?.trim();
  if (service && team) return error(400, "Give either service or team, not both.");
  if (service) {
    const entityKey = await resolveService(service);
    return entityKey ? { kind: "service", entityKey } : error(404, `No catalog entity named "${service}".`);
  }
  if (team) {
    let owner: string;
    try {
      owner = entityRefKey(parseEntityRef(team, { defaultKind: "group" }));
    } catch (err) {
      if (err instanceof CatalogRefError) return error(400, `team: ${err.message}`);
      throw err;
    }
    return (await hasCatalogGroup(owner)) ? { kind: "team", owner } : error(404, `No catalog group named "${team}".`);
  }
  return { kind: "organisation" };
}

// DORA metrics as JSON for a service, a team or the organisation. A signed-in session or
// an ingest token may read them.
export async function GET(request: NextRequest) {
  try {
    const authorization = request.headers.get("authorization");
    if (authorization) {
      const blocked = await failedAuth.blocked(request.headers);
      if (blocked) return tooManyFailedAttempts(blocked);
    }
    const allowed = authorization ? await authenticateIngestToken(authorization) : await getCurrentUser();
    if (!allowed) {
      const wait = authorization ? await failedAuth.record(request.headers) : null;
      return wait ? tooManyFailedAttempts(wait) : error(401, "Sign in, or send an ingest token as Authorization: Bearer <token>.");
    }

    const params = request.nextUrl.searchParams;
    const profile = params.get("profile")?.trim() || DEFAULT_PROFILE;
    if (!isProfileId(profile)) return error(400, `Unknown profile "${profile}"; expected one of ${PROFILE_IDS.join(", ")}.`);

    // `to` is inclusive here (a person's "until"); the report's end is exclusive.
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    const toParam = params.get("to");
    const fromParam = params.get("from");
    const toDay = toParam ? parseDay(toParam) : today;
    if (!toDay) return error(400, "to: expected a date as YYYY-MM-DD.");
    const end = new Date(toDay.getTime() + DAY_MS);
    const start = fromParam ? parseDay(fromParam) : new Date(end.getTime() - 90 * DAY_MS);
    if (!start) return error(400, "from: expected a date as YYYY-MM-DD.");
    if (start >= end) return error(400, "from must not be after to.");
    if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) return error(400, `The range may cover at most ${MAX_DAYS} days.`);

    const scope = await scopeOf(params);
    if (scope instanceof Response) return scope;
    return Response.json(await getDoraReport(scope, { from: start, to: end }, profile));
  } catch (err) {
    unstable_rethrow(err);
    log.error({ err }, "dora report failed");
    return error(500, GENERIC_ERROR_MESSAGE);
  }
}
