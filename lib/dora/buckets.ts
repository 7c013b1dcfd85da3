/**
 * Fixed histogram buckets for durations (lead time, time to restore), in seconds.
 *
 * dora_daily stores one count per bucket so that team and organisation medians can be
 * summed over thousands of service-days without touching event rows. Every grading
 * threshold in lib/dora/benchmarks.ts (1 hour, 1 day, 1 week, 30 days, 180 days) is a
 * bucket edge, so a median read from the histogram never crosses a tier boundary that
 * the exact median would not. Between those, edges are roughly log-spaced (×1.3–2)
 * from 1 minute to 1 year.
 *
 * Bucket i holds values in [BUCKET_EDGES[i], BUCKET_EDGES[i + 1]); the last bucket is
 * open-ended (≥ 1 year). This matches Postgres `width_bucket(value, ARRAY[edges])`,
 * which returns i + 1 for such a value.
 *
 * Changing the edges invalidates every stored histogram: run recomputeAllRollups.
 */

export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** A month, for grading, is 30 days. */
export const MONTH = 30 * DAY;
export const SIX_MONTHS = 6 * MONTH;
export const YEAR = 365 * DAY;

export const BUCKET_EDGES: readonly number[] = Object.freeze([
  0,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  45 * MINUTE,
  HOUR,
  1.5 * HOUR,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  8 * HOUR,
  12 * HOUR,
  18 * HOUR,
  DAY,
  1.5 * DAY,
  2 * DAY,
  3 * DAY,
  4 * DAY,
  5 * DAY,
  WEEK,
  10 * DAY,
  2 * WEEK,
  20 * DAY,
  MONTH,
  45 * DAY,
  60 * DAY,
  90 * DAY,
  120 * DAY,
  SIX_MONTHS,
  240 * DAY,
  YEAR,
]);

/** Number of buckets (and length of every stored histogram array). */
export const BUCKET_COUNT = BUCKET_EDGES.length;

/** Index of the bucket holding a duration; values below 0 fall in the first bucket. */
export function bucketIndex(seconds: number): number {
  // Binary search for the last edge ≤ seconds.
  let lo = 0;
  let hi = BUCKET_COUNT - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((BUCKET_EDGES[mid] as number) <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Lower and upper edge of a bucket; the upper edge of the last bucket is null. */
export function bucketBounds(index: number): { fromSeconds: number; toSeconds: number | null } {
  return { fromSeconds: BUCKET_EDGES[index] ?? 0, toSeconds: BUCKET_EDGES[index + 1] ?? null };
}

/** A histogram with every count at zero. */
export function emptyBuckets(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

/** Histogram of a list of durations (for tests and small in-memory sets). */
export function toBuckets(values: readonly number[]): number[] {
  const counts = emptyBuckets();
  for (const v of values) {
    const i = bucketIndex(v);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** Element-wise sum of two histograms; a shorter (or empty) array counts as zeros. */
export function addBuckets(a: readonly number[], b: readonly number[]): number[] {
  const length = Math.max(a.length, b.length, BUCKET_COUNT);
  return Array.from({ length }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}

/**
 * Estimated median of a histogram: find the bucket holding the middle of the mass and
 * interpolate linearly inside it. The open last bucket yields its lower edge.
 * Null for an empty histogram.
 */
export function medianFromBuckets(counts: readonly number[]): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return null;
  const target = total / 2;
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && before + n >= target) {
      const { fromSeconds, toSeconds } = bucketBounds(i);
      if (toSeconds === null) return fromSeconds;
      return fromSeconds + ((target - before) / n) * (toSeconds - fromSeconds);
    }
    before += n;
  }
  return null;
}
