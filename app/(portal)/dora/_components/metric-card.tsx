"use client";

import { useId, useState } from "react";
import { ArrowDownRight, ArrowRight, ArrowUpRight, Info } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { BENCHMARKS, METRICS, type MetricId, type ProfileId, type Tier } from "@/lib/dora/benchmarks";
import { describeChange, formatMetric, TIER_CLASS, TIER_LABEL } from "./format";

export type MetricValue = { value: number | null; tier: Tier | null; previous: number | null };

/** One DORA metric: value, tier under the chosen benchmark, and the change from the previous period. */
export function MetricCard({ metric, data, profile }: { metric: MetricId; data: MetricValue; profile: ProfileId }) {
  const info = METRICS[metric];
  const [open, setOpen] = useState(false);
  const id = useId();
  const change = describeChange(info.unit, data.value, data.previous, info.higherIsBetter);
  const tierRange = data.tier ? BENCHMARKS[profile].metrics[metric].find((t) => t.tier === data.tier)?.label : undefined;
  const ChangeIcon = change?.direction === "up" ? ArrowUpRight : change?.direction === "down" ? ArrowDownRight : ArrowRight;

  return (
    <Card>
      <CardHeader className="pb-3">
        <div className="flex items-start justify-between gap-2">
          <h3 className="text-sm font-medium text-muted-foreground">{info.title}</h3>
          <button
            type="button"
            aria-expanded={open}
            aria-controls={`${id}-definition`}
            onClick={() => setOpen((v) => !v)}
            className="-m-1 rounded p-1 text-muted-foreground hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            <Info className="size-4" aria-hidden />
            <span className="sr-only">{open ? `Hide the definition of ${info.title}` : `What is ${info.title}?`}</span>
          </button>
        </div>
        <p id={`${id}-definition`} hidden={!open} className="rounded-md bg-muted p-2 text-xs leading-relaxed text-muted-foreground">
          {info.definition}
        </p>
      </CardHeader>
      <CardContent className="flex flex-col gap-2">
        <div className="flex flex-wrap items-baseline gap-2">
          <p className="text-2xl font-semibold tabular-nums">{formatMetric(info.unit, data.value)}</p>
          {data.tier ? (
            <Badge className={TIER_CLASS[data.tier]} title={tierRange}>
              {TIER_LABEL[data.tier]}
            </Badge>
          ) : null}
        </div>
        {tierRange ? <p className="text-xs text-muted-foreground">{`${TIER_LABEL[data.tier!]}: ${tierRange}`}</p> : null}
        <p className="flex items-center gap-1 text-xs text-muted-foreground">
          {change ? (
            <>
              <ChangeIcon
                aria-hidden
                className={cn("size-3.5", change.verdict === "better" && "text-success", change.verdict === "worse" && "text-destructive")}
              />
              <span>
                {change.direction === "flat" ? "No change" : `${change.direction === "up" ? "Up" : "Down"} ${change.text}`} vs previous period
                {change.verdict ? (
                  <>
                    {" · "}
                    <span className={cn("font-medium", change.verdict === "better" ? "text-success" : "text-destructive")}>{change.verdict}</span>
                  </>
                ) : null}
              </span>
              <span className="sr-only">{`(previous period: ${formatMetric(info.unit, data.previous)})`}</span>
            </>
          ) : (
            "No data for the previous period"
          )}
        </p>
      </CardContent>
    </Card>
  );
}
