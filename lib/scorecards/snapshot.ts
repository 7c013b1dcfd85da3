import "server-only";
import { db } from "@/lib/db";

/*
 * The Scorecards page's aggregates (level distribution, team leaderboard, failing rules,
 * filter options) come from a compact in-memory copy of a scorecard's results, because
 * scorecard_results rows carry every rule's message (about 2 KB each) and aggregating
 * 100,000 of them in SQL reads hundreds of megabytes per page view. The copy holds a few
 * bytes per entity, is rebuilt when the scorecard's latest run, the catalog or its result count changes,
 * and answers any filter in a few milliseconds.
 */

export type ResultSnapshot = {
  size: number;
  /** Entity ids in the order of the entities' names (then ids); every array below follows it. */
  entityIds: string[];
  /** Distinct values; the typed arrays below hold indexes into them. */
  owners: string[];
  systems: string[];
  lifecycles: string[];
  levels: string[];
  ruleIds: string[];
  owner: Uint32Array;
  system: Uint32Array;
  lifecycle: Uint32Array;
  level: Uint32Array;
  passed: Uint32Array;
  total: Uint32Array;
  /** Entity i failed rules failedRule[failedStart[i]] … failedRule[failedStart[i + 1] - 1]. */
  failedStart: Uint32Array;
  failedRule: Uint32Array;
};

type Entry = { key: string; snapshot: Promise<ResultSnapshot> };

const MAX_ENTRIES = 32;
const globalCache = globalThis as unknown as { paveScorecardSnapshots?: Map<string, Entry> };
const cache = (globalCache.paveScorecardSnapshots ??= new Map());

/** Interns strings as small integers. */
class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  id(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.set(value, id);
    }
    return id;
  }
}

async function buildSnapshot(scorecardId: string): Promise<ResultSnapshot> {
  const rows = await db.$queryRaw<{ entity_id: string; owner: string; system: string; lifecycle: string; level: string; passed: number; total: number; failed: string[] }[]>`
    SELECT r.entity_id, e.owner, e.system, e.lifecycle, r.level, r.passed, r.total, r.failed
    FROM scorecard_results r JOIN entities e ON e.id = r.entity_id
    WHERE r.scorecard_id = ${scorecardId}
    ORDER BY e.name, e.id`;
  const size = rows.length;
  const owners = new Dictionary();
  const systems = new Dictionary();
  const lifecycles = new Dictionary();
  const levels = new Dictionary();
  const rules = new Dictionary();
  const snapshot = {
    owner: new Uint32Array(size),
    system: new Uint32Array(size),
    lifecycle: new Uint32Array(size),
    level: new Uint32Array(size),
    passed: new Uint32Array(size),
    total: new Uint32Array(size),
    failedStart: new Uint32Array(size + 1),
  };
  const failed: number[] = [];
  rows.forEach((row, i) => {
    snapshot.owner[i] = owners.id(row.owner);
    snapshot.system[i] = systems.id(row.system);
    snapshot.lifecycle[i] = lifecycles.id(row.lifecycle);
    snapshot.level[i] = levels.id(row.level);
    snapshot.passed[i] = row.passed;
    snapshot.total[i] = row.total;
    snapshot.failedStart[i] = failed.length;
    for (const rule of row.failed) failed.push(rules.id(rule));
  });
  snapshot.failedStart[size] = failed.length;
  return {
    size,
    entityIds: rows.map((row) => row.entity_id),
    owners: owners.values,
    systems: systems.values,
    lifecycles: lifecycles.values,
    levels: levels.values,
    ruleIds: rules.values,
    ...snapshot,
    failedRule: Uint32Array.from(failed),
  };
}

/**
 * The compact copy of a scorecard's results, rebuilt when its latest run (started,
 * finished or failed), any entity, or the number of its results changed since the copy was made.
 */
export async function getResultSnapshot(scorecardId: string): Promise<ResultSnapshot> {
  // Deleting an entity cascades its results away but leaves the latest run and the newest
  // updated_at as they were; the count of results notices it (an index-only scan of the key).
  const [run, catalog, [results]] = await Promise.all([
    db.scorecardRun.findFirst({ where: { scorecardId }, orderBy: { startedAt: "desc" }, select: { id: true, status: true, finishedAt: true } }),
    db.entity.aggregate({ _max: { updatedAt: true } }),
    db.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM scorecard_results WHERE scorecard_id = ${scorecardId}`,
  ]);
  const key = `${run?.id}:${run?.status}:${run?.finishedAt?.getTime()}:${catalog._max.updatedAt?.getTime()}:${results?.count}`;
  const cached = cache.get(scorecardId);
  if (cached?.key === key) return cached.snapshot;

  const snapshot = buildSnapshot(scorecardId);
  cache.delete(scorecardId); // re-inserted last: the Map's order is the eviction order
  cache.set(scorecardId, { key, snapshot });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  snapshot.catch(() => {
    if (cache.get(scorecardId)?.snapshot === snapshot) cache.delete(scorecardId);
  });
  return snapshot;
}

export type SnapshotFilter = { owner?: string; system?: string; lifecycle?: string; level?: string };

/** A predicate over snapshot positions for a filter; null when a wanted value is in no result, so nothing matches. */
export function snapshotMatcher(snapshot: ResultSnapshot, filter: SnapshotFilter): ((i: number) => boolean) | null {
  const wanted: { values: Uint32Array; id: number }[] = [];
  const dimensions = [
    [filter.owner, snapshot.owners, snapshot.owner],
    [filter.system, snapshot.systems, snapshot.system],
    [filter.lifecycle, snapshot.lifecycles, snapshot.lifecycle],
    [filter.level, snapshot.levels, snapshot.level],
  ] as const;
  for (const [value, dictionary, values] of dimensions) {
    if (value === undefined) continue;
    const id = dictionary.indexOf(value);
    if (id === -1) return null;
    wanted.push({ values, id });
  }
  return (i) => wanted.every((w) => w.values[i] === w.id);
}
