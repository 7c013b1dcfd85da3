import { z } from "zod";
import { CatalogRefError, entityRefKey, parseEntityRef } from "@/lib/catalog/refs";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { DEFAULT_PROFILE, isProfileId, PROFILE_IDS } from "@/lib/dora/benchmarks";
import { resolveService } from "@/lib/dora/ingest";
import { getDoraReport, type Scope } from "@/lib/dora/metrics";
import { hasCatalogGroup } from "@/lib/dora/queries";

export const dynamic = "force-dynamic";

const DAY_MS = 86_400_000;
const MAX_DAYS = 3 * 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD parameter as midnight UTC; a date that does not exist (2026-02-30) is refused. */
const daySchema = z.string().transform((value, ctx) => {
  const date = new Date(`${value}T00:00:00Z`);
  if (DATE.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value) return date;
  ctx.addIssue({ code: "custom", message: "expected a date as YYYY-MM-DD." });
  return z.NEVER;
});

// An empty parameter counts as absent, as a form left blank sends it.
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || undefined);

const doraQuerySchema = z
  .object({
    profile: optionalText.transform((value, ctx) => {
      const profile = value ?? DEFAULT_PROFILE;
      if (isProfileId(profile)) return profile;
      ctx.addIssue({ code: "custom", message: `Unknown profile "${profile}"; expected one of ${PROFILE_IDS.join(", ")}.` });
      return z.NEVER;
    }),
    from: daySchema.optional(),
    to: daySchema.optional(),
    service: optionalText,
    team: optionalText.transform((team, ctx) => {
      if (!team) return undefined;
      try {
        return { name: team, owner: entityRefKey(parseEntityRef(team, { defaultKind: "group" })) };
      } catch (err) {
        if (!(err instanceof CatalogRefError)) throw err;
        ctx.addIssue({ code: "custom", message: err.message });
        return z.NEVER;
      }
    }),
  })
  .transform(({ profile, from, to, service, team }, ctx) => {
    if (service && team) ctx.addIssue({ code: "custom", message: "Give either service or team, not both." });
    // `to` is inclusive here (a person's "until"); the report's end is exclusive.
    const end = new Date((to ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS)).getTime() + DAY_MS);
    const start = from ?? new Date(end.getTime() - 90 * DAY_MS);
    if (start >= end) ctx.addIssue({ code: "custom", message: "from must not be after to." });
    else if (end.getTime() - start.getTime() > MAX_DAYS * DAY_MS) ctx.addIssue({ code: "custom", message: `The range may cover at most ${MAX_DAYS} days.` });
    return { profile, window: { from: start, to: end }, service, team };
  });

/** The scope a request names; a service or team the catalog doesn't have is 404. */
async function scopeOf(query: z.output<typeof doraQuerySchema>): Promise<Scope> {
  if (query.service) {
    const entityKey = await resolveService(query.service);
    if (!entityKey) throw new AppError("NOT_FOUND", `No catalog entity named "${query.service}".`);
    return { kind: "service", entityKey };
  }
  if (query.team) {
    if (!(await hasCatalogGroup(query.team.owner))) throw new AppError("NOT_FOUND", `No catalog group named "${query.team.name}".`);
    return { kind: "team", owner: query.team.owner };
  }
  return { kind: "organisation" };
}

// DORA metrics as JSON for a service, a team or the organisation. A signed-in session or
// an ingest token may read them.
export const GET = defineRoute({
  name: "dora.report",
  auth: "session-or-token",
  query: doraQuerySchema,
  async handle({ query }) {
    return Response.json(await getDoraReport(await scopeOf(query), query.window, query.profile));
  },
});
