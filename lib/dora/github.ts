import "server-only";
import path from "node:path";
import { z } from "zod";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { ingestEvents, MAX_EVENTS_PER_BATCH, type DoraEventInput } from "@/lib/dora/ingest";
import { GITHUB_PROJECT_SLUG } from "@/lib/catalog/annotations";
import { getGitHubWebUrl, gitHostConfig, locationRepositorySlug } from "@/lib/git";

/**
 * DORA events from GitHub webhooks, written through ingestEvents(…, "github"). A repository
 * belongs to the catalog entity whose `github.com/project-slug` annotation is its
 * `owner/repo` (ignoring case); events of other repositories are ignored.
 *
 * - `push` to the default branch: each commit is a change (sha, commit timestamp). A
 *   commit already known for the service keeps its time (see pull_request below).
 * - `pull_request` closed and merged into the default branch: its merge commit is a
 *   change whose time is the pull request's creation, the closest start of work GitHub
 *   tells us about (the PR's own commits arrive with the push of the merge).
 * - `deployment_status` success, failure or error in a production environment
 *   (PAVE_DORA_PRODUCTION_ENVIRONMENTS): a deployment `<owner/repo>#<deployment id>`
 *   finished at the status's creation. GitHub does not say which commits a deployment
 *   brought, so a successful one takes the service's changes committed before it that no
 *   other deployment has taken yet (the commits since the previous deployment), plus the
 *   deployed sha. Pave only sees pushes made after the webhook was installed, so the first
 *   deployment takes those.
 * - `issues` labelled `incident`: an incident `<owner/repo>#<number>`, opened when the
 *   issue was created and resolved when it is closed (reopening opens it again).
 */

export type DoraGitHubResult = "applied" | "ignored";

const repositorySchema = z.object({ full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/), default_branch: z.string().optional() });

const pushSchema = z.object({
  ref: z.string(),
  deleted: z.boolean().optional(),
  repository: repositorySchema,
  commits: z.array(z.object({ id: z.string(), timestamp: z.string() })).default([]),
  head_commit: z.object({ id: z.string(), timestamp: z.string() }).nullish(),
});

const deploymentStatusSchema = z.object({
  deployment_status: z.object({ state: z.string(), environment: z.string().nullish(), created_at: z.string().nullish(), updated_at: z.string().nullish() }),
  deployment: z.object({ id: z.number(), sha: z.string(), environment: z.string().nullish() }),
  repository: repositorySchema,
});

const pullRequestSchema = z.object({
  action: z.string(),
  pull_request: z.object({
    merged: z.boolean().nullish(),
    merge_commit_sha: z.string().nullish(),
    created_at: z.string(),
    base: z.object({ ref: z.string() }),
  }),
  repository: repositorySchema,
});

const issuesSchema = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number(),
    state: z.string().nullish(),
    created_at: z.string(),
    closed_at: z.string().nullish(),
    labels: z.array(z.object({ name: z.string() })).nullish(),
  }),
  repository: repositorySchema,
});

const INCIDENT_LABEL = "incident";

/** An entity that names a repository in its github.com/project-slug, and whether its catalog file lives there. */
export type RepositoryClaim = { key: string; inRepository: boolean };

/**
 * Every entity whose github.com/project-slug is `owner/repo`, the one that receives the
 * repository's delivery events first. Anyone who edits a catalog file can write any slug,
 * so an entity read from a file in that very repository wins over the others; then
 * components, then by key.
 */
export async function repositoryClaims(fullName: string): Promise<RepositoryClaim[]> {
  const slug = fullName.toLowerCase();
  // Entities read from a file in that repository first, in their own query: a file full of
  // claims under names that sort early must not push the rightful owner out of the limit.
  const inRepoPattern = `%/${slug.replace(/[\\%_]/g, (c) => `\\${c}`)}%/blob/%`;
  const select = (inRepo: boolean) => db.$queryRaw<{ key: string; kind: string; target: string | null }[]>`
    SELECT e.key, e.kind, l.target FROM entities e LEFT JOIN locations l ON l.id = e.location_id
    WHERE lower(e.metadata->'annotations'->>${GITHUB_PROJECT_SLUG}) = ${slug}
      AND (lower(coalesce(l.target, '')) LIKE ${inRepoPattern}) = ${inRepo}
    ORDER BY e.key
    LIMIT 50`;
  const [near, far] = await Promise.all([select(true), select(false)]);
  const config = gitHostConfig();
  const options = { gitRoot: path.resolve(config.gitRoot), githubWebUrl: getGitHubWebUrl(config.githubApiUrl) };
  const claims = [...near, ...far].map((row) => ({
    key: row.key,
    component: row.kind.toLowerCase() === "component",
    inRepository: !!row.target && locationRepositorySlug(row.target, options)?.toLowerCase() === slug,
  }));
  claims.sort((a, b) => Number(b.inRepository) - Number(a.inRepository) || Number(b.component) - Number(a.component) || a.key.localeCompare(b.key));
  return claims.map(({ key, inRepository }) => ({ key, inRepository }));
}

/** The catalog key of the entity that receives `owner/repo`'s delivery events, or null. */
export async function findServiceForRepository(fullName: string): Promise<string | null> {
  return (await repositoryClaims(fullName))[0]?.key ?? null;
}

