"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, ChartFrame, TOOLTIP_STYLE, AXIS_STYLE } from "@/components/charts/chart-frame";
import { formatBucket } from "@/components/charts/format-duration";

export type DurationBucket = { fromSeconds: number; toSeconds: number | null; count: number };

/** How many items fell in each duration bucket, labelled "1–2 h", "2–7 days", "≥ 30 days". */
export function DistributionChart({
  title,
  buckets,
  countName = "Changes",
  height = 240,
}: {
  title: string;
  buckets: DurationBucket[];
  /** What is counted, for the table header and the summary. */
  countName?: string;
  height?: number;
}) {
  const data = buckets.map((b) => ({ label: formatBucket(b.fromSeconds, b.toSeconds), count: b.count }));
  const total = data.reduce((sum, d) => sum + d.count, 0);
  const peak = data.reduce<(typeof data)[number] | null>((best, d) => (!best || d.count > best.count ? d : best), null);
  const summary = total
    ? `${total.toLocaleString("en")} ${countName.toLowerCase()} in ${data.length} buckets; the most common is ${peak!.label} with ${peak!.count.toLocaleString("en")}.`
    : `No ${countName.toLowerCase()} in this period.`;

  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={height}
      columns={[{ header: "Lead time" }, { header: countName, numeric: true }, { header: "Share", numeric: true }]}
      rows={data.map((d) => [d.label, d.count.toLocaleString("en"), total ? `${Math.round((d.count / total) * 100)}%` : "—"])}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" {...AXIS_STYLE} interval={0} angle={data.length > 8 ? -30 : 0} textAnchor={data.length > 8 ? "end" : "middle"} height={data.length > 8 ? 52 : 30} />
          <YAxis {...AXIS_STYLE} width={48} allowDecimals={false} />
          <Tooltip {...TOOLTIP_STYLE} />
          <Bar dataKey="count" name={countName} fill={CHART_COLORS.series} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
