"use client";

import { Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, ChartFrame, TOOLTIP_STYLE, AXIS_STYLE } from "@/components/charts/chart-frame";

export type TrendPoint = { label: string; value: number | null };

/** A shaded horizontal band behind the series, e.g. a benchmark tier. `to: null` runs to the top. */
export type TrendBand = { from: number; to: number | null; label: string; color: string };

/** One metric over time (weekly), as bars or a line, with optional shaded bands behind it. */
export function TrendChart({
  title,
  data,
  variant = "line",
  bands = [],
  valueName,
  formatValue,
  formatTick = formatValue,
  summary,
  height = 220,
}: {
  title: string;
  data: TrendPoint[];
  variant?: "line" | "bar";
  bands?: TrendBand[];
  /** Column header of the values in the table view, e.g. "Deployments". */
  valueName: string;
  /** Tooltip and table format. */
  formatValue: (value: number) => string;
  /** Axis tick format; defaults to formatValue. */
  formatTick?: (value: number) => string;
  summary: string;
  height?: number;
}) {
  const values = data.map((d) => d.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const dataMax = values.length ? Math.max(...values) : 0;
  // Show the data with some headroom; if it is flat at zero, show at least the first band.
  const firstBoundary = bands.map((b) => [b.from, b.to]).flat().find((v): v is number => typeof v === "number" && v > 0);
  const top = dataMax > 0 ? dataMax * 1.15 : (firstBoundary ?? 1) * 1.5;
  const visibleBands = bands.filter((b) => b.from < top).map((b) => ({ ...b, to: b.to === null ? top : Math.min(b.to, top) }));
  const children = (
    <>
      <CartesianGrid stroke={CHART_COLORS.grid} strokeDasharray="3 3" vertical={false} />
      {visibleBands.map((b) => (
        <ReferenceArea key={b.label} y1={b.from} y2={b.to} fill={b.color} fillOpacity={0.12} stroke="none" ifOverflow="hidden" />
      ))}
      <XAxis dataKey="label" {...AXIS_STYLE} minTickGap={16} />
      <YAxis {...AXIS_STYLE} width={64} domain={[0, top]} allowDataOverflow tickFormatter={(v: number) => formatTick(v)} />
      <Tooltip {...TOOLTIP_STYLE} formatter={(v) => (typeof v === "number" ? formatValue(v) : "no data")} />
    </>
  );

  return (
    <ChartFrame
      title={title}
      summary={summary}
      height={height}
      columns={[{ header: "Week" }, { header: valueName, numeric: true }]}
      rows={data.map((d) => [d.label, d.value === null ? "no data" : formatValue(d.value)])}
      legend={
        visibleBands.length ? (
          <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground" aria-label="Shaded bands">
            {bands.map((b) => (
              <li key={b.label} className="inline-flex items-center gap-1.5">
                <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: b.color, opacity: 0.5 }} />
                {b.label}
              </li>
            ))}
          </ul>
        ) : null
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        {variant === "bar" ? (
          <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            {children}
            <Bar dataKey="value" name={valueName} fill={CHART_COLORS.series} radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        ) : (
          <LineChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            {children}
            <Line dataKey="value" name={valueName} stroke={CHART_COLORS.series} strokeWidth={2} dot={{ r: 2.5, fill: CHART_COLORS.series }} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ResponsiveContainer>
    </ChartFrame>
  );
}
