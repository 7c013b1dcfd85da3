"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { BENCHMARKS, PROFILE_IDS, type ProfileId } from "@/lib/dora/benchmarks";
import { RANGES, type DoraFilters, type RangeId } from "./filters";

const RANGE_LABEL: Record<RangeId, string> = { "30": "Last 30 days", "90": "Last 90 days", "180": "Last 180 days", custom: "Custom range" };

const control =
  "h-9 rounded-md border border-input bg-background px-2 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

/** Period and benchmark pickers. A custom range is applied with its button, not on every keystroke. */
export function FilterBar({
  filters,
  days,
  today,
  onChange,
  showBenchmark = true,
}: {
  filters: DoraFilters;
  days: { from: string; to: string };
  today: string;
  onChange: (next: DoraFilters) => void;
  /** False when the benchmark switcher flag is off: the profile from the URL (or the default) still applies. */
  showBenchmark?: boolean;
}) {
  const id = useId();
  const [custom, setCustom] = useState(filters.range === "custom");
  const [from, setFrom] = useState(days.from);
  const [to, setTo] = useState(days.to);
  const invalid = !from || !to || from > to;

  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-range`} className="text-xs font-medium text-muted-foreground">
          Period
        </label>
        <select
          id={`${id}-range`}
          className={control}
          value={custom ? "custom" : filters.range}
          onChange={(e) => {
            const range = e.target.value as RangeId;
            if (range === "custom") {
              setCustom(true);
              setFrom(days.from);
              setTo(days.to);
            } else {
              setCustom(false);
              onChange({ range, profile: filters.profile });
            }
          }}
        >
          {RANGES.map((r) => (
            <option key={r} value={r}>
              {RANGE_LABEL[r]}
            </option>
          ))}
        </select>
      </div>
      {custom ? (
        <form
          className="flex flex-wrap items-end gap-2"
          aria-label="Custom range"
          onSubmit={(e) => {
            e.preventDefault();
            if (!invalid) onChange({ range: "custom", from, to, profile: filters.profile });
          }}
        >
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-from`} className="text-xs font-medium text-muted-foreground">
              From
            </label>
            <input id={`${id}-from`} type="date" className={control} value={from} max={to || today} onChange={(e) => setFrom(e.target.value)} required />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={`${id}-to`} className="text-xs font-medium text-muted-foreground">
              To
            </label>
            <input id={`${id}-to`} type="date" className={control} value={to} min={from} max={today} onChange={(e) => setTo(e.target.value)} required />
          </div>
          <Button type="submit" variant="outline" disabled={invalid}>
            Apply
          </Button>
        </form>
      ) : null}
      {showBenchmark ? (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${id}-profile`} className="text-xs font-medium text-muted-foreground">
            Benchmark
          </label>
          <select
            id={`${id}-profile`}
            className={control}
            value={filters.profile}
            onChange={(e) => onChange({ ...filters, profile: e.target.value as ProfileId })}
          >
            {PROFILE_IDS.map((p) => (
              <option key={p} value={p}>
                {BENCHMARKS[p].title}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </div>
  );
}
