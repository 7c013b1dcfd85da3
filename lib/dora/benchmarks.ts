import { DAY, HOUR, MONTH, WEEK } from "@/lib/dora/buckets";

/**
 * Benchmark profiles: how a metric value maps to a DORA performance tier.
 *
 * Profiles are data so that a new report's clusters can be added without code. Each
 * metric lists its tiers best first; a value earns the first tier whose bound it meets.
 * For lower-is-better metrics a value meets a bound when it is below it (or equal, if
 * `inclusive`); for higher-is-better ones (deployment frequency), when it is above it.
 * The last tier has no bound and catches everything else, so ranges are contiguous.
 *
 * Units: deployment frequency in deployments per day (a week is 7 days, a month 30),
 * lead time and time to restore in seconds, change failure rate as a ratio (0.05 = 5%).
 */

export const TIERS = ["elite", "high", "medium", "low"] as const;
export type Tier = (typeof TIERS)[number];

export const METRIC_IDS = ["deploymentFrequency", "leadTime", "changeFailureRate", "timeToRestore"] as const;
export type MetricId = (typeof METRIC_IDS)[number];
export type MetricUnit = "per_day" | "seconds" | "ratio";

export type TierBound = {
  tier: Tier;
  /** The bound a value must meet for this tier; null on the last tier (anything else). */
  bound: number | null;
  /** Whether a value equal to the bound meets it. */
  inclusive: boolean;
  /** How the range reads to a person, e.g. "< 1 hour". */
  label: string;
};

export type BenchmarkProfile = {
  title: string;
  /** Where the numbers come from and how the published ranges were made contiguous. */
  source: string;
  metrics: Record<MetricId, readonly TierBound[]>;
};

export type MetricInfo = {
  id: MetricId;
  title: string;
  unit: MetricUnit;
  /** One paragraph for the UI's info popover. */
  definition: string;
  higherIsBetter: boolean;
};

export const METRICS: Record<MetricId, MetricInfo> = {
  deploymentFrequency: {
    id: "deploymentFrequency",
    title: "Deployment frequency",
    unit: "per_day",
    definition:
      "How often a service ships to production: successful production deployments per day over the selected period, each deployment of a service counted once. The weekly chart shows deployments per week. A period without deployments scores 0 and grades low.",
    higherIsBetter: true,
  },
  leadTime: {
    id: "leadTime",
    title: "Lead time for changes",
    unit: "seconds",
    definition:
      "How long a commit takes to reach production: for every commit shipped by a deployment in the period, the deployment's finish time minus the commit time. The median is shown; commits with a zero or negative difference (clock skew, re-deployed commits) are left out. Team and organisation figures are estimated from per-day histograms and can differ slightly from the exact value.",
    higherIsBetter: false,
  },
  changeFailureRate: {
    id: "changeFailureRate",
    title: "Change failure rate",
    unit: "ratio",
    definition:
      "The share of production deployments that caused a failure: deployments in the period linked to at least one incident, divided by all deployments in the period. An incident is linked to the deployment it names, or else to the service's latest successful deployment before it opened; incidents with no earlier deployment count against none.",
    higherIsBetter: false,
  },
  timeToRestore: {
    id: "timeToRestore",
    title: "Time to restore service",
    unit: "seconds",
    definition:
      "How long it takes to recover from a failure in production: the median time from an incident opening to its resolution, over incidents resolved in the period. Incidents still open are listed separately and do not count until they are resolved.",
    higherIsBetter: false,
  },
};

const bound = (tier: Tier, value: number | null, inclusive: boolean, label: string): TierBound => ({ tier, bound: value, inclusive, label });

