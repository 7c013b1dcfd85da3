import type { Octokit } from "@octokit/rest";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { log } from "@/lib/log";
import { withRetry, type RetryDecision } from "@/lib/git/retry";
import { createOctokit, githubMessage, httpStatus, requestWithTimeout, responseData, responseHeaders, TOKEN_SETTING } from "@/lib/git/octokit";
import {
  checkPullRequestLabels,
  checkPullRequestNumber,
  approversOf,
  summarizeReviews,
  type CreateRepositoryInput,
  type CreateRepositoryResult,
  type GetPullRequestInput,
  type GitWriter,
  type MergePullRequestInput,
  type OpenPullRequestInput,
  type OpenPullRequestResult,
  type PullRequestState,
  type ReviewDecision,
  type ReviewPullRequestInput,
} from "@/lib/git/types";
import {
  checkCreateRepositoryInput,
  checkOpenPullRequestInput,
  checkOwner,
  checkRepoName,
  hasAnyRunTrailer,
  hasRunMarker,
  hasRunTrailer,
  markedDescription,
  type PullRequestSpec,
  type RepositorySpec,
} from "@/lib/git/writer";

const REQUEST_TIMEOUT_MS = 15_000;
/** Reviews are read 100 a page; this many pages is far beyond any real pull request. */
const MAX_REVIEW_PAGES = 30;

type Repository = Awaited<ReturnType<Octokit["rest"]["repos"]["get"]>>["data"];
type PullRequest = Awaited<ReturnType<Octokit["rest"]["pulls"]["list"]>>["data"][number];
type TreeEntry = { path: string; mode: "100644"; type: "blob"; content?: string; sha?: string | null };

export interface GitHubWriterOptions {
  /** GitHub's REST API base URL; unset means api.github.com. */
  baseUrl?: string;
  token: string;
  /** Bounds each request; defaults to 15 s. */
  timeoutMs?: number;
  /** Retry tuning; tests shorten the waits. */
  retry?: { attempts?: number; baseMs?: number; maxDelayMs?: number };
}

/** What a failed call was trying to do, for messages a developer can act on. */
interface CallContext {
  /** Completes "… not allowed to …" and "… while trying to …", e.g. "create repositories in acme". */
  action: string;
  /** What the token needs, appended to a 403 message. */
  permission: string;
  /** The message for a 404. */
  notFound?: string;
}

/** A request that ran out of time; kept apart from other failures so it can be retried and reported as such. */
class GitHubTimeoutError extends Error {
  constructor(readonly timeoutMs: number, options: { cause: unknown }) {
    super(`GitHub did not answer within ${timeoutMs} ms`, options);
    this.name = "GitHubTimeoutError";
  }
}

/**
 * Writes to GitHub (or GitHub Enterprise) through the REST API only: repositories are
 * created with `auto_init` (the Git Data API refuses empty repositories), then files go
 * in as one tree and one commit. See lib/git/writer.ts for how retries stay idempotent.
 */
export class GitHubWriter implements GitWriter {
  private readonly octokit: Octokit;
  private readonly timeoutMs: number;
  private readonly retry: NonNullable<GitHubWriterOptions["retry"]>;

  constructor(options: GitHubWriterOptions) {
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.retry = options.retry ?? {};
    this.octokit = createOctokit({ baseUrl: options.baseUrl, token: options.token });
  }

  async createRepository(input: CreateRepositoryInput): Promise<CreateRepositoryResult> {
    const spec = checkCreateRepositoryInput(input);
    const fullName = `${spec.owner}/${spec.name}`;
    const context: CallContext = {
      action: `create the repository ${fullName}`,
      permission: `It needs the "repo" scope, or "Administration" and "Contents" write access to ${spec.owner}.`,
      notFound: `The GitHub repository ${fullName} disappeared while Pave was creating it; try again.`,
    };
    try {
      let repo = await this.createRepo(spec);
      const created = repo !== undefined;
      if (!repo) {
        repo = await this.call(context, (request) => this.octokit.rest.repos.get({ owner: spec.owner, repo: spec.name, request }));
        if (await this.wasPushedByRun(repo, spec, context)) {
          await this.finishRepo(repo, spec, context);
          return repositoryResult(repo, spec, false);
        }
        await this.assertResumable(repo, spec, context);
      }
      await this.pushInitialCommit(repo, spec, context);
      await this.finishRepo(repo, spec, context);
      return repositoryResult(repo, spec, created);
    } catch (error) {
      throw this.toAppError(error, context);
    }
  }

