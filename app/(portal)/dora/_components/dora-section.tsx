import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { getCurrentUser } from "@/lib/auth/session";
import { getDoraReport, getRecentTeamComparison, type Scope } from "@/lib/dora/metrics";
import { isFlagEnabled } from "@/lib/flags/evaluate";
import { DoraDashboard, type TeamService } from "./dora-dashboard";
import { parseDoraFilters, reportQueryKey, resolveDays, toDateRange, toIsoDay, type DashboardScope } from "./filters";

type SearchParams = Record<string, string | string[] | undefined>;

function metricsScope(scope: DashboardScope): Scope {
  if (scope.kind === "team") return { kind: "team", owner: scope.owner };
  if (scope.kind === "service") return { kind: "service", entityKey: scope.entityKey };
  return { kind: "organisation" };
}

/**
 * A DORA dashboard with its report fetched on the server and handed to TanStack Query,
 * so the first paint has figures and the client only fetches when the filters change.
 * Callers have already checked who is asking.
 */
export async function DoraSection({
  scope,
  searchParams,
  embedded,
  services,
}: {
  scope: DashboardScope;
  searchParams: SearchParams;
  embedded?: boolean;
  services?: TeamService[];
}) {
  const today = toIsoDay(new Date());
  const filters = parseDoraFilters(searchParams, today);
  const days = resolveDays(filters, today);
  const range = toDateRange(days);
  const queryClient = new QueryClient();
  const [, teams, showBenchmark] = await Promise.all([
    queryClient.prefetchQuery({
      queryKey: reportQueryKey(scope, days, filters.profile),
      queryFn: () => getDoraReport(metricsScope(scope), range, filters.profile),
    }),
    scope.kind === "organisation" ? getRecentTeamComparison(range, filters.profile) : Promise.resolve(undefined),
    getCurrentUser().then((user) => isFlagEnabled("pave.dora-benchmark-switcher", user)),
  ]);

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DoraDashboard scope={scope} today={today} embedded={embedded} teams={teams} services={services} showBenchmark={showBenchmark} />
    </HydrationBoundary>
  );
}
