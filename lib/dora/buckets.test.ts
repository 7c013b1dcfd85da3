import { describe, expect, it } from "vitest";
import { addBuckets, BUCKET_COUNT, BUCKET_EDGES, bucketIndex, DAY, HOUR, medianFromBuckets, MONTH, SIX_MONTHS, toBuckets, WEEK, YEAR } from "@/lib/dora/buckets";

describe("duration buckets", () => {
  it("has every grading threshold as an edge, strictly increasing from 1 minute to 1 year", () => {
    for (const t of [HOUR, DAY, WEEK, MONTH, SIX_MONTHS, 60, YEAR]) expect(BUCKET_EDGES).toContain(t);
    expect(BUCKET_EDGES[0]).toBe(0);
    expect(BUCKET_EDGES.at(-1)).toBe(YEAR);
    for (let i = 1; i < BUCKET_COUNT; i++) expect(BUCKET_EDGES[i]).toBeGreaterThan(BUCKET_EDGES[i - 1] as number);
    expect(BUCKET_COUNT).toBeGreaterThanOrEqual(30);
    expect(BUCKET_COUNT).toBeLessThanOrEqual(40);
  });

  it("puts a value on an edge in the bucket that starts there", () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(59)).toBe(0);
    expect(bucketIndex(60)).toBe(1);
    expect(BUCKET_EDGES[bucketIndex(HOUR)]).toBe(HOUR);
    expect(BUCKET_EDGES[bucketIndex(HOUR - 1)]).toBeLessThan(HOUR);
    expect(bucketIndex(10 * YEAR)).toBe(BUCKET_COUNT - 1);
    expect(bucketIndex(-5)).toBe(0);
  });

  it("interpolates the median inside the bucket that holds it", () => {
    expect(medianFromBuckets([])).toBeNull();
    expect(medianFromBuckets(toBuckets([]))).toBeNull();
    // One value in [1h, 1.5h): half-way through the bucket.
    expect(medianFromBuckets(toBuckets([HOUR]))).toBe(1.25 * HOUR);
    // 1h, 2h, 10h: the middle of the mass is half-way through [2h, 3h).
    expect(medianFromBuckets(toBuckets([HOUR, 2 * HOUR, 10 * HOUR]))).toBe(2.5 * HOUR);
    // Open last bucket: its lower edge.
    expect(medianFromBuckets(toBuckets([2 * YEAR]))).toBe(YEAR);
  });

  it("adds histograms element-wise, treating missing entries as zero", () => {
    const sum = addBuckets(toBuckets([HOUR, DAY]), [0, 2]);
    expect(sum).toHaveLength(BUCKET_COUNT);
    expect(sum[1]).toBe(2);
    expect(sum[bucketIndex(HOUR)]).toBe(1);
    expect(sum.reduce((a, b) => a + b, 0)).toBe(4);
  });
});