  async openPullRequest(input: OpenPullRequestInput): Promise<OpenPullRequestResult> {
    const spec = checkOpenPullRequestInput(input);
    const labels = checkPullRequestLabels(input.labels);
    const { owner, repo } = spec;
    const fullName = `${owner}/${repo}`;
    const context: CallContext = {
      action: `open a pull request in ${fullName}`,
      permission: `It needs the "repo" scope, or "Contents" and "Pull requests" write access to ${fullName}.`,
      notFound: `The GitHub repository ${fullName} was not found, or the token in ${TOKEN_SETTING} cannot see it.`,
    };
    try {
      const base =
        spec.targetBranch ??
        (await this.call(context, (request) => this.octokit.rest.repos.get({ owner, repo, request }))).default_branch;
      if (base === spec.branchName) throw new AppError("INVALID", `The pull request branch must differ from its target branch "${base}".`);

      const existing = await this.findOpenPull(spec, context);
      if (existing) {
        if (spec.update) await this.commitToExistingBranch(spec, context);
        await this.addLabels(existing, spec, labels, context);
        await this.requestReviewers(existing, spec, context);
        return { remoteUrl: existing.html_url, pullRequestNumber: existing.number, targetBranchName: existing.base.ref, created: false };
      }

      await this.prepareBranch(spec, base, context);
      let pull: PullRequest | undefined;
      let created = true;
      try {
        pull = (await this.call(context, (request) =>
          this.octokit.rest.pulls.create({ owner, repo, title: spec.title, body: spec.body, head: spec.branchName, base, draft: spec.draft, request }),
        )) as PullRequest;
      } catch (error) {
        // A retried create whose first attempt succeeded, or a concurrent run.
        if (!(httpStatus(error) === 422 && /pull request already exists/i.test(validationText(error)))) throw error;
        pull = await this.findOpenPull(spec, context);
        if (!pull) throw error;
        created = false;
      }
      // Labels before reviewers: a reviewer GitHub refuses must not leave the labels out.
      await this.addLabels(pull, spec, labels, context);
      await this.requestReviewers(pull, spec, context);
      return { remoteUrl: pull.html_url, pullRequestNumber: pull.number, targetBranchName: pull.base.ref, created };
    } catch (error) {
      throw this.toAppError(error, context);
    }
  }

  async getPullRequest(input: GetPullRequestInput): Promise<PullRequestState> {
    const { owner, repo, number } = input;
    checkOwner(owner);
    checkRepoName(repo);
    checkPullRequestNumber(number);
    const fullName = `${owner}/${repo}`;
    const context: CallContext = {
      action: `read pull request #${number} in ${fullName}`,
      permission: `It needs the "repo" scope, or "Pull requests" read access to ${fullName}.`,
      notFound: `There is no pull request #${number} in ${fullName} on GitHub, or the token in ${TOKEN_SETTING} cannot see the repository.`,
    };
    try {
      const pull = await this.call(context, (request) => this.octokit.rest.pulls.get({ owner, repo, pull_number: number, request }));
      const reviews = await this.listReviews(owner, repo, number, context);
      return {
        number: pull.number,
        url: pull.html_url,
        state: pull.state === "open" ? "open" : "closed",
        merged: pull.merged || pull.merged_at !== null,
        mergedAt: pull.merged_at,
        headSha: pull.head.sha,
        reviewState: summarizeReviews(reviews),
        approvers: approversOf(reviews),
      };
    } catch (error) {
      throw this.toAppError(error, context);
    }
  }

