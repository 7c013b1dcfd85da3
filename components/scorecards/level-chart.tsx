"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, ChartFrame, TOOLTIP_STYLE, AXIS_STYLE } from "@/components/charts/chart-frame";
import { levelFill } from "@/components/scorecards/level-badge";

export type LevelBar = { level: string; title: string; count: number };

/** How many entities reached each level, one bar per level in the level's colour. */
export function LevelChart({ title, levels, height = 220 }: { title: string; levels: LevelBar[]; height?: number }) {
  const total = levels.reduce((sum, l) => sum + l.count, 0);
  const summary = total
    ? levels.map((l) => `${l.title}: ${l.count.toLocaleString("en")}`).join(", ") + ` (${total.toLocaleString("en")} entities).`
    : "No entities have been graded yet.";
  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={height}
      columns={[{ header: "Level" }, { header: "Entities", numeric: true }, { header: "Share", numeric: true }]}
      rows={levels.map((l) => [l.title, l.count.toLocaleString("en"), total ? `${Math.round((l.count / total) * 100)}%` : "—"])}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={levels} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="title" {...AXIS_STYLE} interval={0} />
          <YAxis {...AXIS_STYLE} width={40} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} />
          <Bar dataKey="count" name="Entities" radius={[3, 3, 0, 0]} isAnimationActive={false}>
            {levels.map((l) => (
              <Cell key={l.level || "none"} fill={levelFill(l.level)} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
