import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { StoredCheck } from "@/lib/scorecards/types";
import { cleanScorecardFilter, type ScorecardDefinition, type ScorecardFilter } from "@/lib/scorecards/schemas";
import { cache } from "react";
import { getResultSnapshot, snapshotMatcher } from "@/lib/scorecards/snapshot";

/*
 * Reads for the Scorecards pages and a service's Scorecard tab. The overview and the
 * entity list filter and count over a compact in-memory copy of the results
 * (snapshot.ts) and read only the rows they show; the CSV reads scorecard_results joined
 * to entities; the list page reads level counts from the runs.
 */

export type LevelView = { id: string; title: string; rank: number }; // rank 1..n, lowest first
export type LevelCount = { level: string; title: string; rank: number; count: number }; // includes { level: "", title: "No level", rank: 0 }
export type ScorecardListItem = {
  id: string;
  name: string;
  title: string;
  description: string;
  source: "file" | "ui";
  path: string | null;
  error: string | null;
  levels: LevelView[];
  ruleCount: number;
  lastRun: { status: string; trigger: string; startedAt: Date; finishedAt: Date | null; entities: number } | null;
  distribution: LevelCount[];
};
export type RuleOutcomeView = { id: string; title: string; level: string; levelTitle: string; passed: boolean; message: string; howToFix: string; link: string | null };
export type EntityScorecardView = {
  scorecard: { id: string; name: string; title: string; description: string; levels: LevelView[] };
  level: LevelView | null;
  passed: number;
  total: number;
  evaluatedAt: Date;
  rules: RuleOutcomeView[];
  trend: { at: Date; levelRank: number; passed: number; total: number }[];
};
export type { ScorecardFilter };
export type ScorecardOverview = {
  scorecard: ScorecardListItem;
  filter: ScorecardFilter;
  total: number;
  distribution: LevelCount[];
  /** Per owner, sorted best first (mean score, then share at the top level). Entities without an owner are left out. */
  leaderboard: { owner: string; entities: number; averageScore: number /* mean of passed/total, 0..1 */; levels: Record<string, number>; topLevelCount: number }[];
  /** Most failed first, only failed > 0. */
  failingRules: { id: string; title: string; level: string; levelTitle: string; failed: number; howToFix: string; link: string | null }[];
  /** Values present among this scorecard's results (unfiltered), for the filter selects. */
  options: { owners: string[]; systems: string[]; lifecycles: string[] };
  /** Level counts of the last 30 successful runs, oldest first; the whole scorecard, not filtered. */
  trend: { at: Date; levelCounts: Record<string, number> }[];
};
export type ScorecardEntityRow = {
  entityKey: string;
  kind: string;
  namespace: string;
  name: string;
  title: string;
  owner: string;
  level: string;
  levelTitle: string;
  passed: number;
  total: number;
  failed: string[];
};

export const SCORECARD_ENTITIES_PAGE_SIZE = 50;
const NO_LEVEL = { level: "", title: "No level", rank: 0 } as const;
const TREND_RUNS = 30;
const ENTITY_TREND_POINTS = 200;

const SCORECARD_SELECT = { id: true, name: true, title: true, description: true, source: true, path: true, error: true, definition: true } as const;
type ScorecardRow = Prisma.ScorecardGetPayload<{ select: typeof SCORECARD_SELECT }>;

// The overview page shows the aggregates and the entity list of one scorecard: within a
// request, both read its row and its snapshot (with the freshness checks) once.
const scorecardByName = cache((name: string) => db.scorecard.findUnique({ where: { name }, select: SCORECARD_SELECT }));
const snapshotOf = cache(getResultSnapshot);

// The stored definition was validated when it was written (schemas.ts); null while refused.
const definitionOf = (row: { definition: unknown }) => (row.definition ?? null) as ScorecardDefinition | null;

function levelViews(definition: ScorecardDefinition | null): LevelView[] {
  return (definition?.levels ?? []).map((level, i) => ({ id: level.id, title: level.title, rank: i + 1 }));
}

/** Counts per level, lowest first, "No level" included; levels missing from `counts` count 0. */
function distributionOf(levels: LevelView[], counts: Record<string, number>): LevelCount[] {
  return [
    { ...NO_LEVEL, count: counts[""] ?? 0 },
    ...levels.map((level) => ({ level: level.id, title: level.title, rank: level.rank, count: counts[level.id] ?? 0 })),
  ];
}

