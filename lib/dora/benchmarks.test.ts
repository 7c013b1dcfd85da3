import { describe, expect, it } from "vitest";
import { BENCHMARKS, gradeMetric, METRIC_IDS, METRICS, PROFILE_IDS } from "@/lib/dora/benchmarks";
import { DAY, HOUR, MONTH, WEEK } from "@/lib/dora/buckets";

describe("DORA benchmark profiles", () => {
  it("describes every metric and closes every profile with a catch-all tier", () => {
    for (const id of METRIC_IDS) expect(METRICS[id].definition.length).toBeGreaterThan(80);
    for (const profile of PROFILE_IDS) {
      for (const id of METRIC_IDS) {
        const tiers = BENCHMARKS[profile].metrics[id];
        expect(tiers.map((t) => t.tier)).toEqual(["elite", "high", "medium", "low"]);
        expect(tiers.at(-1)?.bound).toBeNull();
      }
    }
  });

  it("returns null without a value and rejects unknown profiles", () => {
    expect(gradeMetric("dora-default", "leadTime", null)).toBeNull();
    expect(() => gradeMetric("nope", "leadTime", 1)).toThrow(/Unknown/);
  });

  it("grades the default profile at its exact thresholds", () => {
    const g = (metric: Parameters<typeof gradeMetric>[1], v: number) => gradeMetric("dora-default", metric, v);
    expect(g("leadTime", HOUR - 1)).toBe("elite");
    expect(g("leadTime", HOUR)).toBe("high");
    expect(g("leadTime", WEEK)).toBe("medium");
    expect(g("leadTime", MONTH)).toBe("low");
    expect(g("timeToRestore", HOUR)).toBe("high");
    expect(g("timeToRestore", DAY)).toBe("medium");
    expect(g("timeToRestore", WEEK)).toBe("low");
    expect(g("deploymentFrequency", 1.01)).toBe("elite");
    expect(g("deploymentFrequency", 1)).toBe("high");
    expect(g("deploymentFrequency", 4 / 28)).toBe("high");
    expect(g("deploymentFrequency", 0.14)).toBe("medium");
    expect(g("deploymentFrequency", 2 / 60)).toBe("medium");
    expect(g("deploymentFrequency", 0.03)).toBe("low");
    expect(g("deploymentFrequency", 0)).toBe("low");
    expect(g("changeFailureRate", 0)).toBe("elite");
    expect(g("changeFailureRate", 0.05)).toBe("high");
    expect(g("changeFailureRate", 0.1)).toBe("high");
    expect(g("changeFailureRate", 0.15)).toBe("medium");
    expect(g("changeFailureRate", 0.16)).toBe("low");
  });

  it("grades the DORA 2023 clusters with their gaps given to the worse tier", () => {
    const g = (metric: Parameters<typeof gradeMetric>[1], v: number) => gradeMetric("dora-2023", metric, v);
    expect(g("leadTime", HOUR)).toBe("elite");
    expect(g("leadTime", DAY)).toBe("high");
    expect(g("leadTime", 2 * WEEK)).toBe("medium");
    expect(g("leadTime", 3 * MONTH)).toBe("low");
    expect(g("changeFailureRate", 0.05)).toBe("elite");
    expect(g("changeFailureRate", 0.12)).toBe("medium");
    expect(g("changeFailureRate", 0.64)).toBe("low");
    // Between "one week" (medium) and "one month" (low) the report says nothing: low.
    expect(g("timeToRestore", 2 * WEEK)).toBe("low");
    expect(g("timeToRestore", 2 * DAY)).toBe("medium");
    expect(g("deploymentFrequency", 3)).toBe("elite");
    expect(g("deploymentFrequency", 1 / 90)).toBe("low");
  });
});
