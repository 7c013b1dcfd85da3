import "server-only";
import { performance } from "node:perf_hooks";
import { db, type DbClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { findCheck } from "@/lib/scorecards/checks";
import { loadFactsBatch } from "@/lib/scorecards/facts";
import { parseScorecardYaml, type ScorecardDefinition } from "@/lib/scorecards/schemas";
import { definitionJson, describeParseErrors, stableJson, syncScorecardFiles } from "@/lib/scorecards/sync";
import type { CheckDefinition, EntityFacts, StoredCheck } from "@/lib/scorecards/types";

/*
 * Evaluation: every scorecard over every entity it applies to, in batches of entities
 * (keyset on entities.id). Per batch: a few queries for the facts, the checks in memory,
 * and one statement that upserts the results and appends history for what changed.
 * One scorecard's writes form one transaction, so a run that fails part-way leaves the
 * previous results and history exactly as they were.
 */

/** Entities per batch: large enough to amortise round trips, small enough to keep memory flat. */
export const EVALUATION_BATCH_SIZE = 5000;
/** How long one scorecard's transaction may run; 100,000 entities take well under a minute. */
const EVALUATION_TIMEOUT_MS = 10 * 60_000;
/** How long to wait for a pooled connection to start that transaction. */
const EVALUATION_MAX_WAIT_MS = 60_000;

export type EvaluationRun = { scorecard: string; status: "succeeded" | "failed" | "refused"; entities: number; error?: string };

/**
 * Syncs the scorecard files, then evaluates every scorecard (or only the named one).
 * A scorecard that fails is recorded as failed and the others still run.
 */
export async function evaluateScorecards(options: {
  trigger: string;
  scorecard?: string;
  /** Entities per batch; tests use small batches to cross batch boundaries. */
  batchSize?: number;
}): Promise<{ runs: EvaluationRun[] }> {
  try {
    await syncScorecardFiles();
  } catch (error) {
    // The scorecards already stored can still be evaluated; the next run syncs again.
    log.error({ err: error }, "scorecard files could not be synced");
  }

  const rows = await db.scorecard.findMany({
    where: options.scorecard ? { name: options.scorecard } : {},
    select: { id: true, name: true, source: true, path: true, yaml: true, definition: true, error: true },
    orderBy: { name: "asc" },
  });

  const runs: EvaluationRun[] = [];
  for (const row of rows) {
    const current = await currentDefinition(row);
    if (!current.definition) {
      runs.push({ scorecard: row.name, status: "refused", entities: 0, error: current.error ?? undefined });
      continue;
    }
    runs.push(await evaluateScorecard(row.id, row.name, current.definition, options.trigger, options.batchSize ?? EVALUATION_BATCH_SIZE));
  }
  return { runs };
}

// A UI scorecard's YAML is parsed again rather than trusting the stored definition, so a
// check whose params changed in a Pave upgrade is caught here instead of inside a run.
// File scorecards were just parsed by the sync, which also refuses names already taken.
async function currentDefinition(row: {
  id: string;
  source: string;
  path: string | null;
  name: string;
  yaml: string;
  definition: unknown;
  error: string | null;
}): Promise<{ definition: ScorecardDefinition | null; error: string | null }> {
  if (row.source === "file") return { definition: row.error ? null : ((row.definition ?? null) as ScorecardDefinition | null), error: row.error };
  const parsed = parseScorecardYaml(row.yaml, row.path ?? row.name);
  const next = parsed.ok ? { definition: parsed.definition, error: null } : { definition: null, error: describeParseErrors(parsed.errors) };
  if (stableJson(next.definition) !== stableJson(row.definition ?? null) || next.error !== row.error) {
    await db.scorecard.update({ where: { id: row.id }, data: { definition: definitionJson(next.definition), error: next.error } });
  }
  return next;
}

async function evaluateScorecard(scorecardId: string, name: string, definition: ScorecardDefinition, trigger: string, batchSize: number): Promise<EvaluationRun> {
  const run = await db.scorecardRun.create({ data: { scorecardId, trigger }, select: { id: true, startedAt: true } });
  const started = Date.now();
  try {
    // The run is marked succeeded in the same transaction, so readers never see its results
    // without its status. Facts are read outside it, on other pooled connections.
    const { entities, timings } = await db.$transaction(
      async (tx) => {
        const graded = await gradeAll(tx, scorecardId, run, definition, batchSize);
        await tx.scorecardRun.update({
          where: { id: run.id },
          data: { status: "succeeded", finishedAt: new Date(), entities: graded.entities, levelCounts: graded.levelCounts },
        });
        return graded;
      },
      { timeout: EVALUATION_TIMEOUT_MS, maxWait: EVALUATION_MAX_WAIT_MS },
    );
    log.info({ scorecard: name, runId: run.id, entities, ms: Date.now() - started, ...timings }, "scorecard evaluated");
    return { scorecard: name, status: "succeeded", entities };
  } catch (error) {
    // The transaction was rolled back; the failure is recorded outside it.
    // Only an AppError's words are fit to show; anything else stays in the log.
    const message = error instanceof AppError ? error.message : `The evaluation failed unexpectedly (run ${run.id}); the details are in the server log.`;
    log.error({ scorecard: name, runId: run.id, err: error }, "scorecard evaluation failed");
    await db.scorecardRun.update({ where: { id: run.id }, data: { status: "failed", finishedAt: new Date(), error: message } });
    return { scorecard: name, status: "failed", entities: 0, error: message };
  }
}

type PreparedRule = { id: string; levelIndex: number; check: CheckDefinition; params: unknown };

async function gradeAll(
  tx: DbClient,
  scorecardId: string,
  run: { id: string; startedAt: Date },
  definition: ScorecardDefinition,
  batchSize: number,
): Promise<{ entities: number; levelCounts: Record<string, number>; timings: { factsMs: number; gradeMs: number; writeMs: number } }> {
  const levelIndex = new Map(definition.levels.map((level, i) => [level.id, i]));
  const rules: PreparedRule[] = definition.rules.map((rule) => {
    const check = findCheck(rule.check.type);
    if (!check) throw new AppError("INVALID", `Rule ${rule.id} uses the unknown check type ${rule.check.type}.`);
    return { id: rule.id, levelIndex: levelIndex.get(rule.level) ?? 0, check, params: rule.check.params };
  });
  const doraDays = rules.flatMap((rule) => {
    const days = rule.check.needs?.(rule.params).doraDays;
    return days === undefined ? [] : [days];
  });

  const levelCounts: Record<string, number> = Object.fromEntries([["", 0], ...definition.levels.map((l) => [l.id, 0])]);
  const timings = { factsMs: 0, gradeMs: 0, writeMs: 0 };
  let entities = 0;
  let afterId: string | null = null;
  for (;;) {
    let mark = performance.now();
    const batch: EntityFacts[] = await loadFactsBatch({ appliesTo: definition.appliesTo, afterId, limit: batchSize, doraDays, now: run.startedAt });
    timings.factsMs += performance.now() - mark;
    if (!batch.length) break;
    mark = performance.now();
    const graded = batch.map((facts) => gradeEntity(facts, rules, definition));
    timings.gradeMs += performance.now() - mark;
    mark = performance.now();
    const lastId = batch[batch.length - 1]!.entity.id;
    await writeResults(tx, scorecardId, run, graded, { afterId, lastId });
    timings.writeMs += performance.now() - mark;
    for (const g of graded) levelCounts[g.level] = (levelCounts[g.level] ?? 0) + 1;
    entities += batch.length;
    afterId = lastId;
    if (batch.length < batchSize) break;
  }

  // Past the last matching entity nothing matches any more (or every entity, when none matched).
  const after = afterId === null ? Prisma.sql`TRUE` : Prisma.sql`entity_id > ${afterId}`;
  await tx.$executeRaw`DELETE FROM scorecard_results WHERE scorecard_id = ${scorecardId} AND ${after}`;
  return { entities, levelCounts, timings: { factsMs: Math.round(timings.factsMs), gradeMs: Math.round(timings.gradeMs), writeMs: Math.round(timings.writeMs) } };
}

type Graded = { entityId: string; level: string; levelRank: number; passed: number; total: number; failed: string[]; checks: StoredCheck[] };

/** An entity's outcome: each rule's check, and the highest level whose rules and those below all pass. */
function gradeEntity(facts: EntityFacts, rules: PreparedRule[], definition: ScorecardDefinition): Graded {
  const checks: StoredCheck[] = [];
  const failed: string[] = [];
  let lowestFailedLevel = definition.levels.length;
  for (const rule of rules) {
    const outcome = rule.check.evaluate(rule.params, facts);
    checks.push({ id: rule.id, passed: outcome.passed, message: outcome.message });
    if (!outcome.passed) {
      failed.push(rule.id);
      lowestFailedLevel = Math.min(lowestFailedLevel, rule.levelIndex);
    }
  }
  // Every level below the lowest one with a failing rule is reached; rank counts them.
  const levelRank = lowestFailedLevel;
  return {
    entityId: facts.entity.id,
    level: levelRank > 0 ? definition.levels[levelRank - 1]!.id : "",
    levelRank,
    passed: rules.length - failed.length,
    total: rules.length,
    failed,
    checks,
  };
}

/**
 * Writes one batch in one statement: appends a history row for each entity whose level,
 * score or failed rules changed (or that had no result yet), upserts the results that
 * changed, and deletes the results of entities in the batch's id range that no longer
 * match. Every part of a statement sees the rows as they were before it, so the history
 * join reads the old outcome. Unchanged results are not rewritten: an unchanged run then
 * writes next to nothing, and the table does not bloat with dead copies.
 */
async function writeResults(tx: DbClient, scorecardId: string, run: { id: string; startedAt: Date }, graded: Graded[], range: { afterId: string | null; lastId: string }): Promise<void> {
  const at = run.startedAt.toISOString();
  // One JSON parameter: Postgres parses it several times faster than one typed array per column.
  const rows = JSON.stringify(graded.map((g) => ({ entity_id: g.entityId, level: g.level, level_rank: g.levelRank, passed: g.passed, total: g.total, failed: g.failed, checks: g.checks })));
  const from = range.afterId === null ? Prisma.sql`TRUE` : Prisma.sql`r.entity_id > ${range.afterId}`;
  await tx.$executeRaw`
    WITH input AS (
      SELECT * FROM json_to_recordset(${rows}::json)
        AS t(entity_id text, level text, level_rank int, passed int, total int, failed text[], checks jsonb)
    ),
    history AS (
      INSERT INTO scorecard_history (run_id, scorecard_id, entity_id, at, level, level_rank, passed, total, failed)
      SELECT ${run.id}, ${scorecardId}, i.entity_id, ${at}::timestamp, i.level, i.level_rank, i.passed, i.total, i.failed
      FROM input i LEFT JOIN scorecard_results p ON p.scorecard_id = ${scorecardId} AND p.entity_id = i.entity_id
      WHERE p.entity_id IS NULL OR (p.level, p.passed, p.total, p.failed) IS DISTINCT FROM (i.level, i.passed, i.total, i.failed)
    ),
    gone AS (
      DELETE FROM scorecard_results r
      WHERE r.scorecard_id = ${scorecardId} AND ${from} AND r.entity_id <= ${range.lastId}
        AND NOT EXISTS (SELECT 1 FROM input i WHERE i.entity_id = r.entity_id)
    )
    INSERT INTO scorecard_results AS r (scorecard_id, entity_id, run_id, level, level_rank, passed, total, failed, checks, evaluated_at)
    SELECT ${scorecardId}, i.entity_id, ${run.id}, i.level, i.level_rank, i.passed, i.total, i.failed, i.checks, ${at}::timestamp
    FROM input i
    ON CONFLICT (scorecard_id, entity_id) DO UPDATE SET
      run_id = EXCLUDED.run_id, level = EXCLUDED.level, level_rank = EXCLUDED.level_rank, passed = EXCLUDED.passed,
      total = EXCLUDED.total, failed = EXCLUDED.failed, checks = EXCLUDED.checks, evaluated_at = EXCLUDED.evaluated_at
    WHERE (r.level, r.level_rank, r.passed, r.total, r.failed, r.checks) IS DISTINCT FROM
          (EXCLUDED.level, EXCLUDED.level_rank, EXCLUDED.passed, EXCLUDED.total, EXCLUDED.failed, EXCLUDED.checks)`;
}