  // People review, merge and close on GitHub itself, as themselves and under the
  // repository's branch protection; Pave follows through webhooks and getPullRequest. Doing
  // it with Pave's token would record every decision as the token's, not the person's.

  async reviewPullRequest(input: ReviewPullRequestInput): Promise<PullRequestState> {
    throw decidedOnGitHub(input);
  }

  async mergePullRequest(input: MergePullRequestInput): Promise<PullRequestState> {
    throw decidedOnGitHub(input);
  }

  async closePullRequest(input: GetPullRequestInput): Promise<PullRequestState> {
    throw decidedOnGitHub(input);
  }

  /** Every submitted review, oldest first (the order GitHub lists them in). */
  private async listReviews(owner: string, repo: string, number: number, context: CallContext): Promise<ReviewDecision[]> {
    const decisions: ReviewDecision[] = [];
    for (let page = 1; page <= MAX_REVIEW_PAGES; page++) {
      const reviews = await this.call(context, (request) =>
        this.octokit.rest.pulls.listReviews({ owner, repo, pull_number: number, per_page: 100, page, request }),
      );
      for (const review of reviews) if (review.user) decisions.push({ reviewer: review.user.login, state: review.state });
      if (reviews.length < 100) break;
    }
    return decisions;
  }

  // -------------------------------------------------------------------------------------
  // Creating a repository

  /** Creates the repository (in the organization, or for the token's own user); undefined when the name is taken. */
  private async createRepo(spec: RepositorySpec): Promise<Repository | undefined> {
    const { owner, name } = spec;
    const description = markedDescription(spec.description, spec.runId);
    const context: CallContext = {
      action: `create repositories in ${owner}`,
      permission: `It needs the "repo" scope (and, for an organization, a member allowed to create repositories), or "Administration" write access to ${owner}.`,
    };
    try {
      return (await this.call(context, (request) =>
        this.octokit.rest.repos.createInOrg({ org: owner, name, description, visibility: spec.visibility as "public" | "private", auto_init: true, request }),
      )) as Repository;
    } catch (error) {
      if (isNameTaken(error)) return undefined;
      if (httpStatus(error) !== 404) throw this.toAppError(error, context);
    }
    // Not an organization: the owner may be the token's own account.
    const user = await this.call({ action: "read the token's user", permission: "" }, (request) =>
      this.octokit.rest.users.getAuthenticated({ request }),
    );
    if (user.login.toLowerCase() !== owner.toLowerCase()) {
      throw new AppError("NOT_FOUND", `The GitHub organization "${owner}" was not found, or the token in ${TOKEN_SETTING} cannot see it.`);
    }
    if (spec.visibility === "internal") {
      throw new AppError("INVALID", `Internal visibility is only available for organization repositories; ${owner} is a user account.`);
    }
    try {
      return (await this.call(context, (request) =>
        this.octokit.rest.repos.createForAuthenticatedUser({ name, description, private: spec.visibility !== "public", auto_init: true, request }),
      )) as Repository;
    } catch (error) {
      if (isNameTaken(error)) return undefined;
      throw this.toAppError(error, context);
    }
  }

  /** Whether the requested default branch already holds this run's commit. */
  private async wasPushedByRun(repo: Repository, spec: RepositorySpec, context: CallContext): Promise<boolean> {
    const head = await this.readBranchHead(spec.owner, spec.name, spec.defaultBranch, context);
    return head !== undefined && head !== "empty" && hasRunTrailer(head.message, spec.runId);
  }

