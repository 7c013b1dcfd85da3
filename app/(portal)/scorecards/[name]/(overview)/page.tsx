import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertTriangle, Download, ListChecks, Pencil } from "lucide-react";
import { Breadcrumb } from "@/components/breadcrumb";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { PageLink } from "@/components/ui/page-link";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { RelativeTime } from "@/components/relative-time";
import { HowToFixLink } from "@/components/scorecards/how-to-fix-link";
import { LevelBadge } from "@/components/scorecards/level-badge";
import { LevelChart } from "@/components/scorecards/level-chart";
import { LevelTrendChart } from "@/components/scorecards/level-trend-chart";
import { formatEvaluationLabel } from "@/components/scorecards/format";
import { requireUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { entityHref, refLabel } from "@/lib/catalog/paths";
import { getScorecardOverview, listScorecardEntities, type LevelView, type ScorecardOverview } from "@/lib/scorecards/queries";
import { cleanScorecardFilter } from "@/lib/scorecards/schemas";
import { csvHref, NO_LEVEL, overviewHref, parseOverviewState, nameFromParam, type OverviewState } from "../../_components/filters";
import { FilterForm } from "../../_components/filter-form";

type Params = { name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `Scorecard ${nameFromParam((await params).name) ?? ""}`.trim() };
}

export default async function ScorecardOverviewPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const name = nameFromParam((await params).name);
  if (!name) notFound();
  const state = parseOverviewState(await searchParams);
  const filter = cleanScorecardFilter(state);
  const level = state.level === NO_LEVEL ? "" : state.level;
  const [overview, entities] = await Promise.all([
    getScorecardOverview(name, filter),
    listScorecardEntities(name, level === undefined ? filter : { ...filter, level }, state.page),
  ]);
  if (!overview) notFound();
  const { scorecard } = overview;
  const levels = [...scorecard.levels].sort((a, b) => a.rank - b.rank);
  const now = new Date();

  return (
    <>
      <Breadcrumb items={[{ label: "Scorecards", href: "/scorecards" }, { label: scorecard.title }]} />
      <PageHeader title={scorecard.title} description={scorecard.description || undefined}>
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="outline" size="sm">
            <a href={csvHref(name, filter)} download>
              <Download aria-hidden /> Export CSV
            </a>
          </Button>
          {hasRole(user.role, "admin") ? (
            <Button asChild variant="outline" size="sm">
              <Link href={`/scorecards/${encodeURIComponent(name)}/edit`}>
                <Pencil aria-hidden /> Edit
              </Link>
            </Button>
          ) : null}
        </div>
      </PageHeader>

      {scorecard.error ? (
        <div role="alert" className="mb-4 flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>This scorecard is not evaluated until its YAML is fixed: {scorecard.error}</span>
        </div>
      ) : null}

      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <FilterForm name={name} state={state} options={overview.options} />
        <p className="text-sm text-muted-foreground">
          {scorecard.lastRun ? (
            <>
              Last evaluated <RelativeTime date={scorecard.lastRun.finishedAt ?? scorecard.lastRun.startedAt} now={now} />
            </>
          ) : (
            "Not evaluated yet"
          )}
          {" · "}
          {overview.total.toLocaleString("en")} {overview.total === 1 ? "entity" : "entities"}
        </p>
      </div>

      <div className="flex flex-col gap-6">
        <Section id="levels" title="Levels">
          <div className="grid gap-6 lg:grid-cols-2">
            <LevelChart title="Entities per level" levels={[...overview.distribution].sort((a, b) => a.rank - b.rank)} />
            {overview.trend.length >= 2 ? (
              <LevelTrendChart
                title="Levels over time"
                levels={[{ level: "", title: "No level" }, ...levels.map((l) => ({ level: l.id, title: l.title }))]}
                points={overview.trend.map((t) => ({ label: formatEvaluationLabel(t.at), counts: t.levelCounts }))}
              />
            ) : (
              <p className="text-sm text-muted-foreground">Levels over time appear after the next evaluation.</p>
            )}
          </div>
        </Section>

        <Section id="leaderboard" title="Team leaderboard">
          <Leaderboard name={name} state={state} overview={overview} levels={levels} />
        </Section>

        <Section id="failing" title="Most failing rules">
          <FailingRules overview={overview} />
        </Section>

        <Section id="entities" title="Entities">
          <EntityList name={name} state={state} overview={overview} levels={levels} entities={entities} />
        </Section>
      </div>
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Card>
      <section aria-labelledby={`${id}-heading`}>
        <CardHeader>
          <h2 id={`${id}-heading`} className="text-base font-semibold leading-none tracking-tight">
            {title}
          </h2>
        </CardHeader>
        <CardContent>{children}</CardContent>
      </section>
    </Card>
  );
}

