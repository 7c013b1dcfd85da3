import "server-only";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";
import { openSecret, sealSecret } from "@/lib/secrets";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { isOwnerTeamMember } from "@/lib/catalog/permissions";
import { entityRefKey, parseEntityRef } from "@/lib/catalog/refs";
import { coerceValues, pickerKinds, secretFieldNames, validateAllPages } from "@/lib/scaffolder/parameters";
import { executeSteps, maskSecrets, StepFailure, type StepRecorder, type TemplateUser } from "@/lib/scaffolder/runner";
import { loadTemplate, type LoadedTemplate } from "@/lib/scaffolder/templates";
import { isText, readTree } from "@/lib/scaffolder/workspace";
import { getEnv } from "@/lib/env";
import { hasWaitingJob, queueScaffolderRun } from "@/lib/jobs/queue";

/** Parameters the server refused, field by field. */
export class ParameterError extends AppError {
  constructor(fields: Record<string, string>) {
    super("INVALID", "Some answers need fixing.", [], fields);
  }
}

// A run's secret answers are kept sealed (lib/secrets.ts) in their own row while the run
// may still need them, so any worker can run it; never in the run row, the job payload
// or a log line, and the row is deleted when the run ends.
async function readRunSecrets(runId: string): Promise<Record<string, string>> {
  const row = await db.scaffolderRunSecret.findUnique({ where: { runId }, select: { sealed: true } });
  return row ? (JSON.parse(openSecret(row.sealed)) as Record<string, string>) : {};
}

async function forgetRunSecrets(runId: string): Promise<void> {
  await db.scaffolderRunSecret.deleteMany({ where: { runId } });
}

async function requireTemplate(templateId: string): Promise<LoadedTemplate> {
  const template = await loadTemplate(templateId);
  if (!template) throw new AppError("NOT_FOUND", "That template does not exist.");
  return template;
}

/**
 * Validates answers as the wizard does, and checks that picked entities exist in the
 * catalog. An OwnerPicker answer must be one of the person's own teams unless they are
 * platform or admin, as the component form requires: a golden path must not create a
 * service that lands in another team's name.
 */
async function validateValues(actor: CurrentUser, template: LoadedTemplate, raw: Record<string, unknown>) {
  const values = coerceValues(template.pages, raw);
  const { errors } = validateAllPages(template.pages, values);
  for (const page of template.pages) {
    for (const [name, property] of Object.entries(page.properties ?? {})) {
      const field = property["ui:field"];
      if (errors[name] || (field !== "OwnerPicker" && field !== "EntityPicker") || typeof values[name] !== "string") continue;
      const kinds = pickerKinds(property);
      try {
        const ref = parseEntityRef(values[name] as string, { defaultKind: kinds[0] ?? "group", defaultNamespace: "default" });
        const key = entityRefKey(ref);
        const found = await db.entity.findUnique({ where: { key }, select: { kind: true } });
        if (!found || (kinds.length && !kinds.some((k) => k.toLowerCase() === found.kind.toLowerCase()))) errors[name] = "Choose an entry from the catalog";
        else if (field === "OwnerPicker" && !hasRole(actor.role, "platform") && !isOwnerTeamMember(actor, key)) errors[name] = "Choose one of your own teams";
      } catch {
        errors[name] = "Choose an entry from the catalog";
      }
    }
  }
  if (Object.keys(errors).length) throw new ParameterError(errors);
  const secretNames = new Set(secretFieldNames(template.pages));
  const secrets: Record<string, string> = {};
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (secretNames.has(name)) secrets[name] = String(value);
    else stored[name] = value;
  }
  return { values: stored, secrets };
}

/** What templates see as `user`: the catalog User entity whose profile email matches, if any. */
async function templateUser(actor: { id: string; email: string | null; name?: string | null }): Promise<TemplateUser> {
  const entity = actor.email
    ? await db.entity.findFirst({
        where: { kind: "User", spec: { path: ["profile", "email"], equals: actor.email } },
        select: { apiVersion: true, kind: true, metadata: true, spec: true, namespace: true, name: true },
      })
    : null;
  const name = entity?.name ?? (actor.email ?? "unknown").split("@")[0]!.replace(/[^a-zA-Z0-9._-]/g, "-");
  return {
    id: actor.id,
    email: actor.email,
    entity: entity ? { apiVersion: entity.apiVersion, kind: entity.kind, metadata: entity.metadata, spec: entity.spec } : { metadata: { name }, spec: { profile: { email: actor.email } } },
    ref: `user:${entity?.namespace ?? "default"}/${name}`,
  };
}

export type PreviewFile = { path: string; size: number; content: string | null };
export type DryRunResult = {
  ok: boolean;
  error?: string;
  files: PreviewFile[];
  steps: { id: string; name: string; status: string }[];
  log: string[];
  output: unknown;
};

const MAX_PREVIEW_BYTES = 200 * 1024;