  /**
   * Allows continuing into an existing repository only when this run created it (its
   * description still carries the run marker) and it holds nothing but GitHub's own
   * initial commit; anything else is someone else's repository.
   */
  private async assertResumable(repo: Repository, spec: RepositorySpec, context: CallContext): Promise<void> {
    const taken = new AppError("CONFLICT", `A repository named ${spec.owner}/${spec.name} already exists. Choose another name.`);
    if (!hasRunMarker(repo.description, spec.runId)) throw taken;
    const head = await this.readBranchHead(spec.owner, spec.name, repo.default_branch, context);
    if (head === "empty") {
      throw new AppError(
        "CONFLICT",
        `The repository ${spec.owner}/${spec.name} was created by this run but is empty, and GitHub's API cannot push to an empty repository. Delete it on GitHub and try again.`,
      );
    }
    if (!head || head.parents.length > 0 || hasAnyRunTrailer(head.message)) throw taken;
  }

  /**
   * Replaces GitHub's auto-init commit with one root commit holding exactly `files`, on
   * the requested default branch. Trees and commits are content-addressed, so repeating
   * them on a retry is harmless.
   */
  private async pushInitialCommit(repo: Repository, spec: RepositorySpec, context: CallContext): Promise<void> {
    const { owner, name } = spec;
    const tree = await this.call(context, (request) =>
      this.octokit.rest.git.createTree({ owner, repo: name, tree: treeEntries(spec.files), request }),
    );
    const commit = await this.call(context, (request) =>
      this.octokit.rest.git.createCommit({ owner, repo: name, message: spec.message, tree: tree.sha, parents: [], request }),
    );
    const ref = `heads/${spec.defaultBranch}`;
    if (spec.defaultBranch === repo.default_branch) {
      // Forced because the new root commit does not descend from the auto-init commit,
      // which assertResumable (or our own create a moment ago) proved is all there is.
      await this.call(context, (request) => this.octokit.rest.git.updateRef({ owner, repo: name, ref, sha: commit.sha, force: true, request }));
      return;
    }
    try {
      await this.call(context, (request) => this.octokit.rest.git.createRef({ owner, repo: name, ref: `refs/${ref}`, sha: commit.sha, request }));
    } catch (error) {
      if (!(httpStatus(error) === 422 && /already exists/i.test(validationText(error)))) throw error;
      await this.call(context, (request) => this.octokit.rest.git.updateRef({ owner, repo: name, ref, sha: commit.sha, force: true, request }));
    }
  }

  /** Sets the clean description and the requested default branch, and removes the auto-init branch if it was another one. */
  private async finishRepo(repo: Repository, spec: RepositorySpec, context: CallContext): Promise<void> {
    const { owner, name } = spec;
    const autoBranch = repo.default_branch;
    const wanted = spec.description === "" ? null : spec.description;
    if (repo.default_branch !== spec.defaultBranch || (repo.description ?? null) !== wanted) {
      await this.call(context, (request) =>
        this.octokit.rest.repos.update({ owner, repo: name, description: spec.description, default_branch: spec.defaultBranch, request }),
      );
    }
    if (autoBranch === spec.defaultBranch) return;
    const leftover = await this.readBranchHead(owner, name, autoBranch, context);
    // Only GitHub's own initial commit is ours to delete.
    if (leftover && leftover !== "empty" && leftover.parents.length === 0 && !hasAnyRunTrailer(leftover.message)) {
      try {
        await this.call(context, (request) => this.octokit.rest.git.deleteRef({ owner, repo: name, ref: `heads/${autoBranch}`, request }));
      } catch (error) {
        if (httpStatus(error) !== 422) throw error; // already gone
      }
    }
  }

