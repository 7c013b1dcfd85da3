"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, ChartFrame, TOOLTIP_STYLE, AXIS_STYLE } from "@/components/charts/chart-frame";
import { levelFill } from "@/components/scorecards/level-badge";

/** One evaluation: its label (a date) and how many entities were at each level id ("" = no level). */
export type LevelTrendPoint = { label: string; counts: Record<string, number> };

/** Entities per level across evaluations, stacked, lowest level at the bottom. */
export function LevelTrendChart({
  title,
  levels,
  points,
  height = 220,
}: {
  title: string;
  /** Lowest rank first; include { level: "", title: "No level" } to show ungraded entities. */
  levels: { level: string; title: string }[];
  points: LevelTrendPoint[];
  height?: number;
}) {
  const key = (level: string) => `level:${level}`;
  const data = points.map((p) => ({ label: p.label, ...Object.fromEntries(levels.map((l) => [key(l.level), p.counts[l.level] ?? 0])) }));
  const last = points[points.length - 1];
  const summary = last
    ? `${points.length} evaluations; at the latest, ${levels.map((l) => `${l.title} ${last.counts[l.level] ?? 0}`).join(", ")}.`
    : "No evaluations yet.";
  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={height}
      columns={[{ header: "Evaluated" }, ...levels.map((l) => ({ header: l.title, numeric: true }))]}
      rows={points.map((p) => [p.label, ...levels.map((l) => (p.counts[l.level] ?? 0).toLocaleString("en"))])}
      legend={
        <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground" aria-label="Levels">
          {levels.map((l) => (
            <li key={l.level || "none"} className="inline-flex items-center gap-1.5">
              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: levelFill(l.level) }} />
              {l.title}
            </li>
          ))}
        </ul>
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" {...AXIS_STYLE} minTickGap={16} />
          <YAxis {...AXIS_STYLE} width={40} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} />
          {levels.map((l) => (
            <Area
              key={l.level || "none"}
              type="stepAfter"
              dataKey={key(l.level)}
              name={l.title}
              stackId="levels"
              stroke={levelFill(l.level)}
              fill={levelFill(l.level)}
              fillOpacity={0.55}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