async function toListItem(row: ScorecardRow): Promise<ScorecardListItem> {
  const definition = definitionOf(row);
  const levels = levelViews(definition);
  const select = { status: true, trigger: true, startedAt: true, finishedAt: true, entities: true, levelCounts: true } as const;
  const [lastRun, lastSucceeded] = await Promise.all([
    db.scorecardRun.findFirst({ where: { scorecardId: row.id }, orderBy: { startedAt: "desc" }, select }),
    db.scorecardRun.findFirst({ where: { scorecardId: row.id, status: "succeeded" }, orderBy: { startedAt: "desc" }, select: { levelCounts: true } }),
  ]);
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    description: row.description,
    source: row.source === "file" ? "file" : "ui",
    path: row.path,
    error: row.error,
    levels,
    ruleCount: definition?.rules.length ?? 0,
    lastRun: lastRun ? { status: lastRun.status, trigger: lastRun.trigger, startedAt: lastRun.startedAt, finishedAt: lastRun.finishedAt, entities: lastRun.entities } : null,
    distribution: distributionOf(levels, (lastSucceeded?.levelCounts ?? {}) as Record<string, number>),
  };
}

/** Every scorecard with its last run and the level distribution of its last successful run. */
export async function listScorecards(): Promise<ScorecardListItem[]> {
  const rows = await db.scorecard.findMany({ select: SCORECARD_SELECT, orderBy: [{ title: "asc" }, { name: "asc" }] });
  return Promise.all(rows.map(toListItem));
}

/** The scorecards an entity is graded by, with each rule's outcome, how to fix it and the entity's trend. */
export async function getEntityScorecards(entityId: string): Promise<EntityScorecardView[]> {
  const results = await db.scorecardResult.findMany({
    where: { entityId },
    select: {
      levelRank: true,
      passed: true,
      total: true,
      checks: true,
      evaluatedAt: true,
      scorecard: { select: { id: true, name: true, title: true, description: true, definition: true } },
    },
  });
  if (!results.length) return [];
  const scorecardIds = results.map((r) => r.scorecard.id);
  const [history, lastRuns] = await Promise.all([
    db.scorecardHistory.findMany({
      where: { entityId },
      orderBy: { at: "desc" },
      take: ENTITY_TREND_POINTS * results.length,
      select: { scorecardId: true, at: true, levelRank: true, passed: true, total: true },
    }),
    db.scorecardRun.groupBy({ by: ["scorecardId"], where: { scorecardId: { in: scorecardIds }, status: "succeeded" }, _max: { startedAt: true } }),
  ]);
  // A result is rewritten only when it changes; every successful run since evaluated it again.
  const lastEvaluated = new Map(lastRuns.map((r) => [r.scorecardId, r._max.startedAt]));

  const views: EntityScorecardView[] = [];
  for (const result of results) {
    const definition = definitionOf(result.scorecard);
    // A refused scorecard has no rule texts to show; its old results wait for the YAML to be fixed.
    if (!definition) continue;
    const levels = levelViews(definition);
    const levelTitle = new Map(levels.map((l) => [l.id, l.title]));
    const outcomes = new Map(((result.checks ?? []) as StoredCheck[]).map((c) => [c.id, c]));
    const rules = definition.rules.flatMap((rule): RuleOutcomeView[] => {
      const outcome = outcomes.get(rule.id);
      if (!outcome) return []; // added since the last run
      return [{ id: rule.id, title: rule.title, level: rule.level, levelTitle: levelTitle.get(rule.level) ?? rule.level, passed: outcome.passed, message: outcome.message, howToFix: rule.howToFix, link: rule.link }];
    });
    views.push({
      scorecard: { id: result.scorecard.id, name: result.scorecard.name, title: result.scorecard.title, description: result.scorecard.description, levels },
      level: levels[result.levelRank - 1] ?? null,
      passed: result.passed,
      total: result.total,
      evaluatedAt: latest(result.evaluatedAt, lastEvaluated.get(result.scorecard.id)),
      rules,
      trend: history
        .filter((h) => h.scorecardId === result.scorecard.id)
        .slice(0, ENTITY_TREND_POINTS)
        .reverse()
        .map((h) => ({ at: h.at, levelRank: h.levelRank, passed: h.passed, total: h.total })),
    });
  }
  return views.sort((a, b) => a.scorecard.title.localeCompare(b.scorecard.title));
}

const latest = (a: Date, b: Date | null | undefined) => (b && b > a ? b : a);

