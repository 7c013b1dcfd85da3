import "server-only";
import { db, type DbClient } from "@/lib/db";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { isOwnerTeamMember, ownerGroupName } from "@/lib/catalog/permissions";
import { getGitReader, getGitWriter, nullIfNotFound, repositoryFileLocation, type PullRequestState } from "@/lib/git";
import {
  addAtlantisProject,
  branchName,
  DATABASE_MODULE_INPUTS,
  databaseFilePath,
  databasesAtlantisProject,
  DEFAULT_MODULE_SOURCE,
  renderDatabaseHcl,
  validateDatabaseHcl,
} from "@/lib/self-service/hcl";
import { ensureLocalInfraRepo, infraRepo } from "@/lib/self-service/infra-repo";
import { databaseRequestFormSchema, SERVICE_NAME_MAX, SERVICE_NAME_PATTERN, type DatabaseRequestFormInput } from "@/lib/self-service/rules";
import { getEnv } from "@/lib/env";
import { isFlagEnabled } from "@/lib/flags/evaluate";
import { ACTIVE_STATUSES, canMoveRequest, isFinalRequestStatus, OPEN_STATUSES, type DatabaseRequestStatus } from "@/lib/self-service/status";
import { queueDatabasePullRequest, queueScorecardEvaluation } from "@/lib/jobs/queue";

/** Shown, and returned by createDatabaseRequest, while the pave.self-service-submissions kill switch is off. */
export const SUBMISSIONS_PAUSED_MESSAGE = "Self-service requests are paused by the platform team. Existing requests stay visible.";


const requestPath = (id: string) => `/self-service/databases/${id}`;

async function addEvent(tx: DbClient, requestId: string, status: DatabaseRequestStatus, actor: AuditActor, note?: string) {
  await tx.databaseRequestEvent.create({ data: { requestId, status, actorEmail: actor?.email ?? null, note: note ?? null } });
  await recordAudit(tx, { actor, action: `self_service.database.${status}`, target: { type: "database_request", id: requestId }, data: note ? { note } : undefined });
}

/**
 * Files a database request: checks the rules and ownership, refuses a duplicate, renders
 * and validates the Terraform file, stores the request and queues the pull request.
 */
export async function createDatabaseRequest(actor: CurrentUser, raw: unknown): Promise<{ id: string }> {
  // The kill switch is enforced here, not only by hiding the form.
  if (!(await isFlagEnabled("pave.self-service-submissions", actor))) throw new AppError("UNAVAILABLE", SUBMISSIONS_PAUSED_MESSAGE);
  const parsed = databaseRequestFormSchema.safeParse(raw);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? "form")] ??= issue.message;
    throw new AppError("INVALID", "Please correct the highlighted fields.", [], fields);
  }
  const input: DatabaseRequestFormInput = parsed.data;

  const entity = await db.entity.findUnique({ where: { key: input.service.toLowerCase() }, select: { key: true, kind: true, name: true, owner: true } });
  if (!entity || entity.kind !== "Component") throw new AppError("INVALID", "Please correct the highlighted fields.", [], { service: "Choose a service from the catalog" });
  if (!hasRole(actor.role, "platform") && !isOwnerTeamMember(actor, entity.owner)) {
    throw new AppError("FORBIDDEN", "Please correct the highlighted fields.", [], { service: "You can only request databases for services your team owns" });
  }
  if (!new RegExp(SERVICE_NAME_PATTERN).test(entity.name) || entity.name.length > SERVICE_NAME_MAX) {
    throw new AppError("INVALID", "Please correct the highlighted fields.", [], {
      service: `The service's name "${entity.name}" can't name a database: it must be lowercase letters, digits and hyphens, at most ${SERVICE_NAME_MAX} characters`,
    });
  }

  const id = crypto.randomUUID().replace(/-/g, "").slice(0, 24);
  const { environment, engine, engineVersion, tier, backupRetentionDays, multiAz } = input;
  const choices = { environment, engine, engineVersion, tier, backupRetentionDays, multiAz };
  const hcl = await renderDatabaseHcl(
    {
      serviceName: entity.name,
      owner: ownerGroupName(entity.owner) ?? "unknown",
      ...choices,
      requestId: id,
      requestUrl: `${getEnv().NEXTAUTH_URL.replace(/\/$/, "")}${requestPath(id)}`,
      requestedBy: actor.email ?? actor.id,
    },
    { moduleSource: DEFAULT_MODULE_SOURCE },
  );
  const check = await validateDatabaseHcl(hcl, { moduleSource: DEFAULT_MODULE_SOURCE, requiredInputs: [...DATABASE_MODULE_INPUTS] });
  if (!check.ok) {
    log.error({ problems: check.problems }, "generated Terraform failed validation");
    throw new AppError("INVALID", "Pave could not generate a valid Terraform change for these answers.", check.problems);
  }

  await db.$transaction(async (tx) => {
    // One request at a time per service and environment, even when two arrive together.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`${entity.key}|${input.environment}`}))`;
    const existing = await tx.databaseRequest.findFirst({
      where: { entityKey: entity.key, environment: input.environment, status: { in: [...ACTIVE_STATUSES] } },
      select: { id: true, status: true },
    });
    if (existing) {
      throw new AppError("CONFLICT", "This service already has a database request for that environment.", [], {
        environment: `${entity.name} already has a ${input.environment} database request (${existing.status.replace("_", " ")}): ${requestPath(existing.id)}`,
      });
    }
    await tx.databaseRequest.create({
      data: {
        id,
        entityKey: entity.key,
        serviceName: entity.name,
        owner: entity.owner,
        ...choices,
        justification: input.justification,
        branch: branchName(entity.name, input.environment, id),
        filePath: databaseFilePath(input.environment, entity.name),
        hcl,
        requestedById: actor.id,
      },
    });
    await addEvent(tx, id, "submitted", actor);
  });
  await queueDatabasePullRequest(id);
  return { id };
}