  /** The head commit of a branch; undefined when the branch is missing, "empty" when the repository has no commits. */
  private async readBranchHead(
    owner: string,
    repo: string,
    branch: string,
    context: CallContext,
  ): Promise<{ sha: string; message: string; parents: string[] } | "empty" | undefined> {
    let sha: string;
    try {
      sha = (await this.call(context, (request) => this.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}`, request }))).object.sha;
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      if (httpStatus(error) === 409) return "empty";
      throw error;
    }
    const commit = await this.call(context, (request) => this.octokit.rest.git.getCommit({ owner, repo, commit_sha: sha, request }));
    return { sha, message: commit.message, parents: commit.parents.map((parent) => parent.sha) };
  }

  // -------------------------------------------------------------------------------------
  // Pull requests

  private async findOpenPull(spec: PullRequestSpec, context: CallContext): Promise<PullRequest | undefined> {
    const pulls = await this.call(context, (request) =>
      this.octokit.rest.pulls.list({ owner: spec.owner, repo: spec.repo, head: `${spec.owner}:${spec.branchName}`, state: "open", per_page: 10, request }),
    );
    return pulls[0];
  }

  /** Makes sure `branchName` holds this change: creates it from the base, or recognises (or, with update, extends) an existing one. */
  private async prepareBranch(spec: PullRequestSpec, base: string, context: CallContext): Promise<void> {
    const { owner, repo } = spec;
    const current = await this.readBranchHead(owner, repo, spec.branchName, context);
    if (current && current !== "empty") {
      if (hasRunTrailer(current.message, spec.runId)) return;
      if (!spec.update) {
        throw new AppError("CONFLICT", `A branch named "${spec.branchName}" already exists in ${owner}/${repo}. Choose another branch name.`);
      }
      await this.commitOnto(spec, current.sha, context);
      return;
    }
    let baseSha: string;
    try {
      baseSha = (await this.call(context, (request) => this.octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}`, request }))).object.sha;
    } catch (error) {
      if (httpStatus(error) === 404 || httpStatus(error) === 409) throw new AppError("NOT_FOUND", `There is no branch "${base}" in ${owner}/${repo} on GitHub.`);
      throw error;
    }
    const sha = await this.createChangeCommit(spec, baseSha, context);
    try {
      await this.call(context, (request) => this.octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${spec.branchName}`, sha, request }));
    } catch (error) {
      if (!(httpStatus(error) === 422 && /already exists/i.test(validationText(error)))) throw error;
      // A retried create that had succeeded is fine; someone else's branch is not.
      const now = await this.call(context, (request) => this.octokit.rest.git.getRef({ owner, repo, ref: `heads/${spec.branchName}`, request }));
      if (now.object.sha !== sha) {
        throw new AppError("CONFLICT", `A branch named "${spec.branchName}" was created in ${owner}/${repo} at the same time. Choose another branch name.`);
      }
    }
  }

  private async commitToExistingBranch(spec: PullRequestSpec, context: CallContext): Promise<void> {
    const head = await this.readBranchHead(spec.owner, spec.repo, spec.branchName, context);
    if (!head || head === "empty" || hasRunTrailer(head.message, spec.runId)) return;
    await this.commitOnto(spec, head.sha, context);
  }

  /** Adds the change as a commit on top of the branch head; refuses (never forces) if the branch moved meanwhile. */
  private async commitOnto(spec: PullRequestSpec, headSha: string, context: CallContext): Promise<void> {
    const sha = await this.createChangeCommit(spec, headSha, context);
    try {
      await this.call(context, (request) =>
        this.octokit.rest.git.updateRef({ owner: spec.owner, repo: spec.repo, ref: `heads/${spec.branchName}`, sha, force: false, request }),
      );
    } catch (error) {
      if (httpStatus(error) === 422) {
        throw new AppError("CONFLICT", `The branch "${spec.branchName}" in ${spec.owner}/${spec.repo} changed while Pave was updating it. Try again.`);
      }
      throw error;
    }
  }

  private async createChangeCommit(spec: PullRequestSpec, parentSha: string, context: CallContext): Promise<string> {
    const { owner, repo } = spec;
    const parent = await this.call(context, (request) => this.octokit.rest.git.getCommit({ owner, repo, commit_sha: parentSha, request }));
    const tree = await this.call(context, (request) =>
      this.octokit.rest.git.createTree({ owner, repo, base_tree: parent.tree.sha, tree: treeEntries(spec.files), request }),
    );
    const commit = await this.call(context, (request) =>
      this.octokit.rest.git.createCommit({ owner, repo, message: spec.message, tree: tree.sha, parents: [parentSha], request }),
    );
    return commit.sha;
  }

  /** Adds the labels the pull request does not have yet; GitHub creates labels the repository lacks. */
  private async addLabels(pull: PullRequest, spec: PullRequestSpec, labels: string[], context: CallContext): Promise<void> {
    const present = new Set(pull.labels.map((label) => label.name.toLowerCase()));
    const missing = labels.filter((name) => !present.has(name.toLowerCase()));
    if (missing.length === 0) return;
    try {
      await this.call(context, (request) =>
        this.octokit.rest.issues.addLabels({ owner: spec.owner, repo: spec.repo, issue_number: pull.number, labels: missing, request }),
      );
    } catch (error) {
      if (httpStatus(error) !== 422) throw error;
      const reason = validationText(error);
      throw new AppError(
        "INVALID",
        `Pull request #${pull.number} was opened, but GitHub refused the labels ${missing.join(", ")}${reason ? `: ${reason}` : ""}.`,
      );
    }
  }

  /** Requests reviews from those not yet requested, so a retry completes what a failed run began. */
  private async requestReviewers(pull: PullRequest, spec: PullRequestSpec, context: CallContext): Promise<void> {
    const author = pull.user?.login.toLowerCase();
    const requested = new Set((pull.requested_reviewers ?? []).map((user) => user.login.toLowerCase()));
    const requestedTeams = new Set((pull.requested_teams ?? []).map((team) => team.slug.toLowerCase()));
    const reviewers = spec.reviewers.filter((login) => !requested.has(login.toLowerCase()) && login.toLowerCase() !== author);
    const teamReviewers = spec.teamReviewers.filter((slug) => !requestedTeams.has(slug.toLowerCase()));
    if (reviewers.length === 0 && teamReviewers.length === 0) return;
    try {
      await this.call(context, (request) =>
        this.octokit.rest.pulls.requestReviewers({
          owner: spec.owner,
          repo: spec.repo,
          pull_number: pull.number,
          reviewers,
          team_reviewers: teamReviewers,
          request,
        }),
      );
    } catch (error) {
      if (httpStatus(error) !== 422) throw error;
      const who = [...reviewers, ...teamReviewers.map((slug) => `team ${slug}`)].join(", ");
      throw new AppError(
        "INVALID",
        `Pull request #${pull.number} was opened, but GitHub refused to request reviews from ${who}: reviewers must be collaborators of ${spec.owner}/${spec.repo} (teams need access to it).`,
      );
    }
  }

  // -------------------------------------------------------------------------------------
  // Calling GitHub

  /**
   * One REST call: its own 15-second abort signal per attempt (@octokit/request 10
   * ignores `request.timeout`), retried only when repeating it can help.
   */
  private async call<T>(context: CallContext, fn: (request: { signal: AbortSignal }) => Promise<{ data: T }>): Promise<T> {
    return withRetry(
      () => requestWithTimeout(this.timeoutMs, fn, (cause) => new GitHubTimeoutError(this.timeoutMs, { cause })),
      {
        ...this.retry,
        retryable: retryDecision,
        onRetry: ({ attempt, delayMs, error }) =>
          log.info({ host: "github", action: context.action, attempt, delayMs, status: httpStatus(error) }, "retrying GitHub request"),
      },
    );
  }

  private toAppError(error: unknown, context: CallContext): unknown {
    if (error instanceof AppError) return error;
    const code = httpStatus(error);
    log.warn({ host: "github", action: context.action, status: code, err: error }, "GitHub write failed");
    const make = (appCode: AppErrorCode, message: string) => Object.assign(new AppError(appCode, message), { cause: error });
    if (error instanceof GitHubTimeoutError) {
      return make("UNAVAILABLE", `GitHub did not answer within ${error.timeoutMs / 1000} seconds while Pave tried to ${context.action}; try again later.`);
    }
    if (code === undefined) return error;
    if (isRateLimited(error)) return make("UNAVAILABLE", `GitHub's API rate limit was reached while Pave tried to ${context.action}; try again later.`);
    if (code === 401) return make("FORBIDDEN", `GitHub rejected the token in ${TOKEN_SETTING}: it is invalid or has expired.`);
    if (code === 403) return make("FORBIDDEN", `The token in ${TOKEN_SETTING} is not allowed to ${context.action}. ${context.permission}`.trim());
    if (code === 404) return make("NOT_FOUND", context.notFound ?? `GitHub could not find what Pave needed to ${context.action}.`);
    if (code === 409) return make("CONFLICT", `GitHub refused to ${context.action} because of a conflict; try again.`);
    if (code === 422) {
      const reason = validationText(error);
      return make("INVALID", `GitHub refused to ${context.action}${reason ? `: ${reason}` : ""}.`);
    }
    if (code >= 400 && code < 500) return make("INVALID", `GitHub refused to ${context.action} (HTTP ${code}).`);
    return make("UNAVAILABLE", `GitHub could not be reached or answered with an error while Pave tried to ${context.action}; try again later.`);
  }
}

