"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, ChartFrame, TOOLTIP_STYLE, AXIS_STYLE } from "@/components/charts/chart-frame";

/** One evaluation of an entity: when (as a label), rules passed of total, and the level reached. */
export type ScorecardTrendPoint = { label: string; passed: number; total: number; levelTitle: string };

/** Rules passed per evaluation as a step line, with the level reached in the table view. */
export function ScorecardTrendChart({ title, points, height = 160 }: { title: string; points: ScorecardTrendPoint[]; height?: number }) {
  const first = points[0];
  const last = points[points.length - 1];
  const top = Math.max(1, ...points.map((p) => p.total));
  const summary =
    first && last
      ? `${points.length} evaluations, from ${first.passed} of ${first.total} rules passing (${first.levelTitle}) to ${last.passed} of ${last.total} (${last.levelTitle}).`
      : "No evaluations yet.";
  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={height}
      columns={[{ header: "Evaluated" }, { header: "Rules passed", numeric: true }, { header: "Level" }]}
      rows={points.map((p) => [p.label, `${p.passed} of ${p.total}`, p.levelTitle])}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" {...AXIS_STYLE} minTickGap={16} />
          <YAxis {...AXIS_STYLE} width={32} domain={[0, top]} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} />
          <Line type="stepAfter" dataKey="passed" name="Rules passed" stroke={CHART_COLORS.series} strokeWidth={2} dot={{ r: 2.5, fill: CHART_COLORS.series }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