function pullRequestBody(request: { id: string; serviceName: string; environment: string; engine: string; engineVersion: string; tier: string; backupRetentionDays: number; multiAz: boolean; justification: string; requestedBy: string }, url: string): string {
  // Markdown table cells: no pipes or line breaks from user text.
  const cell = (value: string) => value.replace(/[|\\]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
  return [
    `Database request from Pave for **${cell(request.serviceName)}** in **${request.environment}**, requested by ${cell(request.requestedBy)}.`,
    "",
    "| Input | Value |",
    "|---|---|",
    `| service | ${cell(request.serviceName)} |`,
    `| environment | ${request.environment} |`,
    `| engine | ${request.engine} ${cell(request.engineVersion)} |`,
    `| tier | ${request.tier} |`,
    `| backup retention | ${request.backupRetentionDays} days |`,
    `| multi-AZ | ${request.multiAz ? "yes" : "no"} |`,
    "",
    "**Justification**",
    "",
    request.justification
      .split(/\r?\n/)
      .map((line) => `> ${line}`)
      .join("\n"),
    "",
    "**Reviewer checklist**",
    "",
    "- [ ] Size and cost: the tier fits the stated need",
    "- [ ] Backups: retention is right for this data",
    "- [ ] Production safety: multi-AZ, deletion protection and maintenance window are acceptable",
    "",
    `Request in Pave: ${url}`,
  ].join("\n");
}

/**
 * Opens the pull request for a request (the pg-boss job). Idempotent: a retry finds the
 * branch and pull request of an earlier attempt. A temporary git host failure keeps the
 * request queued and rethrows, so pg-boss retries later.
 */
export async function openDatabasePullRequest(requestId: string): Promise<"opened" | "already-open" | "gone"> {
  const request = await db.databaseRequest.findUnique({ where: { id: requestId }, include: { requestedBy: { select: { email: true } } } });
  if (!request) return "gone";
  if (request.prNumber) return "already-open";
  const repo = infraRepo();
  await ensureLocalInfraRepo(repo);

  const files: Record<string, string> = { [request.filePath]: request.hcl };
  try {
    // A databases directory Atlantis doesn't know yet needs its project entry (terraform/atlantis.yaml,
    // read by Atlantis through repo_config_file). Only a missing file means "no projects yet": a git
    // host that cannot be read now fails this attempt, and the job retries it.
    const atlantis = await nullIfNotFound(getGitReader().readFile(repositoryFileLocation(repo, repo.baseBranch, "terraform/atlantis.yaml")));
    if (atlantis) {
      const updated = addAtlantisProject(atlantis.content, databasesAtlantisProject(request.environment));
      if (updated !== atlantis.content) files["terraform/atlantis.yaml"] = updated;
    }
    const env = getEnv();
    const result = await getGitWriter().openPullRequest({
      owner: repo.owner,
      repo: repo.repo,
      title: `Database for ${request.serviceName} (${request.environment}, ${request.engine} ${request.engineVersion}, ${request.tier})`,
      body: pullRequestBody({ ...request, requestedBy: request.requestedBy?.email ?? "unknown" }, `${env.NEXTAUTH_URL.replace(/\/$/, "")}${requestPath(request.id)}`),
      branchName: request.branch,
      targetBranch: repo.baseBranch,
      files,
      commitMessage: `Add ${request.environment} database for ${request.serviceName}\n\nRequested in Pave: ${requestPath(request.id)}`,
      labels: ["self-service", "terraform", `env:${request.environment}`],
      teamReviewers: repo.local ? undefined : [env.PAVE_INFRA_REVIEW_TEAM],
      runId: request.id,
    });
    await db.$transaction(async (tx) => {
      await tx.databaseRequest.update({ where: { id: requestId }, data: { prNumber: result.pullRequestNumber, prUrl: result.remoteUrl, status: "pr_opened", lastError: null } });
      await addEvent(tx, requestId, "pr_opened", null, `Pull request #${result.pullRequestNumber}`);
    });
    return result.created ? "opened" : "already-open";
  } catch (error) {
    const message = error instanceof AppError ? error.message : "Unexpected error while opening the pull request";
    await db.databaseRequest.update({ where: { id: requestId }, data: { lastError: message } });
    if (error instanceof AppError && error.code !== "UNAVAILABLE") {
      await db.$transaction(async (tx) => {
        await tx.databaseRequest.update({ where: { id: requestId }, data: { status: "failed" } });
        await addEvent(tx, requestId, "failed", null, message);
      });
      return "gone";
    }
    throw error;
  }
}

/** How a request's reviews stand, with the requester's own approvals not counted. */
export type ReviewOutcome = { status: Extract<DatabaseRequestStatus, "pr_opened" | "approved" | "changes_requested" | "provisioned" | "rejected">; reviewNote: string | null };

/**
 * The request status a pull request's state means. Approvals by `requester` (their email,
 * GitHub login, user id) never count: a request approved only by the person who asked
 * for it stays open, with a note that says so.
 */
export function statusForPullRequest(pr: Pick<PullRequestState, "state" | "merged" | "reviewState" | "approvers">, requester: string[] = []): ReviewOutcome {
  if (pr.merged) return { status: "provisioned", reviewNote: null };
  if (pr.state === "closed") return { status: "rejected", reviewNote: null };
  if (pr.reviewState === "changes_requested") return { status: "changes_requested", reviewNote: null };
  const own = new Set(requester.map((r) => r.toLowerCase()));
  const others = pr.approvers.filter((a) => !own.has(a.toLowerCase()));
  if (pr.reviewState === "approved" && others.length) return { status: "approved", reviewNote: null };
  if (pr.reviewState === "approved") {
    return { status: "pr_opened", reviewNote: `The only approval is the requester's own (${pr.approvers.join(", ")}); another reviewer must approve before it is merged.` };
  }
  return { status: "pr_opened", reviewNote: null };
}

/** The names the requester's reviews can carry: Pave's reviewer name (email), their GitHub login and user id. */
export async function requesterIdentities(requestId: string, tx: DbClient = db): Promise<string[]> {
  const request = await tx.databaseRequest.findUnique({ where: { id: requestId }, select: { requestedById: true, requestedBy: { select: { email: true, githubLogin: true } } } });
  return [request?.requestedById, request?.requestedBy?.email, request?.requestedBy?.githubLogin].filter((v): v is string => !!v);
}

/** Locks a request's row for the rest of the transaction, so decisions on it take turns. */
async function lockRequest(tx: DbClient, requestId: string): Promise<{ status: DatabaseRequestStatus; prNumber: number | null; requestedById: string | null } | null> {
  const rows = await tx.$queryRaw<{ status: DatabaseRequestStatus; pr_number: number | null; requested_by_id: string | null }[]>`
    SELECT status, pr_number, requested_by_id FROM database_requests WHERE id = ${requestId} FOR UPDATE`;
  const row = rows[0];
  return row ? { status: row.status, prNumber: row.pr_number, requestedById: row.requested_by_id } : null;
}

async function applyStatusLocked(tx: DbClient, requestId: string, outcome: ReviewOutcome, actor: AuditActor, note?: string): Promise<boolean> {
  const current = await lockRequest(tx, requestId);
  if (!current || isFinalRequestStatus(current.status)) return false;
  await tx.databaseRequest.update({ where: { id: requestId }, data: { reviewNote: outcome.reviewNote } });
  if (current.status === outcome.status) return false;
  // A request that never got its pull request has no reviews to follow.
  if (!canMoveRequest(current.status, outcome.status)) {
    log.warn({ requestId, from: current.status, to: outcome.status }, "refused an impossible request status change");
    return false;
  }
  await tx.databaseRequest.update({ where: { id: requestId }, data: { status: outcome.status } });
  await addEvent(tx, requestId, outcome.status, actor, note);
  return true;
}

/**
 * Moves a request to a new status (recording the event) unless it is already there or
 * finished. The row is locked first, so a webhook and a reviewer deciding at the same
 * moment take turns.
 */
export async function applyRequestStatus(requestId: string, outcome: ReviewOutcome, actor: AuditActor, note?: string): Promise<boolean> {
  const changed = await db.$transaction((tx) => applyStatusLocked(tx, requestId, outcome, actor, note));
  if (changed && outcome.status === "provisioned") await queueProvisionedGrading();
  return changed;
}

// A provisioned database is a fact scorecards check: grade again soon.
async function queueProvisionedGrading(): Promise<void> {
  await queueScorecardEvaluation("fact-change");
}

/** Re-reads open requests' pull requests (the periodic job that catches missed webhooks). */
export async function reconcileDatabaseRequests(): Promise<{ checked: number; changed: number; requeued: number }> {
  const repo = infraRepo();
  const open = await db.databaseRequest.findMany({ where: { status: { in: [...OPEN_STATUSES] } }, select: { id: true, prNumber: true } });
  let changed = 0;
  let requeued = 0;
  const writer = getGitWriter();
  for (const request of open) {
    if (!request.prNumber) {
      await queueDatabasePullRequest(request.id);
      requeued += 1;
      continue;
    }
    try {
      const pr = await writer.getPullRequest({ owner: repo.owner, repo: repo.repo, number: request.prNumber });
      if (await applyRequestStatus(request.id, statusForPullRequest(pr, await requesterIdentities(request.id)), null, "reconciled with the pull request")) changed += 1;
    } catch (error) {
      log.warn({ requestId: request.id, err: error instanceof Error ? { message: error.message } : undefined }, "could not reconcile a database request");
    }
  }
  return { checked: open.length, changed, requeued };
}

/**
 * A platform engineer's decision on a request in the embedded default, where the change
 * request lives in Pave: approve, ask for changes, merge (really merges the branch) or
 * reject. Decisions on one request are serialised on its row, and the requester may
 * neither approve nor merge their own request.
 */
export async function decideLocalRequest(actor: CurrentUser, requestId: string, decision: "approve" | "request_changes" | "merge" | "reject"): Promise<DatabaseRequestStatus> {
  if (!hasRole(actor.role, "platform")) throw new AppError("FORBIDDEN", "Only the platform team can review database requests.");
  const repo = infraRepo();
  if (!repo.local) throw new AppError("CONFLICT", "This request is reviewed on GitHub. Pave follows the pull request.");
  const writer = getGitWriter();
  const reviewer = actor.email ?? actor.id;
  const outcome = await db.$transaction(
    async (tx) => {
      const request = await lockRequest(tx, requestId);
      if (!request) throw new AppError("NOT_FOUND", "That request no longer exists.");
      if (!request.prNumber) throw new AppError("CONFLICT", "The change request has not been opened yet. Try again in a moment.");
      if (isFinalRequestStatus(request.status)) throw new AppError("CONFLICT", `This request is already ${request.status}.`);
      if (request.requestedById === actor.id && (decision === "approve" || decision === "merge")) {
        throw new AppError("FORBIDDEN", `You asked for this database, so someone else on the platform team must ${decision} it.`);
      }
      const requester = await requesterIdentities(requestId, tx);
      const target = { owner: repo.owner, repo: repo.repo, number: request.prNumber };
      let pr: PullRequestState;
      if (decision === "approve" || decision === "request_changes") {
        pr = await writer.reviewPullRequest({ ...target, reviewer, state: decision === "approve" ? "approved" : "changes_requested" });
      } else if (decision === "merge") {
        // The writer checks the reviews as they are now, under the record's lock: a change
        // request that landed a moment ago stops the merge.
        pr = await writer.mergePullRequest({ ...target, ignoreReviewers: requester }).catch((error: unknown) => {
          if (error instanceof AppError && error.code === "CONFLICT" && /needs an approval/.test(error.message)) {
            throw new AppError("CONFLICT", "Approve the request before merging it.");
          }
          throw error;
        });
      } else {
        pr = await writer.closePullRequest(target);
      }
      const result = statusForPullRequest(pr, requester);
      await applyStatusLocked(tx, requestId, result, actor, `${decision.replace("_", " ")} by ${reviewer}`);
      return result;
    },
    // Merging runs git; the row stays locked meanwhile so a second decision waits its turn.
    { timeout: 60_000, maxWait: 60_000 },
  );
  if (outcome.status === "provisioned") await queueProvisionedGrading();
  return outcome.status;
}
