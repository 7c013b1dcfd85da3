import "server-only";
import { recordAudit } from "@/lib/audit";
import { hasRole } from "@/lib/auth/roles";
import type { CurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getEnv } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { parseScorecardYaml, type ScorecardDefinition } from "@/lib/scorecards/schemas";
import { definitionJson } from "@/lib/scorecards/sync";
import { queueScorecardDefinitionChange, queueScorecardEvaluation } from "@/lib/jobs/queue";

/*
 * Scorecards admins write in Pave (source "ui"). File scorecards belong to their file
 * and are only changed there. Every change is audited and queues an evaluation of the
 * scorecard it touched.
 */

type Actor = Pick<CurrentUser, "id" | "email" | "role">;

function requireAdmin(actor: Actor, what: string): void {
  if (!hasRole(actor.role, "admin")) throw new AppError("FORBIDDEN", `Only admins can ${what} scorecards.`);
}

/** Parses YAML from the form; problems become an AppError listing "path: reason" for each. */
function parseOrThrow(yaml: string): ScorecardDefinition {
  const parsed = parseScorecardYaml(yaml, "the scorecard");
  if (parsed.ok) return parsed.definition;
  const problems = parsed.errors.map((e) => `${e.path}: ${e.message}`);
  throw new AppError(
    "INVALID",
    problems.length === 1 ? "The scorecard has 1 problem. Nothing was saved." : `The scorecard has ${problems.length} problems. Nothing was saved.`,
    problems,
    { yaml: problems[0]! },
  );
}

function fileScorecardError(path: string | null): AppError {
  const where = path ? `${getEnv().PAVE_SCORECARDS_DIR}/${path}` : "its file";
  return new AppError("FORBIDDEN", `This scorecard is read from ${where}; change it in that file, not in Pave.`);
}

// The name is unique across file and UI scorecards; the database's unique index settles races.
async function assertNameFree(name: string, exceptId?: string): Promise<void> {
  const holder = await db.scorecard.findUnique({ where: { name }, select: { id: true, source: true } });
  if (holder && holder.id !== exceptId) throw nameTaken(name, holder.source);
}

function nameTaken(name: string, source?: string): AppError {
  const by = source === "file" ? "a scorecard file" : "another scorecard";
  return new AppError("CONFLICT", `The name "${name}" is already used by ${by}. Choose another metadata.name.`, [], { yaml: `metadata.name: "${name}" is already taken` });
}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";

// The scorecard is saved either way; a queue hiccup only delays grading until the next scheduled run.
async function queueEvaluation(name: string): Promise<void> {
  try {
    await queueScorecardDefinitionChange(name);
  } catch (err) {
    log.warn({ err, scorecard: name }, "could not queue the scorecard's evaluation; the scheduled run will grade it");
  }
}

/** Creates a scorecard from YAML written in Pave (admins only). Audited; queues its first evaluation. */
export async function createScorecard(actor: Actor, yaml: string): Promise<{ name: string }> {
  requireAdmin(actor, "create");
  const definition = parseOrThrow(yaml);
  await assertNameFree(definition.name);
  try {
    await db.$transaction(async (tx) => {
      const row = await tx.scorecard.create({
        data: { name: definition.name, title: definition.title, description: definition.description, source: "ui", yaml, definition: definitionJson(definition), createdById: actor.id },
        select: { id: true },
      });
      await recordAudit(tx, { actor, action: "scorecards.create", target: { type: "scorecard", id: row.id }, data: { name: definition.name, rules: definition.rules.length } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(definition.name);
    throw error;
  }
  await queueEvaluation(definition.name);
  return { name: definition.name };
}

/** Replaces a UI scorecard's YAML (admins only); a new metadata.name renames it. Audited; queues an evaluation. */
export async function updateScorecard(actor: Actor, name: string, yaml: string): Promise<{ name: string }> {
  requireAdmin(actor, "change");
  const row = await db.scorecard.findUnique({ where: { name }, select: { id: true, source: true, path: true } });
  if (!row) throw new AppError("NOT_FOUND", "That scorecard does not exist (any more).");
  if (row.source === "file") throw fileScorecardError(row.path);
  const definition = parseOrThrow(yaml);
  if (definition.name !== name) await assertNameFree(definition.name, row.id);
  try {
    await db.$transaction(async (tx) => {
      await tx.scorecard.update({
        where: { id: row.id },
        data: { name: definition.name, title: definition.title, description: definition.description, yaml, definition: definitionJson(definition), error: null },
      });
      await recordAudit(tx, {
        actor,
        action: "scorecards.update",
        target: { type: "scorecard", id: row.id },
        data: { name: definition.name, ...(definition.name !== name ? { renamedFrom: name } : {}), rules: definition.rules.length },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(definition.name);
    throw error;
  }
  await queueEvaluation(definition.name);
  return { name: definition.name };
}

/** Deletes a UI scorecard with its runs, results and history (admins only). Audited. */
export async function deleteScorecard(actor: Actor, name: string): Promise<{ name: string }> {
  requireAdmin(actor, "delete");
  const row = await db.scorecard.findUnique({ where: { name }, select: { id: true, source: true, path: true } });
  if (!row) throw new AppError("NOT_FOUND", "That scorecard does not exist (any more).");
  if (row.source === "file") throw fileScorecardError(row.path);
  await db.$transaction(async (tx) => {
    await tx.scorecard.delete({ where: { id: row.id } });
    await recordAudit(tx, { actor, action: "scorecards.delete", target: { type: "scorecard", id: row.id }, data: { name } });
  });
  return { name };
}

/** Queues an evaluation of every scorecard (platform role); requests close together share one run. */
export async function requestEvaluation(actor: Actor): Promise<{ queued: boolean }> {
  if (!hasRole(actor.role, "platform")) throw new AppError("FORBIDDEN", "Only the platform team can start an evaluation.");
  const jobId = await queueScorecardEvaluation("manual");
  await recordAudit(db, { actor, action: "scorecards.evaluate", target: { type: "scorecards" }, data: { queued: jobId !== null } });
  return { queued: jobId !== null };
}