/** Runs a template in dry-run mode in a throw-away workspace: no side effects, nothing stored. */
export async function dryRunTemplate(actor: CurrentUser, templateId: string, raw: Record<string, unknown>): Promise<DryRunResult> {
  const template = await requireTemplate(templateId);
  const { values, secrets } = await validateValues(actor, template, raw);
  const workspace = await mkdtemp(path.join(os.tmpdir(), "pave-dry-run-"));
  const status = new Map(template.steps.map((s) => [s.id, "pending"]));
  const lines: string[] = [];
  const recorder: StepRecorder = {
    started: async (id) => void status.set(id, "running"),
    succeeded: async (id) => void status.set(id, "succeeded"),
    failed: async (id) => void status.set(id, "failed"),
    skipped: async (id) => void status.set(id, "skipped"),
    log: async (_id, message) => void lines.push(message),
    previousOutput: async () => undefined,
  };
  try {
    let output: unknown = null;
    let error: string | undefined;
    try {
      output = await executeSteps({ template, values, secrets, user: await templateUser(actor), runId: `dry-run-${Date.now()}`, dryRun: true, workspace, recorder });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      error = e.message;
    }
    const files = (await readTree(workspace)).map((f) => ({
      path: f.path,
      size: f.content.length,
      content: isText(f.content) ? maskSecrets(f.content.subarray(0, MAX_PREVIEW_BYTES).toString("utf8"), secrets) : null,
    }));
    const steps = template.steps.map((s) => ({ id: s.id, name: s.name, status: status.get(s.id) ?? "pending" }));
    return { ok: !error, error: error && maskSecrets(error, secrets), files, steps, log: maskSecrets(lines, secrets), output: maskSecrets(output, secrets) };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** Starts a run: stores it (without secrets), queues it, and returns its id. */
export async function startRun(actor: CurrentUser, templateId: string, raw: Record<string, unknown>): Promise<string> {
  const template = await requireTemplate(templateId);
  const { values, secrets } = await validateValues(actor, template, raw);
  const run = await db.$transaction(async (tx) => {
    const created = await tx.scaffolderRun.create({
      data: {
        templateId: template.id,
        templateTitle: template.title,
        parameters: values as object,
        createdById: actor.id,
        steps: { create: template.steps.map((s, position) => ({ stepId: s.id, position, name: s.name, action: s.action })) },
        ...(Object.keys(secrets).length ? { secrets: { create: { sealed: sealSecret(JSON.stringify(secrets)) } } } : {}),
      },
      select: { id: true },
    });
    await recordAudit(tx, { actor, action: "scaffolder.run.start", target: { type: "scaffolder_run", id: created.id }, data: { template: template.id } });
    return created;
  });
  await queueScaffolderRun(run.id);
  return run.id;
}

function databaseRecorder(runId: string): StepRecorder {
  const now = () => new Date();
  return {
    started: async (stepId) => void (await db.scaffolderStep.update({ where: { runId_stepId: { runId, stepId } }, data: { status: "running", startedAt: now(), error: null } })),
    succeeded: async (stepId, output) =>
      void (await db.scaffolderStep.update({ where: { runId_stepId: { runId, stepId } }, data: { status: "succeeded", output: output as object, finishedAt: now() } })),
    failed: async (stepId, error) => void (await db.scaffolderStep.update({ where: { runId_stepId: { runId, stepId } }, data: { status: "failed", error, finishedAt: now() } })),
    skipped: async (stepId) => void (await db.scaffolderStep.update({ where: { runId_stepId: { runId, stepId } }, data: { status: "skipped", finishedAt: now() } })),
    log: async (stepId, message) => void (await db.scaffolderLog.create({ data: { runId, stepId, level: "info", message } })),
    previousOutput: async (stepId) => {
      const step = await db.scaffolderStep.findUnique({ where: { runId_stepId: { runId, stepId } }, select: { status: true, output: true } });
      return step?.status === "succeeded" && step.output ? (step.output as Record<string, unknown>) : undefined;
    },
  };
}

/**
 * Executes a queued run (the pg-boss job). Safe to call again for the same run: steps
 * that changed the outside world and succeeded are not repeated. Returns "retry" when a
 * temporary failure (e.g. GitHub unavailable) should be tried again later.
 */
export async function executeRun(runId: string): Promise<"succeeded" | "failed" | "retry" | "held"> {
  const run = await db.scaffolderRun.findUnique({
    where: { id: runId },
    select: { id: true, status: true, templateId: true, parameters: true, createdBy: { select: { id: true, email: true, name: true } } },
  });
  if (!run || run.status === "succeeded") return "succeeded";
  if (run.status === "failed") return "failed";
  const lease = getEnv().PAVE_RUN_LEASE_SECONDS;
  if (!(await claimRun(runId, lease))) return "held";
  const heartbeat = setInterval(() => void renewLease(runId, lease), (lease * 1000) / 3);
  const recorder = databaseRecorder(runId);
  let workspace: string | undefined;
  let secrets: Awaited<ReturnType<typeof readRunSecrets>> = {};
  try {
    workspace = await mkdtemp(path.join(os.tmpdir(), `pave-run-`));
    secrets = await readRunSecrets(runId);
    const template = await loadTemplate(run.templateId);
    if (!template) throw new AppError("NOT_FOUND", "The template of this run no longer exists.");
    const actor = run.createdBy ?? { id: "", email: null, name: null };
    const output = await executeSteps({ template, values: run.parameters as Record<string, unknown>, secrets, user: await templateUser(actor), runId, dryRun: false, workspace, recorder });
    await db.$transaction(async (tx) => {
      await tx.scaffolderRun.update({ where: { id: runId }, data: { status: "succeeded", output: maskSecrets(output, secrets) as object, finishedAt: new Date(), leaseUntil: null } });
      await recordAudit(tx, { actor: run.createdBy, action: "scaffolder.run.succeeded", target: { type: "scaffolder_run", id: runId }, data: { template: run.templateId } });
    });
    await forgetRunSecrets(runId);
    return "succeeded";
  } catch (error) {
    const retryable = error instanceof StepFailure && error.retryable;
    const message = error instanceof AppError ? maskSecrets(error.message, secrets) : GENERIC_ERROR_MESSAGE;
    if (!(error instanceof AppError)) log.error({ err: error, runId }, "scaffolder run crashed");
    await db.scaffolderLog.create({ data: { runId, level: "error", message: retryable ? `${message} Pave will try again shortly.` : message } });
    await db.scaffolderRun.update({ where: { id: runId }, data: { status: retryable ? "queued" : "failed", error: retryable ? null : message, finishedAt: retryable ? null : new Date(), leaseUntil: null } });
    if (!retryable) {
      await forgetRunSecrets(runId);
      await recordAudit(db, { actor: run.createdBy, action: "scaffolder.run.failed", target: { type: "scaffolder_run", id: runId }, data: { error: message } });
    }
    return retryable ? "retry" : "failed";
  } finally {
    clearInterval(heartbeat);
    if (workspace) await rm(workspace, { recursive: true, force: true });
  }
}

/**
 * Takes the run for this worker for `leaseSeconds`: a queued run, or a running one whose
 * worker stopped renewing its lease (it died). One statement, so two workers handed the
 * same run cannot both take it.
 */
async function claimRun(runId: string, leaseSeconds: number): Promise<boolean> {
  const claimed = await db.$executeRaw`
    UPDATE scaffolder_runs
    SET status = 'running', started_at = COALESCE(started_at, now()), error = NULL,
        lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
    WHERE id = ${runId}
      AND (status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < now())))`;
  return claimed === 1;
}

/** Keeps holding a run while its steps execute; a failed renewal (database away) is retried at the next beat. */
async function renewLease(runId: string, leaseSeconds: number): Promise<void> {
  try {
    await db.$executeRaw`
      UPDATE scaffolder_runs SET lease_until = now() + make_interval(secs => ${leaseSeconds}::float8)
      WHERE id = ${runId} AND status = 'running'`;
  } catch (error) {
    log.warn({ runId, err: error instanceof Error ? { message: error.message } : undefined }, "could not renew a run's lease");
  }
}

/**
 * The sweeper: queues again the runs whose job was lost — still queued a lease period
 * after they were created with no job waiting for them (the enqueue failed), or running
 * with a lapsed lease (their worker died). Safe to run in every worker at once: a run
 * is executed only by the worker that claims it.
 */
export async function sweepLostRuns(): Promise<string[]> {
  const lease = getEnv().PAVE_RUN_LEASE_SECONDS;
  const lost = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM scaffolder_runs
    WHERE (status = 'queued' AND created_at < now() - make_interval(secs => ${lease}::float8) AND (lease_until IS NULL OR lease_until < now()))
       OR (status = 'running' AND (lease_until IS NULL OR lease_until < now()))
    ORDER BY created_at
    LIMIT 100`;
  const requeued: string[] = [];
  for (const { id } of lost) {
    if (await hasWaitingJob("scaffolder.run", { runId: id })) continue;
    await queueScaffolderRun(id);
    requeued.push(id);
  }
  if (requeued.length) log.warn({ runs: requeued }, "queued template runs again whose job was lost");
  return requeued;
}

/**
 * The scaffolder.run job: executes the run, and when a temporary failure outlasts the
 * queue's retries, gives it up. Throws to ask for a retry.
 */
export async function runQueuedRun(runId: string, attempt: { retryCount: number; retryLimit: number }): Promise<{ runId: string; result: "succeeded" | "failed" | "held" }> {
  const result = await executeRun(runId);
  if (result !== "retry") return { runId, result };
  if (attempt.retryCount < attempt.retryLimit) throw new Error(`run ${runId} hit a temporary failure; pg-boss retries it`);
  await failQueuedRun(runId);
  return { runId, result: "failed" };
}

/** Gives up on a run whose temporary failures outlasted its retries. */
export async function failQueuedRun(runId: string): Promise<void> {
  const message = "The run kept hitting temporary failures (the git host was unavailable). Try again later.";
  const run = await db.scaffolderRun.update({ where: { id: runId }, data: { status: "failed", error: message, finishedAt: new Date() }, select: { createdById: true } });
  await forgetRunSecrets(runId);
  await recordAudit(db, { actor: run.createdById ? { id: run.createdById } : null, action: "scaffolder.run.failed", target: { type: "scaffolder_run", id: runId }, data: { error: message } });
}
