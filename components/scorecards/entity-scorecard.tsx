import Link from "next/link";
import { CheckCircle2, ListChecks, XCircle } from "lucide-react";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/relative-time";
import { HowToFixLink } from "@/components/scorecards/how-to-fix-link";
import { LevelBadge } from "@/components/scorecards/level-badge";
import { ScorecardTrendChart } from "@/components/scorecards/scorecard-trend-chart";
import { formatEvaluationLabel } from "@/components/scorecards/format";
import { getEntityScorecards, type EntityScorecardView, type RuleOutcomeView } from "@/lib/scorecards/queries";

/** The Scorecard tab of an entity: each scorecard that applies, its level and every rule's outcome. */
export async function EntityScorecard({ entity }: { entity: { id: string; kind: string; type: string } }) {
  const views = await getEntityScorecards(entity.id);
  const now = new Date();
  if (!views.length) {
    return (
      <EmptyState icon={ListChecks} title="No scorecard applies">
        <p>
          No scorecard applies to this {entity.kind}
          {entity.type ? ` of type ${entity.type}` : ""}.{" "}
          <Link href="/scorecards" className="text-primary hover:underline">
            See all scorecards
          </Link>
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-6">
      {views.map((view) => (
        <ScorecardCard key={view.scorecard.id} view={view} now={now} />
      ))}
    </div>
  );
}

function ScorecardCard({ view, now }: { view: EntityScorecardView; now: Date }) {
  const headingId = `scorecard-${view.scorecard.name}`;
  const groups = groupByLevel(view);
  const levelRank = new Map(view.scorecard.levels.map((l) => [l.rank, l.title]));
  // History holds only the evaluations that changed something; the line runs on to the latest one.
  const last = view.trend[view.trend.length - 1];
  const trend =
    last && last.at < view.evaluatedAt
      ? [...view.trend, { at: view.evaluatedAt, levelRank: view.level?.rank ?? 0, passed: view.passed, total: view.total }]
      : view.trend;
  return (
    <Card>
      <section aria-labelledby={headingId}>
        <CardHeader className="gap-3">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="flex min-w-0 flex-col gap-1">
              <div className="flex flex-wrap items-center gap-2">
                <h2 id={headingId} className="text-base font-semibold leading-none tracking-tight">
                  {view.scorecard.title}
                </h2>
                <LevelBadge level={view.level} />
              </div>
              {view.scorecard.description ? <p className="text-sm text-muted-foreground">{view.scorecard.description}</p> : null}
            </div>
            <Link href={`/scorecards/${encodeURIComponent(view.scorecard.name)}`} className="text-sm text-primary hover:underline">
              All results for this scorecard
            </Link>
          </div>
          <p className="text-sm">
            <span className="font-medium tabular-nums">
              {view.passed} of {view.total}
            </span>{" "}
            rules pass
            <span className="text-muted-foreground">
              {" · "}Last evaluated <RelativeTime date={view.evaluatedAt} now={now} />
            </span>
          </p>
        </CardHeader>
        <CardContent className="grid gap-6 lg:grid-cols-[1fr_18rem]">
          <div className="flex min-w-0 flex-col gap-5">
            {groups.map((group) => (
              <div key={group.id} className="flex flex-col gap-2">
                <h3 className="flex items-center gap-2 text-sm font-semibold">
                  {group.title}
                  <span className="font-normal text-muted-foreground">
                    {group.rules.filter((r) => r.passed).length} of {group.rules.length} pass
                  </span>
                </h3>
                <ul className="divide-y rounded-md border">
                  {group.rules.map((rule) => (
                    <RuleRow key={rule.id} rule={rule} />
                  ))}
                </ul>
              </div>
            ))}
          </div>
          <div className="min-w-0">
            {trend.length >= 2 ? (
              <ScorecardTrendChart
                title="Rules passed over time"
                points={trend.map((t) => ({
                  label: formatEvaluationLabel(t.at),
                  passed: t.passed,
                  total: t.total,
                  levelTitle: levelRank.get(t.levelRank) ?? "No level",
                }))}
              />
            ) : (
              <p className="text-sm text-muted-foreground">The trend appears after the next evaluation.</p>
            )}
          </div>
        </CardContent>
      </section>
    </Card>
  );
}

function RuleRow({ rule }: { rule: RuleOutcomeView }) {
  const Icon = rule.passed ? CheckCircle2 : XCircle;
  return (
    <li className="flex gap-3 p-3 text-sm">
      <Icon className={rule.passed ? "mt-0.5 size-4 shrink-0 text-success" : "mt-0.5 size-4 shrink-0 text-destructive"} aria-hidden />
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-x-2">
          <span className="font-medium">{rule.title}</span>
          <span className={rule.passed ? "text-xs text-success" : "text-xs font-medium text-destructive"}>{rule.passed ? "Passed" : "Failed"}</span>
        </div>
        {!rule.passed ? (
          <>
            {rule.message ? <p className="text-muted-foreground">{rule.message}</p> : null}
            {rule.howToFix ? <p>{rule.howToFix}</p> : null}
            {rule.link ? <HowToFixLink href={rule.link} ruleTitle={rule.title} /> : null}
          </>
        ) : null}
      </div>
    </li>
  );
}

type RuleGroup = { id: string; title: string; rules: RuleOutcomeView[] };

/** Rules grouped by level, lowest level first; a rule naming an unknown level goes last. */
function groupByLevel(view: EntityScorecardView): RuleGroup[] {
  const groups: RuleGroup[] = [...view.scorecard.levels].sort((a, b) => a.rank - b.rank).map((l) => ({ id: l.id, title: l.title, rules: [] }));
  const byId = new Map(groups.map((g) => [g.id, g]));
  for (const rule of view.rules) {
    let group = byId.get(rule.level);
    if (!group) {
      group = { id: rule.level, title: rule.levelTitle || rule.level || "Other", rules: [] };
      byId.set(rule.level, group);
      groups.push(group);
    }
    group.rules.push(rule);
  }
  return groups.filter((g) => g.rules.length);
}
