"use client";

import Link from "next/link";
import { Fragment, useState } from "react";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { splitRefKey } from "@/lib/catalog/paths";
import { METRIC_IDS, METRICS, type MetricId, type Tier } from "@/lib/dora/benchmarks";
import { formatMetric, TIER_CLASS, TIER_LABEL } from "./format";

export type TeamRow = {
  owner: string;
  services: number;
  metrics: Record<MetricId, { value: number | null; tier: Tier | null }>;
};

type SortKey = "team" | "services" | MetricId;
type Sort = { key: SortKey; dir: "asc" | "desc" };

/** The team's name in a group ref key ("group:default/team-checkout" → "team-checkout"). */
function teamName(owner: string): string {
  return owner.includes(":") ? splitRefKey(owner).name : owner;
}

function sortValue(row: TeamRow, key: SortKey): string | number | null {
  if (key === "team") return teamName(row.owner);
  if (key === "services") return row.services;
  return row.metrics[key].value;
}

/** Every team side by side; click a column header to sort by it. */
export function TeamTable({ rows, hrefFor }: { rows: TeamRow[]; hrefFor: (owner: string) => string | null }) {
  const [sort, setSort] = useState<Sort>({ key: "team", dir: "asc" });
  const sorted = [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    // Teams without a value sort last whichever way the column is sorted.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === "string" ? x.localeCompare(String(y)) : x - (y as number);
    return sort.dir === "asc" ? order : -order;
  });

  function header(key: SortKey, label: string, numeric = false) {
    const active = sort.key === key;
    const Icon = !active ? ArrowUpDown : sort.dir === "asc" ? ArrowUp : ArrowDown;
    return (
      <TableHead scope="col" aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"} className={numeric ? "text-right" : undefined}>
        <button
          type="button"
          onClick={() => setSort(active ? { key, dir: sort.dir === "asc" ? "desc" : "asc" } : { key, dir: key === "team" ? "asc" : "desc" })}
          className="inline-flex items-center gap-1 rounded hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          {label}
          <Icon className="size-3.5" aria-hidden />
        </button>
      </TableHead>
    );
  }

  return (
    <div className="rounded-lg border">
      <Table>
        <caption className="sr-only">Teams compared; column headers sort the table</caption>
        <TableHeader>
          <TableRow>
            {header("team", "Team")}
            {header("services", "Services", true)}
            {METRIC_IDS.map((m) => (
              <Fragment key={m}>{header(m, METRICS[m].title, true)}</Fragment>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {sorted.map((row) => {
            const href = hrefFor(row.owner);
            const name = teamName(row.owner);
            return (
              <TableRow key={row.owner}>
                <TableHead scope="row" className="h-auto py-2.5 font-medium text-foreground">
                  {href ? (
                    <Link href={href} className="text-primary hover:underline">
                      {name}
                    </Link>
                  ) : (
                    name
                  )}
                </TableHead>
                <TableCell className="text-right tabular-nums">{row.services}</TableCell>
                {METRIC_IDS.map((m) => {
                  const cell = row.metrics[m];
                  return (
                    <TableCell key={m} className="text-right">
                      <span className="inline-flex items-center justify-end gap-2 whitespace-nowrap">
                        <span className="tabular-nums">{formatMetric(METRICS[m].unit, cell.value)}</span>
                        {cell.tier ? <Badge className={TIER_CLASS[cell.tier]}>{TIER_LABEL[cell.tier]}</Badge> : null}
                      </span>
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
