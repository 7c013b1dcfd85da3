/**
 * Runs `work` while a 10 ms timer ticks on this thread; returns its result (or error) and
 * the longest gap between ticks, which is how long this thread could not answer anything.
 */
export async function whileTicking<T>(work: () => Promise<T>): Promise<{ result: T; longestGapMs: number }> {
  let last = performance.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, longestGapMs: Math.max(longestGapMs, performance.now() - last) };
  } finally {
    clearInterval(timer);
  }
}
