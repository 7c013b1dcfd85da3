import { z } from "zod";
import { DEFAULT_PROFILE, isProfileId, type ProfileId } from "@/lib/dora/benchmarks";

/**
 * The dashboard's URL state (?range=30|90|180|custom&from=&to=&profile=), shared by the
 * server pages (prefetch) and the client dashboard (refetch), so both build the same query key.
 */

export const RANGES = ["30", "90", "180", "custom"] as const;
export type RangeId = (typeof RANGES)[number];

const DEFAULT_RANGE = "90" satisfies RangeId;
// A custom range may not reach further back than this, so one URL can't ask for a decade.
const MAX_DAYS = 730;
const DAY_MS = 86_400_000;

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s));

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export const doraFiltersSchema = z.object({
  range: z.preprocess(first, z.enum(RANGES)).catch(DEFAULT_RANGE),
  from: z.preprocess(first, isoDay.optional()).catch(undefined),
  to: z.preprocess(first, isoDay.optional()).catch(undefined),
  profile: z.preprocess(first, z.custom<ProfileId>((v) => typeof v === "string" && isProfileId(v))).catch(DEFAULT_PROFILE),
});

export type DoraFilters = z.infer<typeof doraFiltersSchema>;

/**
 * Filters from search params; anything unreadable falls back to the defaults. `today`
 * (YYYY-MM-DD, UTC) comes from the server so server and browser resolve the same days.
 */
export function parseDoraFilters(params: Record<string, string | string[] | undefined> | URLSearchParams, today: string): DoraFilters {
  const raw = params instanceof URLSearchParams ? Object.fromEntries(params.entries()) : params;
  const parsed = doraFiltersSchema.parse(raw);
  if (parsed.range !== "custom") return { range: parsed.range, profile: parsed.profile };
  if (!parsed.from || !parsed.to || parsed.from > parsed.to) return { range: DEFAULT_RANGE, profile: parsed.profile };
  const to = parsed.to > today ? today : parsed.to;
  const earliest = toIsoDay(new Date(Date.parse(`${to}T00:00:00Z`) - MAX_DAYS * DAY_MS));
  const from = parsed.from < earliest ? earliest : parsed.from > to ? to : parsed.from;
  return { range: "custom", from, to, profile: parsed.profile };
}

export function toIsoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first and last UTC day (inclusive, YYYY-MM-DD) that the filters cover. */
export function resolveDays(filters: DoraFilters, today: string): { from: string; to: string } {
  if (filters.range === "custom" && filters.from && filters.to) return { from: filters.from, to: filters.to };
  const days = Number(filters.range === "custom" ? DEFAULT_RANGE : filters.range);
  // "Last 30 days" includes today, so it starts 29 days back.
  const from = toIsoDay(new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS));
  return { from, to: today };
}

/** The search params for the filters; defaults are left out so plain URLs stay plain. */
export function filtersToParams(filters: DoraFilters, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const key of ["range", "from", "to", "profile"]) params.delete(key);
  if (filters.range !== DEFAULT_RANGE) params.set("range", filters.range);
  if (filters.range === "custom" && filters.from && filters.to) {
    params.set("from", filters.from);
    params.set("to", filters.to);
  }
  if (filters.profile !== DEFAULT_PROFILE) params.set("profile", filters.profile);
  return params;
}

/** `href` with the filters appended, so moving between levels keeps the period and benchmark. */
export function hrefWithFilters(href: string, filters: DoraFilters): string {
  const query = filtersToParams(filters).toString();
  return query ? `${href}?${query}` : href;
}

/** What the dashboard shows: one of the three levels. Plain data, so it can cross to the client. */
export type DashboardScope =
  | { kind: "organisation" }
  | { kind: "team"; team: string; owner: string; title: string }
  | { kind: "service"; name: string; entityKey: string; title: string; owner: string };

/** The `service=` / `team=` part of the API query for a scope. */
export function scopeParams(scope: DashboardScope): Record<string, string> {
  if (scope.kind === "team") return { team: scope.team };
  if (scope.kind === "service") return { service: scope.entityKey };
  return {};
}

/** The TanStack Query key of a report; the server prefetch and the client must agree on it. */
export function reportQueryKey(scope: DashboardScope, days: { from: string; to: string }, profile: string) {
  const target = scope.kind === "team" ? scope.owner : scope.kind === "service" ? scope.entityKey : "organisation";
  return ["dora-report", scope.kind, target, days.from, days.to, profile] as const;
}

/** The report window for lib/dora/metrics: whole UTC days, `to` exclusive (the day after the last). */
export function toDateRange(days: { from: string; to: string }): { from: Date; to: Date } {
  return { from: new Date(`${days.from}T00:00:00Z`), to: new Date(Date.parse(`${days.to}T00:00:00Z`) + DAY_MS) };
}

/** The `from`/`to` query parameters of /api/v1/dora for inclusive days. */
export function toApiRange(days: { from: string; to: string }): { from: string; to: string } {
  return { from: days.from, to: days.to };
}
