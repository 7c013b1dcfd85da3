import type { Metadata } from "next";
import Link from "next/link";
import { AlertTriangle, ListChecks, Plus } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/relative-time";
import { LevelBadge } from "@/components/scorecards/level-badge";
import { LevelDistributionBar } from "@/components/scorecards/level-distribution-bar";
import { requireUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { listScorecards, type ScorecardListItem } from "@/lib/scorecards/queries";
import { EvaluateButton } from "../_components/evaluate-button";
import { scorecardHref } from "../_components/filters";

export const metadata: Metadata = { title: "Scorecards" };

export default async function ScorecardsPage() {
  const user = await requireUser();
  const scorecards = await listScorecards();
  const now = new Date();

  return (
    <>
      <PageHeader title="Scorecards" description="How services measure up to the platform's standards, and what to fix next.">
        <div className="flex flex-wrap items-center gap-2">
          {hasRole(user.role, "platform") ? <EvaluateButton /> : null}
          {hasRole(user.role, "admin") ? (
            <Button asChild size="sm">
              <Link href="/scorecards/new">
                <Plus aria-hidden /> New scorecard
              </Link>
            </Button>
          ) : null}
        </div>
      </PageHeader>

      {scorecards.length === 0 ? (
        <EmptyState icon={ListChecks} title="No scorecards yet">
          Scorecards are YAML files in the scorecards folder, or written here by an admin.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 lg:grid-cols-2" aria-label="Scorecards">
          {scorecards.map((s) => (
            <li key={s.id}>
              <ScorecardSummary scorecard={s} now={now} canEdit={hasRole(user.role, "admin")} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ScorecardSummary({ scorecard: s, now, canEdit }: { scorecard: ScorecardListItem; now: Date; canEdit: boolean }) {
  const levels = [...s.levels].sort((a, b) => a.rank - b.rank);
  const href = scorecardHref(s);
  return (
    <Card className="flex h-full flex-col">
      <CardHeader className="gap-2">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-base font-semibold leading-none tracking-tight">
            {href ? (
              <Link href={href} className="text-primary hover:underline">
                {s.title}
              </Link>
            ) : (
              s.title
            )}
          </h2>
          <Badge variant="outline" title={s.path ?? undefined}>
            {s.source === "file" ? "From file" : "Written in Pave"}
          </Badge>
        </div>
        {s.description ? <CardDescription>{s.description}</CardDescription> : null}
      </CardHeader>
      <CardContent className="mt-auto flex flex-col gap-3 text-sm">
        {s.error ? (
          <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-2 text-destructive">
            <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              This scorecard is not evaluated: {s.error}
              {/* Without a page to open, the edit form is the only way to its YAML. */}
              {!href && canEdit && s.source === "ui" ? (
                <>
                  {" "}
                  <Link href={`/scorecards/${encodeURIComponent(s.name)}/edit`} className="font-medium underline">
                    Fix the YAML
                  </Link>
                </>
              ) : null}
            </span>
          </div>
        ) : null}
        {s.ruleCount > 0 ? (
          <div className="flex flex-wrap items-center gap-2 text-muted-foreground">
            <span>
              {s.ruleCount} {s.ruleCount === 1 ? "rule" : "rules"} ·
            </span>
            {levels.map((l) => (
              <LevelBadge key={l.id} level={l} />
            ))}
          </div>
        ) : null}
        {s.lastRun ? <LevelDistributionBar distribution={s.distribution} label={`Levels of ${s.title}`} /> : null}
        <p className="text-xs text-muted-foreground">
          {s.lastRun ? (
            <>
              Last evaluated <RelativeTime date={s.lastRun.finishedAt ?? s.lastRun.startedAt} now={now} /> · {s.lastRun.entities.toLocaleString("en")}{" "}
              {s.lastRun.entities === 1 ? "entity" : "entities"}
              {s.lastRun.status !== "succeeded" ? ` · ${s.lastRun.status}` : ""}
            </>
          ) : (
            "Not evaluated yet"
          )}
        </p>
      </CardContent>
    </Card>
  );
}