function decidedOnGitHub(input: GetPullRequestInput): AppError {
  return new AppError("CONFLICT", `Pull request #${input.number} of ${input.owner}/${input.repo} is on GitHub: review, merge or close it there. Pave follows the pull request.`);
}

function repositoryResult(repo: Repository, spec: RepositorySpec, created: boolean): CreateRepositoryResult {
  return {
    remoteUrl: repo.html_url,
    repoContentsUrl: `${repo.html_url}/blob/${encodeURIComponent(spec.defaultBranch)}`,
    defaultBranch: spec.defaultBranch,
    created,
  };
}

function treeEntries(files: Record<string, string | null>): TreeEntry[] {
  return Object.entries(files).map(([path, content]) =>
    content === null ? { path, mode: "100644", type: "blob", sha: null } : { path, mode: "100644", type: "blob", content },
  );
}

// ---------------------------------------------------------------------------------------
// Reading Octokit errors

/** Retry 5xx, network failures, timeouts and rate limits; never any other 4xx. */
function retryDecision(error: unknown): RetryDecision {
  if (error instanceof GitHubTimeoutError) return true;
  const code = httpStatus(error);
  if (code === undefined) return false;
  if (code >= 500) return true; // Octokit reports a network failure as 500 without a response.
  if (!isRateLimited(error)) return false;
  const headers = responseHeaders(error);
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return { afterMs: retryAfter * 1000 };
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-remaining"] === "0" && Number.isFinite(reset)) return { afterMs: Math.max(0, reset * 1000 - Date.now()) };
  // GitHub: without retry-after, wait at least a minute before retrying a secondary limit.
  return code === 429 ? true : { afterMs: 60_000 };
}

