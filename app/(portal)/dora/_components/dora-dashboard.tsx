"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, useTransition } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AlertTriangle, ArrowRight, Boxes, Loader2 } from "lucide-react";
import { Breadcrumb } from "@/components/breadcrumb";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { DistributionChart } from "@/components/charts/distribution-chart";
import { TrendChart, type TrendBand, type TrendPoint } from "@/components/charts/trend-chart";
import { formatDuration, trim } from "@/components/charts/format-duration";
import { entityHref, splitRefKey } from "@/lib/catalog/paths";
import { BENCHMARKS, METRIC_IDS, METRICS, type MetricId, type ProfileId } from "@/lib/dora/benchmarks";
import { DAY, HOUR } from "@/lib/dora/buckets";
import type { DoraReport } from "@/lib/dora/metrics";
import { DashboardSkeleton } from "./dashboard-skeleton";
import { FilterBar } from "./filter-bar";
import {
  filtersToParams,
  hrefWithFilters,
  parseDoraFilters,
  reportQueryKey,
  resolveDays,
  scopeParams,
  toApiRange,
  type DashboardScope,
  type DoraFilters,
} from "./filters";
import { TIER_FILL, TIER_LABEL } from "./format";
import { MetricCard } from "./metric-card";
import { NoDeployments } from "./no-deployments";
import { TeamTable, type TeamRow } from "./team-table";

export type TeamService = { key: string; name: string; namespace: string; title: string };

async function fetchReport(scope: DashboardScope, days: { from: string; to: string }, profile: string, signal: AbortSignal): Promise<DoraReport> {
  const params = new URLSearchParams({ ...scopeParams(scope), ...toApiRange(days), profile });
  const response = await fetch(`/api/v1/dora?${params}`, { signal, cache: "no-store" });
  if (!response.ok) throw new Error("The metrics could not be loaded.");
  return response.json();
}

// One formatter each: toLocaleDateString with options builds a new one on every call, which
// showed as 7 % of a DORA team page's server CPU time in a profile.
const dayFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const weekFormat = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: "UTC" });
const formatDay = (iso: string) => dayFormat.format(new Date(`${iso}T00:00:00Z`));
const formatWeek = (iso: string) => weekFormat.format(new Date(`${iso}T00:00:00Z`));

/** The team page of an owner ref key, when it is a group in the default namespace. */
function teamHref(owner: string): string | null {
  if (!owner.startsWith("group:default/")) return null;
  return `/dora/teams/${encodeURIComponent(splitRefKey(owner).name)}`;
}

/**
 * The DORA dashboard of one level (organisation, team or service). Filters live in the
 * URL; a change updates local state at once (so the report query refetches from the API
 * while the previous figures stay on screen) and replaces the URL in a transition, which
 * also refreshes the server-rendered parts such as the team comparison.
 */
