import { describe, expect, it } from "vitest";
import { withRetry } from "@/lib/git/retry";

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("withRetry", () => {
  it("retries retryable failures with growing, jittered waits, then returns the result", async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 4) throw new Error(`boom ${attempt}`);
        return "done";
      },
      { baseMs: 100, retryable: () => true, sleep },
    );
    expect(result).toBe("done");
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((100 * 2 ** i) / 2);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it("throws the last error once the attempts are used up", async () => {
    const { sleep } = recorder();
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new Error(`failure ${calls}`);
      },
      { attempts: 3, retryable: () => true, sleep },
    );
    await expect(failing).rejects.toThrow("failure 3");
  });

  it("does not retry what is not retryable", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new Error("bad request");
      },
      { retryable: () => false },
    );
    await expect(failing).rejects.toThrow("bad request");
    expect(calls).toBe(1);
  });

  it("waits as long as the server asks, and gives up when that is beyond the cap", async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw new Error("rate limited");
        return "ok";
      },
      { baseMs: 1, maxDelayMs: 5_000, retryable: () => ({ afterMs: 2_000 }), sleep },
    );
    expect(waits).toEqual([2_000]);

    calls = 0;
    const tooLong = withRetry(
      async () => {
        calls++;
        throw new Error("come back in an hour");
      },
      { maxDelayMs: 5_000, retryable: () => ({ afterMs: 3_600_000 }), sleep },
    );
    await expect(tooLong).rejects.toThrow("come back in an hour");
    expect(calls).toBe(1);
  });
});