/** `r` is scorecard_results, `e` entities; the filter's conditions joined with AND. */
function filterSql(scorecardId: string, filter: ScorecardFilter): Prisma.Sql {
  const parts = [Prisma.sql`r.scorecard_id = ${scorecardId}`];
  if (filter.owner !== undefined) parts.push(Prisma.sql`e.owner = ${filter.owner}`);
  if (filter.system !== undefined) parts.push(Prisma.sql`e.system = ${filter.system}`);
  if (filter.lifecycle !== undefined) parts.push(Prisma.sql`e.lifecycle = ${filter.lifecycle}`);
  return Prisma.join(parts, " AND ");
}

// Empty strings from a form mean "any".
/** A scorecard's page: level distribution, team leaderboard, most failing rules and trend, for a filter. Null when it does not exist. */
export async function getScorecardOverview(name: string, rawFilter: ScorecardFilter): Promise<ScorecardOverview | null> {
  const row = await scorecardByName(name);
  if (!row) return null;
  const filter = cleanScorecardFilter(rawFilter);
  const definition = definitionOf(row);
  const [scorecard, snapshot, runs] = await Promise.all([
    toListItem(row),
    snapshotOf(row.id),
    db.scorecardRun.findMany({
      where: { scorecardId: row.id, status: "succeeded" },
      orderBy: { startedAt: "desc" },
      take: TREND_RUNS,
      select: { startedAt: true, levelCounts: true },
    }),
  ]);

  const matches = snapshotMatcher(snapshot, filter);
  const levelCounts = new Array<number>(snapshot.levels.length).fill(0);
  const failedCounts = new Array<number>(snapshot.ruleIds.length).fill(0);
  const byOwner = new Map<number, { entities: number; score: number; levels: number[] }>();
  let total = 0;
  for (let i = 0; matches && i < snapshot.size; i++) {
    if (!matches(i)) continue;
    total += 1;
    const level = snapshot.level[i]!;
    levelCounts[level]! += 1;
    for (let f = snapshot.failedStart[i]!; f < snapshot.failedStart[i + 1]!; f++) failedCounts[snapshot.failedRule[f]!]! += 1;
    const ownerId = snapshot.owner[i]!;
    let owner = byOwner.get(ownerId);
    if (!owner) byOwner.set(ownerId, (owner = { entities: 0, score: 0, levels: new Array<number>(snapshot.levels.length).fill(0) }));
    owner.entities += 1;
    owner.score += snapshot.total[i]! > 0 ? snapshot.passed[i]! / snapshot.total[i]! : 0;
    owner.levels[level]! += 1;
  }

  const asRecord = (counts: number[]) => Object.fromEntries(counts.flatMap((n, i) => (n > 0 ? [[snapshot.levels[i]!, n]] : [])));
  const counts = asRecord(levelCounts);
  const levels = scorecard.levels;
  const top = levels[levels.length - 1]?.id;
  const leaderboard = [...byOwner.entries()]
    .filter(([ownerId]) => snapshot.owners[ownerId] !== "")
    .map(([ownerId, o]) => {
      const ownerLevels = asRecord(o.levels);
      return { owner: snapshot.owners[ownerId]!, entities: o.entities, averageScore: o.score / o.entities, levels: ownerLevels, topLevelCount: top ? (ownerLevels[top] ?? 0) : 0 };
    })
    .sort(
      (a, b) =>
        b.averageScore - a.averageScore ||
        b.topLevelCount / b.entities - a.topLevelCount / a.entities ||
        b.entities - a.entities ||
        a.owner.localeCompare(b.owner),
    );

  const failedById = new Map(snapshot.ruleIds.map((id, i) => [id, failedCounts[i]!]));
  const levelTitle = new Map(levels.map((l) => [l.id, l.title]));
  const failingRules = (definition?.rules ?? [])
    .map((rule) => ({
      id: rule.id,
      title: rule.title,
      level: rule.level,
      levelTitle: levelTitle.get(rule.level) ?? rule.level,
      failed: failedById.get(rule.id) ?? 0,
      howToFix: rule.howToFix,
      link: rule.link,
    }))
    .filter((rule) => rule.failed > 0)
    .sort((a, b) => b.failed - a.failed); // stable: ties keep the scorecard's order

  const present = (values: string[]) => values.filter(Boolean).sort();
  return {
    scorecard,
    filter,
    total,
    distribution: distributionOf(levels, counts),
    leaderboard,
    failingRules,
    options: { owners: present(snapshot.owners), systems: present(snapshot.systems), lifecycles: present(snapshot.lifecycles) },
    trend: runs.reverse().map((run) => ({ at: run.startedAt, levelCounts: (run.levelCounts ?? {}) as Record<string, number> })),
  };
}