export const BENCHMARKS = {
  "dora-default": {
    title: "DORA (common thresholds)",
    source:
      "The thresholds most DORA dashboards use, after Accelerate (Forsgren, Humble, Kim, 2018) and the State of DevOps reports. Published ranges share their endpoints or leave them open; they were made contiguous as follows. Deployment frequency: more than once a day is elite, exactly daily up to weekly is high, below weekly down to exactly monthly (1 per 30 days) is medium, less often is low. Lead time and time to restore: each bound is exclusive (exactly 1 hour is high, not elite). Change failure rate: below 5% is elite, 5% up to and including 10% is high, above 10% up to and including 15% is medium, above 15% is low.",
    metrics: {
      deploymentFrequency: [
        bound("elite", 1, false, "more than once per day"),
        bound("high", 1 / 7, true, "daily to weekly"),
        bound("medium", 1 / 30, true, "weekly to monthly"),
        bound("low", null, false, "less than monthly"),
      ],
      leadTime: [
        bound("elite", HOUR, false, "< 1 hour"),
        bound("high", WEEK, false, "1 hour – 1 week"),
        bound("medium", MONTH, false, "1 week – 1 month"),
        bound("low", null, false, "≥ 1 month"),
      ],
      changeFailureRate: [
        bound("elite", 0.05, false, "< 5%"),
        bound("high", 0.1, true, "5% – 10%"),
        bound("medium", 0.15, true, "10% – 15%"),
        bound("low", null, false, "> 15%"),
      ],
      timeToRestore: [
        bound("elite", HOUR, false, "< 1 hour"),
        bound("high", DAY, false, "1 hour – 1 day"),
        bound("medium", WEEK, false, "1 day – 1 week"),
        bound("low", null, false, "≥ 1 week"),
      ],
    },
  },
  "dora-2023": {
    title: "DORA State of DevOps 2023",
    source:
      "Cluster analysis of the Accelerate State of DevOps Report 2023 (Google Cloud / DORA). The report describes each cluster by a typical range or value, with gaps between clusters; they were made contiguous by giving every gap to the worse tier (a value has to meet a tier's published bound to earn it) and extending the low tier to everything beyond. Deployment frequency: more than once a day is elite, daily to weekly is high, below weekly down to monthly is medium, less often (the report's 'once a month to once every six months' and below) is low. Lead time: < 1 day elite, < 1 week high, < 1 month medium, else low (the report's '1–6 months' and beyond). Change failure rate: the report gives one value per cluster (5%, 10%, 15%, 64%); each is used as an inclusive upper bound, so ≤ 5% is elite, ≤ 10% high, ≤ 15% medium, anything above low. Time to restore: < 1 hour elite, < 1 day high, < 1 week medium; the gap between one week and the low cluster's 'one month' goes to low.",
    metrics: {
      deploymentFrequency: [
        bound("elite", 1, false, "on demand (multiple deploys per day)"),
        bound("high", 1 / 7, true, "between once per day and once per week"),
        bound("medium", 1 / 30, true, "between once per week and once per month"),
        bound("low", null, false, "less than once per month"),
      ],
      leadTime: [
        bound("elite", DAY, false, "< 1 day"),
        bound("high", WEEK, false, "1 day – 1 week"),
        bound("medium", MONTH, false, "1 week – 1 month"),
        bound("low", null, false, "≥ 1 month"),
      ],
      changeFailureRate: [
        bound("elite", 0.05, true, "≤ 5%"),
        bound("high", 0.1, true, "5% – 10%"),
        bound("medium", 0.15, true, "10% – 15%"),
        bound("low", null, false, "> 15% (cluster typical 64%)"),
      ],
      timeToRestore: [
        bound("elite", HOUR, false, "< 1 hour"),
        bound("high", DAY, false, "1 hour – 1 day"),
        bound("medium", WEEK, false, "1 day – 1 week"),
        bound("low", null, false, "≥ 1 week"),
      ],
    },
  },
} as const satisfies Record<string, BenchmarkProfile>;

export type ProfileId = keyof typeof BENCHMARKS;
export const PROFILE_IDS = Object.keys(BENCHMARKS) as ProfileId[];
export const DEFAULT_PROFILE: ProfileId = "dora-default";

/** Whether a string names a known benchmark profile (e.g. from a query parameter). */
export function isProfileId(value: string): value is ProfileId {
  return Object.hasOwn(BENCHMARKS, value);
}

/** The tier a metric value earns under a profile; null when there is no value. */
export function gradeMetric(profileId: string, metric: MetricId, value: number | null): Tier | null {
  if (value === null || Number.isNaN(value)) return null;
  if (!isProfileId(profileId)) throw new Error(`Unknown DORA benchmark profile: ${profileId}`);
  const higherIsBetter = METRICS[metric].higherIsBetter;
  const tiers: readonly TierBound[] = BENCHMARKS[profileId].metrics[metric];
  for (const t of tiers) {
    if (t.bound === null) return t.tier;
    const meets = higherIsBetter
      ? value > t.bound || (t.inclusive && value === t.bound)
      : value < t.bound || (t.inclusive && value === t.bound);
    if (meets) return t.tier;
  }
  return "low";
}
