import { describe, expect, it } from "vitest";
import { createTtlCache } from "@/lib/ttl-cache";

// Lets background reloads finish.
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { ttlMs: number; staleMs?: number; maxEntries?: number }) {
  let clock = 0;
  let loads = 0;
  const cache = createTtlCache<string>({ ...options, now: () => clock });
  return {
    cache,
    advance: (ms: number) => (clock += ms),
    loads: () => loads,
    load: (value: string) => async () => {
      loads++;
      await Promise.resolve();
      return value;
    },
  };
}

describe("createTtlCache", () => {
  it("loads a key once for callers that ask at the same time, and serves it until the TTL", async () => {
    const t = setup({ ttlMs: 1000 });
    expect(await Promise.all([t.cache.get("k", t.load("a")), t.cache.get("k", t.load("b"))])).toEqual(["a", "a"]);
    t.advance(999);
    expect(await t.cache.get("k", t.load("c"))).toBe("a");
    expect(t.loads()).toBe(1);
    t.advance(1);
    expect(await t.cache.get("k", t.load("d"))).toBe("d");
    expect(t.loads()).toBe(2);
  });

  it("serves a stale value while one reload runs, and waits once the value is too old", async () => {
    const t = setup({ ttlMs: 1000, staleMs: 1000 });
    await t.cache.get("k", t.load("a"));
    t.advance(1500);
    expect(await t.cache.get("k", t.load("b"))).toBe("a");
    await flush();
    expect(await t.cache.get("k", t.load("c"))).toBe("b");
    expect(t.loads()).toBe(2);
    t.advance(2000);
    expect(await t.cache.get("k", t.load("d"))).toBe("d");
  });

  it("keeps no failed first load, and keeps the stale value when a reload fails", async () => {
    const t = setup({ ttlMs: 1000, staleMs: 1000 });
    const fail = async (): Promise<string> => {
      throw new Error("down");
    };
    await expect(t.cache.get("k", fail)).rejects.toThrow("down");
    expect(await t.cache.get("k", t.load("a"))).toBe("a");
    t.advance(1500);
    expect(await t.cache.get("k", fail)).toBe("a");
    await flush();
    expect(await t.cache.get("k", t.load("b"))).toBe("a");
    await flush();
    expect(await t.cache.get("k", t.load("c"))).toBe("b");
  });

  it("forgets the oldest key beyond maxEntries", async () => {
    const t = setup({ ttlMs: 1000, maxEntries: 2 });
    await t.cache.get("a", t.load("1"));
    await t.cache.get("b", t.load("2"));
    await t.cache.get("c", t.load("3"));
    expect(await t.cache.get("a", t.load("4"))).toBe("4");
    expect(await t.cache.get("c", t.load("5"))).toBe("3");
  });
});