/** An average score (the mean share of rules passed, 0–1) as a percentage. */
function formatScore(score: number): string {
  return `${Math.round(score * 100)}%`;
}

function Leaderboard({ name, state, overview, levels }: { name: string; state: OverviewState; overview: ScorecardOverview; levels: LevelView[] }) {
  if (!overview.leaderboard.length) return <p className="text-sm text-muted-foreground">No teams own entities graded by this scorecard.</p>;
  const columns = [...levels].reverse(); // highest level first, as a leaderboard reads
  return (
    <div className="rounded-lg border">
      <Table>
        <caption className="sr-only">Teams ranked by average score</caption>
        <TableHeader>
          <TableRow>
            <TableHead scope="col" className="w-12 text-right">
              #
            </TableHead>
            <TableHead scope="col">Team</TableHead>
            <TableHead scope="col" className="text-right">
              Entities
            </TableHead>
            <TableHead scope="col" className="text-right">
              Average score
            </TableHead>
            {columns.map((l) => (
              <TableHead key={l.id} scope="col" className="text-right">
                {l.title}
              </TableHead>
            ))}
            <TableHead scope="col" className="text-right">
              No level
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {overview.leaderboard.map((row, i) => (
            <TableRow key={row.owner || "unowned"}>
              <TableCell className="text-right tabular-nums text-muted-foreground">{i + 1}</TableCell>
              <TableHead scope="row" className="h-auto py-2.5 font-medium text-foreground">
                {row.owner ? (
                  <Link href={overviewHref(name, state, { owner: row.owner })} className="text-primary hover:underline" title="Show only this team">
                    {refLabel(row.owner, "group")}
                  </Link>
                ) : (
                  "No owner"
                )}
              </TableHead>
              <TableCell className="text-right tabular-nums">{row.entities.toLocaleString("en")}</TableCell>
              <TableCell className="text-right tabular-nums">{formatScore(row.averageScore)}</TableCell>
              {columns.map((l) => (
                <TableCell key={l.id} className="text-right tabular-nums">
                  {(row.levels[l.id] ?? 0).toLocaleString("en")}
                </TableCell>
              ))}
              <TableCell className="text-right tabular-nums">{(row.levels[""] ?? 0).toLocaleString("en")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function FailingRules({ overview }: { overview: ScorecardOverview }) {
  const failing = overview.failingRules.filter((r) => r.failed > 0);
  if (!failing.length) return <p className="text-sm text-muted-foreground">Every rule passes for every entity shown.</p>;
  return (
    <div className="rounded-lg border">
      <Table>
        <caption className="sr-only">Rules with the most failing entities</caption>
        <TableHeader>
          <TableRow>
            <TableHead scope="col">Rule</TableHead>
            <TableHead scope="col">Level</TableHead>
            <TableHead scope="col" className="text-right">
              Failing
            </TableHead>
            <TableHead scope="col">How to fix</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {failing.map((rule) => (
            <TableRow key={rule.id}>
              <TableHead scope="row" className="h-auto py-2.5 font-medium text-foreground">
                {rule.title}
              </TableHead>
              <TableCell className="whitespace-nowrap">{rule.levelTitle || rule.level}</TableCell>
              <TableCell className="text-right tabular-nums">
                {rule.failed.toLocaleString("en")} of {overview.total.toLocaleString("en")}
              </TableCell>
              <TableCell className="max-w-md">
                <div className="flex flex-col gap-1">
                  {rule.howToFix ? <span className="text-muted-foreground">{rule.howToFix}</span> : null}
                  {rule.link ? <HowToFixLink href={rule.link} ruleTitle={rule.title} /> : null}
                </div>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function EntityList({
  name,
  state,
  overview,
  levels,
  entities,
}: {
  name: string;
  state: OverviewState;
  overview: ScorecardOverview;
  levels: LevelView[];
  entities: Awaited<ReturnType<typeof listScorecardEntities>>;
}) {
  const countOf = (id: string) => overview.distribution.find((d) => d.level === id)?.count ?? 0;
  const choices = [
    { value: undefined, label: "All", count: overview.total },
    ...[...levels].reverse().map((l) => ({ value: l.id as string | undefined, label: l.title, count: countOf(l.id) })),
    { value: NO_LEVEL, label: "No level", count: countOf("") },
  ];
  const pages = Math.max(1, Math.ceil(entities.total / entities.pageSize));
  const byId = new Map(levels.map((l) => [l.id, l]));

  return (
    <div className="flex flex-col gap-3">
      <nav aria-label="Filter by level" className="flex flex-wrap gap-1">
        {choices.map((c) => {
          const active = state.level === c.value;
          return (
            <Link
              key={c.label}
              href={overviewHref(name, state, { level: c.value })}
              aria-current={active ? "true" : undefined}
              scroll={false}
              className={cn(
                "rounded-md border px-2.5 py-1 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                active ? "border-primary bg-primary/10 font-medium text-primary" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
              )}
            >
              {c.label} <span className="tabular-nums">({c.count.toLocaleString("en")})</span>
            </Link>
          );
        })}
      </nav>

      {entities.rows.length === 0 ? (
        <EmptyState icon={ListChecks} title="No entities here">
          No graded entity matches these filters.
        </EmptyState>
      ) : (
        <div className="rounded-lg border">
          <Table>
            <caption className="sr-only">Entities and their levels</caption>
            <TableHeader>
              <TableRow>
                <TableHead scope="col">Entity</TableHead>
                <TableHead scope="col">Owner</TableHead>
                <TableHead scope="col">Level</TableHead>
                <TableHead scope="col" className="text-right">
                  Rules passed
                </TableHead>
                <TableHead scope="col">Failing rules</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {entities.rows.map((row) => (
                <TableRow key={row.entityKey}>
                  <TableHead scope="row" className="h-auto py-2.5 font-normal text-foreground">
                    <Link href={`${entityHref(row)}?tab=scorecard`} className="font-medium text-primary hover:underline">
                      {row.title || row.name}
                    </Link>
                  </TableHead>
                  <TableCell>{row.owner ? refLabel(row.owner, "group") : "—"}</TableCell>
                  <TableCell>
                    <LevelBadge level={row.level ? (byId.get(row.level) ?? { id: row.level, title: row.levelTitle, rank: 0 }) : null} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                    {row.passed} of {row.total}
                  </TableCell>
                  <TableCell className="max-w-md text-muted-foreground">
                    {row.failed.length ? (
                      <>
                        {row.failed.slice(0, 3).join(", ")}
                        {row.failed.length > 3 ? ` and ${row.failed.length - 3} more` : ""}
                      </>
                    ) : (
                      "None"
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      {pages > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-end gap-2 text-sm">
          <span className="text-muted-foreground">
            Page {entities.page} of {pages}
          </span>
          <PageLink href={entities.page > 1 ? overviewHref(name, state, { page: entities.page - 1 }) : null}>Previous</PageLink>
          <PageLink href={entities.page < pages ? overviewHref(name, state, { page: entities.page + 1 }) : null}>Next</PageLink>
        </nav>
      ) : null}
    </div>
  );
}
