/**
 * A small retry loop for calls to external systems. The caller decides which failures
 * are worth another attempt; this module only decides when.
 */

/** What `retryable` answers: no, yes after the usual backoff, or yes but not before `afterMs`. */
export type RetryDecision = boolean | { afterMs: number };

export interface RetryOptions {
  /** Total attempts, the first included; defaults to 4. */
  attempts?: number;
  /** The first backoff; each later one doubles. Defaults to 500 ms. */
  baseMs?: number;
  /** The longest wait between attempts; defaults to 10 s. */
  maxDelayMs?: number;
  /** Whether a failure may be retried. */
  retryable: (error: unknown) => RetryDecision;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Replaceable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` until it succeeds, a failure is not retryable, or the attempts run out; then
 * throws the last error unchanged. Backoff is exponential with "equal jitter" (half fixed,
 * half random), so concurrent callers spread out without ever retrying immediately.
 *
 * When the server names a wait (`{ afterMs }`, e.g. from `retry-after`) longer than
 * `maxDelayMs`, we give up at once instead of retrying early: asking again before the
 * server allows it only prolongs a rate limit, and blocking a request for minutes is
 * worse than a prompt "try again later".
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const baseMs = options.baseMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 10_000;
  const sleep = options.sleep ?? defaultSleep;

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts) throw error;
      const decision = options.retryable(error);
      if (decision === false) throw error;
      const backoff = Math.min(maxDelayMs, baseMs * 2 ** (attempt - 1));
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      let delayMs = jittered;
      if (typeof decision === "object") {
        if (decision.afterMs > maxDelayMs) throw error;
        delayMs = Math.max(decision.afterMs, jittered);
      }
      delayMs = Math.round(Math.min(delayMs, maxDelayMs));
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
