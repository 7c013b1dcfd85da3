"use client";

import { useId, useState } from "react";
import { BarChart3, Table as TableIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

/** Colours from the design tokens, so charts follow light and dark mode. */
export const CHART_COLORS = {
  series: "var(--primary)",
  grid: "var(--border)",
  axis: "var(--muted-foreground)",
} as const;

/** Axis props shared by every chart: muted ticks, no tick lines. */
export const AXIS_STYLE = { stroke: CHART_COLORS.grid, tick: { fill: CHART_COLORS.axis, fontSize: 11 }, tickLine: false } as const;

export const TOOLTIP_STYLE = {
  contentStyle: { background: "var(--popover)", border: "1px solid var(--border)", borderRadius: 6, color: "var(--popover-foreground)", fontSize: 12 },
  labelStyle: { color: "var(--popover-foreground)", fontWeight: 600 },
  itemStyle: { color: "var(--popover-foreground)" },
  cursor: { fill: "var(--muted)", opacity: 0.6 },
} as const;

export type TableColumn = { header: string; numeric?: boolean };

/**
 * A chart with its text alternative: the drawing is one image with a summary for screen
 * readers, and a toggle swaps it for a table of the same values.
 */
export function ChartFrame({
  title,
  summary,
  columns,
  rows,
  height,
  legend,
  children,
}: {
  title: string;
  summary: string;
  columns: TableColumn[];
  rows: string[][];
  height: number;
  legend?: React.ReactNode;
  children: React.ReactNode;
}) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  return (
    <figure className="flex min-w-0 flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <figcaption id={`${id}-title`} className="text-sm font-medium">
          {title}
        </figcaption>
        <Button type="button" variant="ghost" size="sm" aria-pressed={asTable} aria-controls={`${id}-body`} onClick={() => setAsTable((v) => !v)}>
          {asTable ? <BarChart3 aria-hidden /> : <TableIcon aria-hidden />}
          {asTable ? "Show as chart" : "Show as table"}
        </Button>
      </div>
      <div id={`${id}-body`}>
        {asTable ? (
          <div className="max-h-80 overflow-y-auto rounded-md border" style={{ minHeight: Math.min(height, 120) }}>
            <Table>
              <caption className="sr-only">{title}</caption>
              <TableHeader>
                <TableRow>
                  {columns.map((c) => (
                    <TableHead key={c.header} scope="col" className={c.numeric ? "text-right" : undefined}>
                      {c.header}
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((row, r) => (
                  <TableRow key={r}>
                    {row.map((cell, c) =>
                      c === 0 ? (
                        <TableHead key={c} scope="row" className="h-auto py-2 font-normal text-foreground">
                          {cell}
                        </TableHead>
                      ) : (
                        <TableCell key={c} className={columns[c]?.numeric ? "py-2 text-right tabular-nums" : "py-2"}>
                          {cell}
                        </TableCell>
                      ),
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        ) : (
          <div role="img" aria-label={`${title}. ${summary}`} style={{ height }} className="w-full">
            {children}
          </div>
        )}
      </div>
      {legend}
    </figure>
  );
}
