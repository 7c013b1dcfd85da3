import { z } from "zod";
import { BENCHMARKS, DEFAULT_PROFILE, gradeMetric, METRIC_IDS, METRICS, PROFILE_IDS, TIERS, type MetricId, type Tier } from "@/lib/dora/benchmarks";
import { DAY, HOUR, MINUTE } from "@/lib/dora/buckets";
import { defineCheck, type DoraWindow } from "@/lib/scorecards/types";

/** The service's DORA tier on one metric, over the last `days` days, is at least a given tier. */
export const doraTier = defineCheck({
  type: "dora-tier",
  title: "DORA tier at least",
  params: z.strictObject({
    metric: z.enum(METRIC_IDS, { message: `expected one of ${METRIC_IDS.join(", ")}` }),
    atLeast: z.enum(TIERS, { message: `expected one of ${TIERS.join(", ")}` }),
    days: z.number().int("must be a whole number of days").min(7, "must be at least 7").max(365, "must be at most 365").default(90),
    profile: z.enum(PROFILE_IDS as [string, ...string[]], { message: `expected one of ${PROFILE_IDS.join(", ")}` }).default(DEFAULT_PROFILE),
  }),
  needs: ({ days }) => ({ doraDays: days }),
  evaluate({ metric, atLeast, days, profile }, { dora }) {
    const window = dora(days);
    const name = METRICS[metric].title;
    if (!window || (window.deployments === 0 && metric !== "timeToRestore")) {
      return { passed: false, message: `No deployments recorded in the last ${days} days` };
    }
    const value = metricValue(metric, window);
    if (value === null) {
      const why = metric === "timeToRestore" ? "No incidents resolved" : "No commit lead times recorded";
      return { passed: false, message: `${why} in the last ${days} days, so ${name.toLowerCase()} has no value` };
    }
    const tier = gradeMetric(profile, metric, value) as Tier;
    const passed = TIERS.indexOf(tier) <= TIERS.indexOf(atLeast);
    const found = `${name} is ${tier} (${formatValue(metric, value)}) over the last ${days} days`;
    const profileNote = profile === DEFAULT_PROFILE ? "" : ` by ${BENCHMARKS[profile as keyof typeof BENCHMARKS].title}`;
    return { passed, message: passed ? found : `${found}; ${atLeast} or better is required${profileNote}` };
  },
});

// The same definitions as lib/dora/metrics.ts, over the summed daily rollups.
function metricValue(metric: MetricId, w: DoraWindow): number | null {
  switch (metric) {
    case "deploymentFrequency":
      return w.deployments / w.days;
    case "leadTime":
      return w.leadTimeSeconds;
    case "changeFailureRate":
      return w.deployments > 0 ? w.failedDeployments / w.deployments : null;
    case "timeToRestore":
      return w.restoreSeconds;
  }
}

function formatValue(metric: MetricId, value: number): string {
  if (metric === "deploymentFrequency") {
    if (value >= 1) return `${round(value)} deployments per day`;
    if (value >= 1 / 7) return `${round(value * 7)} deployments per week`;
    return `${round(value * 30)} deployments per month`;
  }
  if (metric === "changeFailureRate") return `${round(value * 100)}% of deployments failed`;
  const median = "median";
  if (value < HOUR) return `${median} ${round(value / MINUTE)} minutes`;
  if (value < DAY) return `${median} ${round(value / HOUR)} hours`;
  return `${median} ${round(value / DAY)} days`;
}

const round = (n: number) => (Math.round(n * 10) / 10).toLocaleString("en");