export function DoraDashboard({
  scope,
  today,
  embedded = false,
  teams,
  services,
  showBenchmark = true,
}: {
  scope: DashboardScope;
  /** Today's UTC date from the server, so both sides resolve "last 90 days" alike. */
  today: string;
  /** Inside the catalog entity page: no page title or breadcrumb of its own. */
  embedded?: boolean;
  teams?: TeamRow[];
  services?: TeamService[];
  /** Whether the benchmark picker is offered (the pave.dora-benchmark-switcher flag). */
  showBenchmark?: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlFilters = parseDoraFilters(searchParams, today);
  const urlKey = filtersToParams(urlFilters).toString();

  // Follow the URL (back/forward) but apply our own changes before the navigation lands.
  const [filters, setFilters] = useState<DoraFilters>(urlFilters);
  const [seenUrlKey, setSeenUrlKey] = useState(urlKey);
  if (urlKey !== seenUrlKey) {
    setSeenUrlKey(urlKey);
    setFilters(urlFilters);
  }
  const [navigating, startTransition] = useTransition();

  const days = resolveDays(filters, today);
  const profile = filters.profile as ProfileId;
  const query = useQuery({
    queryKey: reportQueryKey(scope, days, profile),
    queryFn: ({ signal }) => fetchReport(scope, days, profile, signal),
    placeholderData: keepPreviousData,
  });
  const report = query.data;
  const updating = query.isPlaceholderData || (navigating && scope.kind === "organisation");

  function update(next: DoraFilters) {
    setFilters(next);
    const params = filtersToParams(next, new URLSearchParams(searchParams.toString()));
    const href = params.size ? `${pathname}?${params}` : pathname;
    startTransition(() => router.replace(href, { scroll: false }));
  }

  const scopeLabel = scope.kind === "organisation" ? "the organisation" : scope.title;
  const period = `between ${formatDay(days.from)} and ${formatDay(days.to)}`;
  const noDeployments = report ? report.weekly.every((w) => w.deployments === 0) && !report.metrics.deploymentFrequency.value : false;

  return (
    <div className="flex flex-col gap-6">
      {embedded ? null : <Header scope={scope} filters={filters} />}

      <div className="flex flex-wrap items-end justify-between gap-3">
        <FilterBar key={urlKey} filters={filters} days={days} today={today} onChange={update} showBenchmark={showBenchmark} />
        <div className="flex items-center gap-3 text-sm text-muted-foreground">
          <p aria-live="polite" className="flex items-center gap-1.5">
            {updating || (query.isFetching && !report) ? <Loader2 className="size-3.5 animate-spin" aria-hidden /> : null}
            {updating ? "Updating… " : null}
            {formatDay(days.from)} – {formatDay(days.to)}
          </p>
          {embedded && scope.kind === "service" && splitRefKey(scope.entityKey).namespace === "default" ? (
            <Link href={hrefWithFilters(`/dora/services/${encodeURIComponent(scope.name)}`, filters)} className="inline-flex items-center gap-1 text-primary hover:underline">
              Open in DORA <ArrowRight className="size-3.5" aria-hidden />
            </Link>
          ) : null}
        </div>
      </div>

      {!report ? (
        query.isError ? (
          <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
            <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
            The metrics could not be loaded. Try again in a moment.
          </div>
        ) : (
          <DashboardSkeleton />
        )
      ) : (
        <div className={updating ? "opacity-60 transition-opacity" : "transition-opacity"} aria-busy={updating}>
          {query.isError ? (
            <p role="alert" className="mb-4 text-sm text-destructive">
              The figures for the new period could not be loaded; these are the last ones that were.
            </p>
          ) : null}
          {noDeployments ? (
            <NoDeployments period={period} scopeLabel={scopeLabel} />
          ) : (
            <Report report={report} profile={profile} />
          )}
        </div>
      )}

      {scope.kind === "organisation" && teams && !noDeployments ? (
        <section aria-labelledby="teams-heading" className="flex flex-col gap-3">
          <h2 id="teams-heading" className="text-lg font-semibold">
            Teams
          </h2>
          {teams.length ? (
            <TeamTable rows={teams} hrefFor={(owner) => (teamHref(owner) ? hrefWithFilters(teamHref(owner)!, filters) : null)} />
          ) : (
            <p className="text-sm text-muted-foreground">No team owns a service with delivery data yet.</p>
          )}
        </section>
      ) : null}

      {scope.kind === "team" && services ? (
        <section aria-labelledby="services-heading" className="flex flex-col gap-3">
          <h2 id="services-heading" className="text-lg font-semibold">
            Services
          </h2>
          {services.length ? (
            <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
              {services.map((s) => (
                <li key={s.key}>
                  <Link
                    href={
                      s.namespace === "default"
                        ? hrefWithFilters(`/dora/services/${encodeURIComponent(s.name)}`, filters)
                        : `${entityHref({ kind: "component", namespace: s.namespace, name: s.name })}?${filtersToParams(filters, new URLSearchParams({ tab: "delivery" }))}`
                    }
                    className="flex items-center gap-2 rounded-md border px-3 py-2 text-sm hover:border-primary/60 hover:text-primary"
                  >
                    <Boxes className="size-4 shrink-0 text-muted-foreground" aria-hidden />
                    <span className="truncate">{s.title || s.name}</span>
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-muted-foreground">This team owns no components in the catalog.</p>
          )}
        </section>
      ) : null}
    </div>
  );
}

function Header({ scope, filters }: { scope: DashboardScope; filters: DoraFilters }) {
  if (scope.kind === "organisation") {
    return (
      <div>
        <Breadcrumb items={[{ label: "DORA" }, { label: "Organisation" }]} />
        <PageHeader title="DORA metrics" description="Deployment frequency, lead time for changes, change failure rate and time to restore, across the organisation." />
      </div>
    );
  }
  const org = { label: "Organisation", href: hrefWithFilters("/dora", filters) };
  if (scope.kind === "team") {
    return (
      <div>
        <Breadcrumb items={[org, { label: scope.title }]} />
        <PageHeader title={scope.title} description="Delivery performance of the team's services." />
      </div>
    );
  }
  const team = scope.owner ? { label: splitRefKey(scope.owner).name, href: teamHref(scope.owner) ? hrefWithFilters(teamHref(scope.owner)!, filters) : undefined } : null;
  return (
    <div>
      <Breadcrumb items={[org, ...(team ? [team] : []), { label: scope.title }]} />
      <PageHeader title={scope.title} description="Delivery performance of this service.">
        <Link href={`${entityHref(splitRefKey(scope.entityKey))}`} className="text-sm text-primary hover:underline">
          View in catalog
        </Link>
      </PageHeader>
    </div>
  );
}

function Report({ report, profile }: { report: DoraReport; profile: ProfileId }) {
  const distribution = trimZeros(report.leadTimeDistribution);
  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="metrics-heading" className="flex flex-col gap-3">
        <h2 id="metrics-heading" className="sr-only">
          Metrics
        </h2>
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          {METRIC_IDS.map((m) => (
            <MetricCard key={m} metric={m} data={report.metrics[m]} profile={profile} />
          ))}
        </div>
        <div className="flex flex-col gap-1 text-xs text-muted-foreground">
          {report.openIncidents > 0 ? (
            <p className="flex items-center gap-1.5">
              <AlertTriangle className="size-3.5 text-destructive" aria-hidden />
              {report.openIncidents === 1 ? "1 incident is" : `${report.openIncidents} incidents are`} still open; time to restore counts them once they are resolved.
            </p>
          ) : null}
          {!report.exact ? <p>Lead time and time to restore are medians estimated from daily histograms, so they can differ slightly from the exact values.</p> : null}
          <p>Tiers follow the {BENCHMARKS[profile].title} benchmark. Changes compare with the previous period of the same length.</p>
        </div>
      </section>

      <section aria-labelledby="trends-heading" className="flex flex-col gap-3">
        <h2 id="trends-heading" className="text-lg font-semibold">
          Weekly trends
        </h2>
        <div className="grid gap-4 lg:grid-cols-2">
          {METRIC_IDS.map((m) => (
            <Card key={m} className="min-w-0">
              <CardContent className="pt-5">
                <MetricTrend metric={m} report={report} profile={profile} />
              </CardContent>
            </Card>
          ))}
        </div>
      </section>

      <Card className="min-w-0">
        <CardHeader className="pb-2">
          <CardTitle>Lead time distribution</CardTitle>
        </CardHeader>
        <CardContent>
          <DistributionChart title="Changes by lead time (commit to production)" buckets={distribution} countName="Changes" />
        </CardContent>
      </Card>
    </div>
  );
}

/** Drops empty buckets at both ends so the histogram shows where changes actually are. */
function trimZeros(buckets: DoraReport["leadTimeDistribution"]) {
  const first = buckets.findIndex((b) => b.count > 0);
  if (first === -1) return [];
  let last = buckets.length - 1;
  while (last > first && buckets[last]!.count === 0) last--;
  return buckets.slice(first, last + 1);
}

/** The benchmark's tiers as bands in the chart's units (values × factor). */
function tierBands(profile: ProfileId, metric: MetricId, factor: number): TrendBand[] {
  const higherIsBetter = METRICS[metric].higherIsBetter;
  const bands: TrendBand[] = [];
  let edge: number | null = higherIsBetter ? null : 0;
  for (const t of BENCHMARKS[profile].metrics[metric]) {
    const label = `${TIER_LABEL[t.tier]}: ${t.label}`;
    if (higherIsBetter) {
      const low = t.bound ?? 0;
      bands.push({ from: low * factor, to: edge === null ? null : edge * factor, label, color: TIER_FILL[t.tier] });
      edge = low;
    } else {
      bands.push({ from: (edge ?? 0) * factor, to: t.bound === null ? null : t.bound * factor, label, color: TIER_FILL[t.tier] });
      edge = t.bound;
    }
  }
  return bands;
}

/** A duration axis in minutes, hours or days, whichever keeps the numbers readable. */
function durationUnit(maxSeconds: number): { seconds: number; label: string } {
  if (maxSeconds < 2 * HOUR) return { seconds: 60, label: "min" };
  if (maxSeconds < 3 * DAY) return { seconds: HOUR, label: "h" };
  return { seconds: DAY, label: "d" };
}

function MetricTrend({ metric, report, profile }: { metric: MetricId; report: DoraReport; profile: ProfileId }) {
  const info = METRICS[metric];
  const raw = report.weekly.map((w) => ({
    week: w.week,
    value:
      metric === "deploymentFrequency"
        ? w.deployments
        : metric === "leadTime"
          ? w.leadTimeSeconds
          : metric === "changeFailureRate"
            ? w.changeFailureRate
            : w.timeToRestoreSeconds,
  }));

  let factor: number;
  let formatValue: (v: number) => string;
  let formatTick: (v: number) => string;
  let valueName: string;
  if (metric === "deploymentFrequency") {
    factor = 7; // thresholds are per day, the chart counts per week
    formatValue = (v) => `${trim(v)} ${v === 1 ? "deployment" : "deployments"}`;
    formatTick = (v) => trim(v);
    valueName = "Deployments";
  } else if (metric === "changeFailureRate") {
    factor = 100;
    formatValue = (v) => `${trim(v)}%`;
    formatTick = formatValue;
    valueName = "Change failure rate";
  } else {
    const max = Math.max(0, ...raw.map((r) => r.value ?? 0));
    const unit = durationUnit(max);
    factor = 1 / unit.seconds;
    formatValue = (v) => formatDuration(v * unit.seconds);
    formatTick = (v) => `${trim(v)} ${unit.label}`;
    valueName = metric === "leadTime" ? "Median lead time" : "Median time to restore";
  }

  const data: TrendPoint[] = raw.map((r) => ({ label: formatWeek(r.week), value: r.value === null ? null : r.value * (metric === "deploymentFrequency" ? 1 : factor) }));
  const known = data.filter((d) => d.value !== null) as { label: string; value: number }[];
  const latest = known.at(-1);
  const summary = known.length
    ? `${data.length} weeks from ${formatWeek(report.weekly[0]!.week)}; latest week (${latest!.label}): ${formatValue(latest!.value)}; lowest ${formatValue(Math.min(...known.map((k) => k.value)))}, highest ${formatValue(Math.max(...known.map((k) => k.value)))}. Shaded bands mark the ${BENCHMARKS[profile].title} tiers.`
    : `No ${info.title.toLowerCase()} data in these ${data.length} weeks.`;

  return (
    <TrendChart
      title={metric === "deploymentFrequency" ? "Deployments per week" : metric === "changeFailureRate" ? `${info.title} per week` : `${info.title} per week (median)`}
      data={data}
      variant={metric === "deploymentFrequency" ? "bar" : "line"}
      bands={tierBands(profile, metric, factor)}
      valueName={valueName}
      formatValue={formatValue}
      formatTick={formatTick}
      summary={summary}
    />
  );
}