function isRateLimited(error: unknown): boolean {
  const code = httpStatus(error);
  if (code === 429) return true;
  if (code !== 403) return false;
  const headers = responseHeaders(error);
  return headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0" || /rate limit/i.test(githubMessage(error));
}

function isNameTaken(error: unknown): boolean {
  return httpStatus(error) === 422 && /already exists/i.test(validationText(error));
}





/**
 * GitHub's reasons for a 422 ("name already exists on this account", "Visibility can't be
 * internal", …): its own words for a person, without the request or any token.
 */
function validationText(error: unknown): string {
  const data = responseData(error);
  const errors = typeof data === "object" && data !== null && "errors" in data && Array.isArray(data.errors) ? data.errors : [];
  const reasons = errors
    .map((item: unknown) => {
      if (typeof item === "string") return item;
      if (typeof item !== "object" || item === null) return "";
      const { message, field, code } = item as { message?: unknown; field?: unknown; code?: unknown };
      if (typeof message === "string") return message;
      return typeof field === "string" && typeof code === "string" ? `${field} is ${code.replace(/_/g, " ")}` : "";
    })
    .filter((text: string) => text !== "" && text.length < 300 && !/[\u0000-\u001f]/.test(text));
  const message = githubMessage(error);
  if (reasons.length > 0) return reasons.join("; ");
  return message === "Validation Failed" || message.length > 300 ? "" : message;
}
