import { formatDuration, trim } from "@/components/charts/format-duration";
import type { MetricUnit, Tier } from "@/lib/dora/benchmarks";

/** A metric value as a person reads it: "2.3 per day", "4 per week", "3.2 h", "12%". */
export function formatMetric(unit: MetricUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "No data";
  if (unit === "seconds") return formatDuration(value);
  if (unit === "ratio") return formatPercent(value);
  if (value === 0) return "None";
  if (value >= 1) return `${trim(value)} per day`;
  if (value >= 1 / 7) return `${trim(value * 7)} per week`;
  return `${trim(value * 30)} per month`;
}

/** A ratio as a percentage: 0.125 → "12.5%", 0.3 → "30%". */
export function formatPercent(ratio: number): string {
  return `${trim(ratio * 100)}%`;
}

export type Change = { direction: "up" | "down" | "flat"; text: string; verdict: "better" | "worse" | null };

/**
 * The change from the previous period of the same length. Ratios compare in percentage
 * points (5% → 8% is "+3 pp", not "+60%"); the rest relatively.
 */
export function describeChange(unit: MetricUnit, value: number | null, previous: number | null, higherIsBetter: boolean): Change | null {
  if (value === null || previous === null) return null;
  const diff = value - previous;
  let text: string;
  if (unit === "ratio") {
    const points = Math.abs(diff * 100);
    if (points < 0.05) return { direction: "flat", text: "No change", verdict: null };
    text = `${trim(points)} pp`;
  } else if (previous === 0) {
    if (value === 0) return { direction: "flat", text: "No change", verdict: null };
    text = "from 0";
  } else {
    const percent = Math.abs((diff / previous) * 100);
    if (percent < 0.5) return { direction: "flat", text: "No change", verdict: null };
    text = `${trim(percent)}%`;
  }
  const direction = diff > 0 ? "up" : "down";
  const better = higherIsBetter ? diff > 0 : diff < 0;
  return { direction, text, verdict: better ? "better" : "worse" };
}

export const TIER_LABEL: Record<Tier, string> = { elite: "Elite", high: "High", medium: "Medium", low: "Low" };

/** Badge classes per tier; the tier is always written out too, so colour is never the only cue. */
export const TIER_CLASS: Record<Tier, string> = {
  elite: "bg-success/15 text-success border-transparent",
  high: "bg-primary/10 text-primary border-transparent",
  medium: "bg-amber-500/15 text-amber-800 dark:text-amber-300 border-transparent",
  low: "bg-destructive/10 text-destructive border-transparent",
};

/** Fills for the tier bands behind trend charts (drawn at low opacity). */
export const TIER_FILL: Record<Tier, string> = {
  elite: "var(--success)",
  high: "var(--primary)",
  medium: "oklch(0.77 0.16 75)",
  low: "var(--destructive)",
};