/**
 * One page (1-based, by entity name) of a scorecard's graded entities, for a filter and
 * optionally one level ("" for none). Which entities match, and how many, comes from the
 * overview's in-memory copy (so both pages agree); the rows themselves are read live.
 */
export async function listScorecardEntities(
  name: string,
  rawFilter: ScorecardFilter & { level?: string },
  page: number,
): Promise<{ rows: ScorecardEntityRow[]; total: number; page: number; pageSize: number }> {
  const pageSize = SCORECARD_ENTITIES_PAGE_SIZE;
  const current = Number.isInteger(page) && page > 0 ? page : 1;
  const row = await scorecardByName(name);
  if (!row) return { rows: [], total: 0, page: current, pageSize };
  const snapshot = await snapshotOf(row.id);
  const matches = snapshotMatcher(snapshot, { ...cleanScorecardFilter(rawFilter), level: rawFilter.level });
  const ids: string[] = [];
  let total = 0;
  const from = (current - 1) * pageSize;
  for (let i = 0; matches && i < snapshot.size; i++) {
    if (!matches(i)) continue;
    if (total >= from && total < from + pageSize) ids.push(snapshot.entityIds[i]!);
    total += 1;
  }

  const found = ids.length
    ? await db.$queryRaw<{ id: string; key: string; kind: string; namespace: string; name: string; title: string; owner: string; level: string; passed: number; total: number; failed: string[] }[]>`
        SELECT e.id, e.key, e.kind, e.namespace, e.name, e.title, e.owner, r.level, r.passed, r.total, r.failed
        FROM scorecard_results r JOIN entities e ON e.id = r.entity_id
        WHERE r.scorecard_id = ${row.id} AND r.entity_id = ANY(${ids}::text[])`
    : [];
  const byId = new Map(found.map((r) => [r.id, r]));
  const levelTitle = new Map(levelViews(definitionOf(row)).map((l) => [l.id, l.title]));
  return {
    rows: ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return []; // deleted since the copy was made
      return [
        {
          entityKey: r.key,
          kind: r.kind,
          namespace: r.namespace,
          name: r.name,
          title: r.title,
          owner: r.owner,
          level: r.level,
          levelTitle: r.level ? (levelTitle.get(r.level) ?? r.level) : NO_LEVEL.title,
          passed: r.passed,
          total: r.total,
          failed: r.failed,
        },
      ];
    }),
    total,
    page: current,
    pageSize,
  };
}

/** A CSV cell: RFC 4180 quoting, and a leading ' where a spreadsheet would read a formula. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every graded entity of a scorecard for a filter as CSV, or null when the scorecard does not exist. */
export async function scorecardCsv(name: string, rawFilter: ScorecardFilter): Promise<string | null> {
  const row = await db.scorecard.findUnique({ where: { name }, select: { id: true } });
  if (!row) return null;
  const rows = await db.$queryRaw<{ key: string; title: string; owner: string; system: string; lifecycle: string; level: string; passed: number; total: number; failed: string[] }[]>`
    SELECT e.key, e.title, e.owner, e.system, e.lifecycle, r.level, r.passed, r.total, r.failed
    FROM scorecard_results r JOIN entities e ON e.id = r.entity_id
    WHERE ${filterSql(row.id, cleanScorecardFilter(rawFilter))}
    ORDER BY e.key`;
  const header = ["entity", "title", "owner", "system", "lifecycle", "level", "passed", "total", "failed_rules"];
  const lines = [header.join(",")];
  for (const r of rows) {
    lines.push([r.key, r.title, r.owner, r.system, r.lifecycle, r.level, r.passed, r.total, r.failed.join(" ")].map(csvCell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** The YAML of a scorecard for the edit page; file scorecards are shown, not edited. */
export async function getScorecardForEdit(name: string): Promise<{ name: string; source: "file" | "ui"; yaml: string; error: string | null } | null> {
  const row = await db.scorecard.findUnique({ where: { name }, select: { name: true, source: true, yaml: true, error: true } });
  return row ? { name: row.name, source: row.source === "file" ? "file" : "ui", yaml: row.yaml, error: row.error } : null;
}
