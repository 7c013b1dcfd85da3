import { z } from "zod";
import { cleanScorecardFilter, NO_LEVEL_ID, scorecardNameSchema } from "@/lib/scorecards/schemas";

/**
 * The overview's URL state (?owner=&system=&lifecycle=&level=&page=), shared by the
 * overview page (which ignores what it can't read) and the CSV route (which refuses it, through
 * scorecardFilterSchema as its query schema).
 */

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
// An empty parameter (a select left on "All") means no filter.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (first(v) === "" ? undefined : first(v)), schema.optional());

// Ref keys as the catalog stores them: kind:namespace/name, lowercased.
const refKeySchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(300)
  .regex(/^[a-z0-9][a-z0-9._-]*:[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/, "Expected an entity reference such as group:default/team-checkout.");
// Lifecycles are free text in the catalog; only control characters are refused.
const lifecycleSchema = z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f\u007f]+$/, "Expected a lifecycle such as production.");

/** The value of ?level= that asks for entities without a level. */
export const NO_LEVEL = NO_LEVEL_ID;
const levelSchema = z.string().max(100).regex(/^[a-z0-9][a-z0-9_-]*$/, "Expected a level id such as gold.");

export const scorecardFilterSchema = z.object({
  owner: optional(refKeySchema),
  system: optional(refKeySchema),
  lifecycle: optional(lifecycleSchema),
});

const overviewSchema = z.object({
  owner: optional(refKeySchema).catch(undefined),
  system: optional(refKeySchema).catch(undefined),
  lifecycle: optional(lifecycleSchema).catch(undefined),
  level: optional(levelSchema).catch(undefined),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(100_000)).catch(1),
});

export type ScorecardFilters = z.infer<typeof scorecardFilterSchema>;
export type OverviewState = z.infer<typeof overviewSchema>;

type Params = Record<string, string | string[] | undefined>;

/** The overview's state from its search params; anything unreadable is dropped. */
export function parseOverviewState(params: Params): OverviewState {
  return overviewSchema.parse(params);
}

function toParams(state: Partial<OverviewState>): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["owner", "system", "lifecycle", "level"] as const) {
    const value = state[key];
    if (value) params.set(key, value);
  }
  if (state.page && state.page > 1) params.set("page", String(state.page));
  return params;
}

/**
 * The overview URL for a state with some parts changed. Changing a filter or the level
 * goes back to the first page of entities.
 */
export function overviewHref(name: string, state: OverviewState, change: Partial<OverviewState> = {}): string {
  const next = { ...state, ...("page" in change ? {} : { page: 1 }), ...change };
  const query = toParams(next).toString();
  const base = `/scorecards/${encodeURIComponent(name)}`;
  return query ? `${base}?${query}` : base;
}

/**
 * The list's link to a scorecard's page, or null when there is no page worth opening: a
 * refused file is stored under its file name (e.g. "x.yaml"), which is no scorecard name and
 * has no page, and a refused scorecard that never ran has no results to show.
 */
export function scorecardHref(scorecard: { name: string; error: string | null; lastRun: object | null }): string | null {
  if (!scorecardNameSchema.safeParse(scorecard.name).success) return null;
  if (scorecard.error && !scorecard.lastRun) return null;
  return `/scorecards/${encodeURIComponent(scorecard.name)}`;
}

/** The CSV export URL with the same filters as the page (the level and page don't apply). */
export function csvHref(name: string, state: ScorecardFilters): string {
  const query = toParams(cleanScorecardFilter(state)).toString();
  const base = `/api/scorecards/${encodeURIComponent(name)}/csv`;
  return query ? `${base}?${query}` : base;
}

export { scorecardNameSchema };

/** The scorecard name from a route segment, or null when it can't be one. */
export function nameFromParam(raw: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const parsed = scorecardNameSchema.safeParse(decoded);
  return parsed.success ? parsed.data : null;
}