async function ingest(events: DoraEventInput[], what: string): Promise<DoraGitHubResult> {
  let accepted = 0;
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_BATCH) {
    const result = await ingestEvents(events.slice(i, i + MAX_EVENTS_PER_BATCH), "github");
    accepted += result.accepted;
    if (result.rejected.length) log.warn({ what, rejected: result.rejected.slice(0, 5) }, "GitHub DORA events rejected");
  }
  return accepted > 0 ? "applied" : "ignored";
}

/** Records what a verified GitHub delivery says about deployments, changes and incidents. */
export async function handleDoraGitHubEvent(event: string, payload: unknown): Promise<DoraGitHubResult> {
  if (event === "push") return handlePush(payload);
  if (event === "deployment_status") return handleDeploymentStatus(payload);
  if (event === "pull_request") return handlePullRequest(payload);
  if (event === "issues") return handleIssue(payload);
  return "ignored";
}

async function handlePush(payload: unknown): Promise<DoraGitHubResult> {
  const parsed = pushSchema.safeParse(payload);
  if (!parsed.success) return "ignored";
  const { ref, deleted, repository, commits, head_commit: head } = parsed.data;
  if (deleted || !repository.default_branch || ref !== `refs/heads/${repository.default_branch}`) return "ignored";
  const service = await findServiceForRepository(repository.full_name);
  if (!service) return "ignored";

  const all = new Map(commits.map((c) => [c.id.toLowerCase(), c.timestamp]));
  if (head && !all.has(head.id.toLowerCase())) all.set(head.id.toLowerCase(), head.timestamp);
  if (!all.size) return "ignored";
  const known = await db.doraChange.findMany({ where: { entityKey: service, sha: { in: [...all.keys()] } }, select: { sha: true } });
  for (const { sha } of known) all.delete(sha);
  if (!all.size) return "ignored";
  return ingest(
    [...all].map(([sha, committedAt]) => ({ type: "change", id: sha, service, committedAt })),
    "push",
  );
}

async function handlePullRequest(payload: unknown): Promise<DoraGitHubResult> {
  const parsed = pullRequestSchema.safeParse(payload);
  if (!parsed.success) return "ignored";
  const { action, pull_request: pull, repository } = parsed.data;
  if (action !== "closed" || !pull.merged || !pull.merge_commit_sha) return "ignored";
  if (repository.default_branch && pull.base.ref !== repository.default_branch) return "ignored";
  const service = await findServiceForRepository(repository.full_name);
  if (!service) return "ignored";
  return ingest([{ type: "change", id: pull.merge_commit_sha, service, committedAt: pull.created_at }], "pull_request");
}

async function handleDeploymentStatus(payload: unknown): Promise<DoraGitHubResult> {
  const parsed = deploymentStatusSchema.safeParse(payload);
  if (!parsed.success) return "ignored";
  const { deployment_status: status, deployment, repository } = parsed.data;
  const state = status.state.toLowerCase();
  if (state !== "success" && state !== "failure" && state !== "error") return "ignored";
  const environment = status.environment ?? deployment.environment;
  const production = getEnv().PAVE_DORA_PRODUCTION_ENVIRONMENTS.map((e) => e.toLowerCase());
  if (!environment || !production.includes(environment.toLowerCase())) return "ignored";
  const finishedAt = status.created_at ?? status.updated_at;
  if (!finishedAt || Number.isNaN(Date.parse(finishedAt))) return "ignored";
  const service = await findServiceForRepository(repository.full_name);
  if (!service) return "ignored";

  const id = `${repository.full_name.toLowerCase()}#${deployment.id}`;
  const sha = deployment.sha.toLowerCase();
  let changes: string[] = [];
  if (state === "success") {
    const pending = await db.$queryRaw<{ sha: string }[]>`
      SELECT c.sha FROM dora_changes c
      WHERE c.entity_key = ${service} AND c.committed_at <= (${finishedAt}::timestamptz AT TIME ZONE 'UTC')
        AND NOT EXISTS (
          SELECT 1 FROM dora_deployment_changes dc
          WHERE dc.entity_key = c.entity_key AND dc.sha = c.sha AND dc.deployment_id <> ${`github:${id}`})
      ORDER BY c.committed_at DESC
      LIMIT ${MAX_EVENTS_PER_BATCH - 1}`;
    changes = [...new Set([sha, ...pending.map((p) => p.sha)])];
  }
  return ingest(
    [{ type: "deployment", id, service, environment, status: state === "success" ? "success" : "failure", finishedAt, commitSha: sha, changes }],
    "deployment_status",
  );
}

async function handleIssue(payload: unknown): Promise<DoraGitHubResult> {
  const parsed = issuesSchema.safeParse(payload);
  if (!parsed.success) return "ignored";
  const { action, issue, repository } = parsed.data;
  if (action === "deleted") return "ignored";
  if (!issue.labels?.some((l) => l.name.toLowerCase() === INCIDENT_LABEL)) return "ignored";
  const service = await findServiceForRepository(repository.full_name);
  if (!service) return "ignored";
  const resolvedAt = issue.state === "closed" ? (issue.closed_at ?? null) : null;
  return ingest(
    [{ type: "incident", id: `${repository.full_name.toLowerCase()}#${issue.number}`, service, openedAt: issue.created_at, resolvedAt }],
    "issues",
  );
}
