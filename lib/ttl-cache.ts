/**
 * A small per-process cache for results that every request would otherwise recompute and
 * that may be a little old (aggregates over many rows). Each key is loaded by one caller at
 * a time, the others wait for that load. A value is served for `ttlMs`; after that it is
 * still served for up to `staleMs` while one caller reloads it in the background, so no
 * request waits for a reload of a key that is in use. Every replica has its own cache:
 * nothing may depend on it for correctness, only on how old a value can be
 * (ttlMs + staleMs + one load).
 */
export type TtlCache<V> = {
  get(key: string, load: () => Promise<V>): Promise<V>;
  clear(): void;
};

type Entry<V> = { has: boolean; value?: V; loadedAt: number; pending?: Promise<V> };

/** Creates a cache; `now` is for tests. */
export function createTtlCache<V>(options: { ttlMs: number; staleMs?: number; maxEntries?: number; now?: () => number }): TtlCache<V> {
  const { ttlMs, staleMs = 0, maxEntries = 100, now = Date.now } = options;
  const entries = new Map<string, Entry<V>>();

  function reload(key: string, entry: Entry<V>, load: () => Promise<V>): Promise<V> {
    entry.pending ??= load().then(
      (value) => {
        Object.assign(entry, { has: true, value, loadedAt: now(), pending: undefined });
        return value;
      },
      (error: unknown) => {
        entry.pending = undefined;
        // A failed first load leaves nothing behind; a failed reload keeps the stale value.
        if (!entry.has && entries.get(key) === entry) entries.delete(key);
        throw error;
      },
    );
    // Callers served a stale value don't wait for the reload, so nobody else may see its failure.
    entry.pending.catch(() => {});
    return entry.pending;
  }

  return {
    async get(key, load) {
      let entry = entries.get(key);
      if (!entry) {
        entry = { has: false, loadedAt: 0 };
        entries.set(key, entry);
        if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      const age = now() - entry.loadedAt;
      if (entry.has && age < ttlMs) return entry.value as V;
      const pending = reload(key, entry, load);
      return entry.has && age < ttlMs + staleMs ? (entry.value as V) : pending;
    },
    clear() {
      entries.clear();
    },
  };
}
