import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, realpath, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import {
  commitFiles,
  createBranch,
  getHeadBranch,
  GitCommandError,
  initBareRepo,
  listBranches,
  LocalMergeConflictError,
  mergeBranches,
  readBranchHead,
  setHeadBranch,
} from "@/lib/git/local";
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
  type ReviewPullRequestInput,
} from "@/lib/git/types";
import {
  checkCreateRepositoryInput,
  checkOpenPullRequestInput,
  checkOwner,
  checkRepoName,
  hasRunMarker,
  hasRunTrailer,
  markedDescription,
  type PullRequestSpec,
  type RepositorySpec,
} from "@/lib/git/writer";

/**
 * The embedded GitWriter: bare repositories at `<root>/<owner>/<name>.git` (root is
 * PAVE_GIT_ROOT), which `git clone file:///…` can read and LocalGitReader serves to the
 * catalog. Pull requests are JSON records inside the bare repository
 * (`pave-pulls/<n>.json`), which git ignores and clones do not copy.
 */
export class LocalGitWriter implements GitWriter {
  private readonly root: string;

  constructor(options: { root: string }) {
    this.root = path.resolve(options.root);
    // A location's repository path ends at its first "blob" segment (see location.ts).
    if (this.root.split(path.sep).includes("blob")) {
      throw new Error(`PAVE_GIT_ROOT (${this.root}) must not contain a directory named "blob".`);
    }
  }

  async createRepository(input: CreateRepositoryInput): Promise<CreateRepositoryResult> {
    const spec = checkCreateRepositoryInput(input);
    const dir = await resolveLocalRepoDir(this.root, spec.owner, spec.name);
    try {
      const created = await claimRepoDir(dir, spec);
      if (!created && !(await isBareRepo(dir))) throw nameTaken(spec);
      const head = await readBranchHead(dir, spec.defaultBranch);
      if (head && hasRunTrailer(head.message, spec.runId)) {
        // An earlier attempt pushed; it may have stopped before cleaning the description.
        await finishRepo(dir, spec);
        return this.repositoryResult(dir, spec, false);
      }
      if (!created) await assertResumable(dir, spec);
      try {
        await commitFiles(dir, spec.files, spec.message, { branch: spec.defaultBranch });
      } catch (error) {
        // The same run pushing concurrently (its commit won the compare-and-swap) is fine.
        const now = await readBranchHead(dir, spec.defaultBranch);
        if (!now || !hasRunTrailer(now.message, spec.runId)) throw error;
      }
      await finishRepo(dir, spec);
      return this.repositoryResult(dir, spec, created);
    } catch (error) {
      throw toAppError(error, `create the repository ${spec.owner}/${spec.name}`);
    }
  }

  async openPullRequest(input: OpenPullRequestInput): Promise<OpenPullRequestResult> {
    const spec = checkOpenPullRequestInput(input);
    const labels = checkPullRequestLabels(input.labels);
    const dir = await resolveLocalRepoDir(this.root, spec.owner, spec.repo);
    const name = `${spec.owner}/${spec.repo}`;
    if (!(await isDirectory(dir))) throw new AppError("NOT_FOUND", `There is no repository ${name} under PAVE_GIT_ROOT.`);
    try {
      const base = spec.targetBranch ?? (await getHeadBranch(dir));
      if (base === spec.branchName) throw new AppError("INVALID", `The pull request branch must differ from its target branch "${base}".`);
      const baseHead = await readBranchHead(dir, base);
      if (!baseHead) throw new AppError("NOT_FOUND", `There is no branch "${base}" in ${name}.`);

      const existing = (await listLocalPullRequests(dir)).find((pr) => pr.state === "open" && pr.head === spec.branchName);
      if (existing) {
        if (spec.update) await this.commitToBranch(dir, spec);
        const pr = await addRequests(dir, existing.number, spec, labels);
        return { remoteUrl: pullRequestUrl(dir, pr.number), pullRequestNumber: pr.number, targetBranchName: pr.base, created: false };
      }

      const branchHead = await readBranchHead(dir, spec.branchName);
      if (!branchHead) {
        await createBranch(dir, spec.branchName, baseHead.sha);
        await commitFiles(dir, spec.files, spec.message, { branch: spec.branchName });
      } else if (!hasRunTrailer(branchHead.message, spec.runId)) {
        if (!spec.update) {
          throw new AppError("CONFLICT", `A branch named "${spec.branchName}" already exists in ${name}. Choose another branch name.`);
        }
        await commitFiles(dir, spec.files, spec.message, { branch: spec.branchName });
      }

      const pr = await createPullRecord(dir, {
        title: spec.title,
        body: spec.body,
        head: spec.branchName,
        base,
        draft: spec.draft,
        reviewers: spec.reviewers,
        teamReviewers: spec.teamReviewers,
        labels,
        runId: spec.runId,
      });
      return { remoteUrl: pullRequestUrl(dir, pr.number), pullRequestNumber: pr.number, targetBranchName: base, created: true };
    } catch (error) {
      throw toAppError(error, `open a pull request in ${name}`);
    }
  }

  async getPullRequest(input: GetPullRequestInput): Promise<PullRequestState> {
    checkPullRequestNumber(input.number);
    const dir = await resolveLocalRepoDir(this.root, input.owner, input.repo);
    const name = `${input.owner}/${input.repo}`;
    try {
      const pr = await getLocalPullRequest(dir, input.number);
      if (!pr) throw new AppError("NOT_FOUND", `There is no pull request #${input.number} in ${name}.`);
      return await pullRequestState(dir, pr);
    } catch (error) {
      throw toAppError(error, `read pull request #${input.number} of ${name}`);
    }
  }

  async reviewPullRequest(input: ReviewPullRequestInput): Promise<PullRequestState> {
    const { reviewer, state, comment } = input;
    return this.decide(input, "review", (dir) => reviewLocalPullRequest(dir, input.number, { reviewer, state, comment }));
  }

  async mergePullRequest(input: MergePullRequestInput): Promise<PullRequestState> {
    return this.decide(input, "merge", (dir) => mergeLocalPullRequest(dir, input.number, { ignoreReviewers: input.ignoreReviewers }));
  }

  async closePullRequest(input: GetPullRequestInput): Promise<PullRequestState> {
    return this.decide(input, "close", (dir) => setLocalPullRequestState(dir, input.number, "closed"));
  }

  /** Runs one decision on a pull request's record (under its lock) and answers the pull request as it stands after it. */
  private async decide(input: GetPullRequestInput, verb: string, change: (dir: string) => Promise<LocalPullRequest>): Promise<PullRequestState> {
    checkPullRequestNumber(input.number);
    const dir = await resolveLocalRepoDir(this.root, input.owner, input.repo);
    try {
      return await pullRequestState(dir, await change(dir));
    } catch (error) {
      throw toAppError(error, `${verb} pull request #${input.number} of ${input.owner}/${input.repo}`);
    }
  }

  private async commitToBranch(dir: string, spec: PullRequestSpec): Promise<void> {
    const head = await readBranchHead(dir, spec.branchName);
    if (head && hasRunTrailer(head.message, spec.runId)) return;
    await commitFiles(dir, spec.files, spec.message, { branch: spec.branchName });
  }

  private repositoryResult(dir: string, spec: RepositorySpec, created: boolean): CreateRepositoryResult {
    const remoteUrl = fileUrl(dir);
    return { remoteUrl, repoContentsUrl: `${remoteUrl}/blob/${encodeURIComponent(spec.defaultBranch)}`, defaultBranch: spec.defaultBranch, created };
  }
}

/**
 * The directory of a local repository, `<root>/<owner>/<name>.git`, after checking the
 * names strictly and proving (after following symlinks) that it stays inside the root.
 */
export async function resolveLocalRepoDir(root: string, owner: string, name: string): Promise<string> {
  checkOwner(owner);
  checkRepoName(name);
  const resolvedRoot = path.resolve(root);
  const dir = path.resolve(resolvedRoot, owner, `${name}.git`);
  const refusal = () => new AppError("FORBIDDEN", `Local repositories must be inside PAVE_GIT_ROOT (${resolvedRoot}).`);
  if (!isInside(resolvedRoot, dir)) throw refusal();
  await mkdir(resolvedRoot, { recursive: true });
  const realRoot = await realpath(resolvedRoot);
  // The owner directory or the repository itself could be a symlink planted in the root.
  for (const candidate of [path.dirname(dir), dir]) {
    const real = await realpath(/*turbopackIgnore: true*/ candidate).catch(() => undefined);
    if (real !== undefined && !isInside(realRoot, real)) throw refusal();
  }
  return dir;
}

/**
 * Creates the repository directory if it does not exist yet, atomically: the bare
 * repository (with this run's description marker) is initialised under a temporary name
 * and renamed into place, so two runs racing for one name cannot both claim it. Returns
 * whether this call created it.
 */
async function claimRepoDir(dir: string, spec: RepositorySpec): Promise<boolean> {
  const parent = path.dirname(dir);
  await mkdir(parent, { recursive: true });
  if ((await readdir(dir).catch(() => undefined))?.length) return false;
  const tmp = path.join(parent, `.pave-new-${path.basename(dir)}-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(tmp);
    await initBareRepo(tmp, { branch: spec.defaultBranch, description: markedDescription(spec.description, spec.runId) });
    try {
      // rename() replaces a missing or empty directory and fails on a non-empty one.
      await rename(tmp, dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") return false;
      throw error;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Allows continuing a push into an existing repository only if this run created it and nothing was pushed since. */
async function assertResumable(dir: string, spec: RepositorySpec): Promise<void> {
  const description = await readFile(path.join(dir, "description"), "utf8").catch(() => "");
  if (!hasRunMarker(description.trim(), spec.runId)) throw nameTaken(spec);
  if ((await listBranches(dir)).length > 0) throw nameTaken(spec);
}

function nameTaken(spec: RepositorySpec): AppError {
  return new AppError("CONFLICT", `A repository named ${spec.owner}/${spec.name} already exists. Choose another name.`);
}

/** Whether `dir` looks like a bare repository (a HEAD file and an objects directory). */
async function isBareRepo(dir: string): Promise<boolean> {
  const head = await stat(path.join(dir, "HEAD")).then((info) => info.isFile(), () => false);
  return head && (await isDirectory(path.join(dir, "objects")));
}

/** The last step of creating a repository: HEAD on the default branch and the clean description. */
async function finishRepo(dir: string, spec: RepositorySpec): Promise<void> {
  await setHeadBranch(dir, spec.defaultBranch);
  const description = spec.description || "Unnamed repository; edit this file 'description' to name the repository.";
  await writeFile(path.join(dir, "description"), `${description}\n`);
}

// ---------------------------------------------------------------------------------------
// Local pull requests

/** A merged pull request is "closed" with `merged: true`, as on GitHub. */
export type LocalPullRequestState = "open" | "closed";

export interface LocalPullRequestReview {
  /** Whoever reviewed: a GitHub-style login or Pave's user (e.g. an email address). */
  reviewer: string;
  state: "approved" | "changes_requested";
  comment?: string;
  submittedAt: string;
}

/** A pull request of the local git host, stored as `<repo>/pave-pulls/<number>.json`. */
export interface LocalPullRequest {
  number: number;
  title: string;
  body: string;
  /** The branch with the changes. */
  head: string;
  /** The branch they are to be merged into. */
  base: string;
  state: LocalPullRequestState;
  merged: boolean;
  draft: boolean;
  reviewers: string[];
  teamReviewers: string[];
  labels: string[];
  /** Oldest first. */
  reviews: LocalPullRequestReview[];
  createdAt: string;
  updatedAt: string;
  runId?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  /** The head branch's commit when the pull request was merged. */
  headSha?: string;
  /** Raised by every change; a write whose record moved on since it was read is refused. */
  version?: number;
}

const MAX_REVIEWER_LENGTH = 254;
const MAX_REVIEW_COMMENT = 65_536;

const PULLS_DIR = "pave-pulls";

function pullPath(repoDir: string, number: number): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new AppError("INVALID", `"${number}" is not a pull request number.`);
  return path.join(repoDir, PULLS_DIR, `${number}.json`);
}

/** A local pull request as GitWriter answers it. */
async function pullRequestState(dir: string, pr: LocalPullRequest): Promise<PullRequestState> {
  // As on GitHub, a merged pull request keeps the head it was merged at, even when
  // its branch moves on or is deleted.
  const headSha = (pr.merged ? pr.headSha : undefined) ?? (await readBranchHead(dir, pr.head))?.sha ?? "";
  return {
    number: pr.number,
    url: pullRequestUrl(dir, pr.number),
    state: pr.state,
    merged: pr.merged,
    mergedAt: pr.mergedAt ?? null,
    headSha,
    reviewState: summarizeReviews(pr.reviews),
    approvers: approversOf(pr.reviews),
  };
}

/** The address of a local pull request: the repository's file URL with `#pull/<n>`. */
export function pullRequestUrl(repoDir: string, number: number): string {
  return `${fileUrl(repoDir)}#pull/${number}`;
}

/** All pull requests of a local repository, by number. */
export async function listLocalPullRequests(repoDir: string): Promise<LocalPullRequest[]> {
  const names = await readdir(path.join(repoDir, PULLS_DIR)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const numbers = names.map((name) => /^([1-9][0-9]*)\.json$/.exec(name)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  const pulls = await Promise.all(numbers.sort((a, b) => a - b).map((n) => getLocalPullRequest(repoDir, n)));
  return pulls.filter((pr): pr is LocalPullRequest => pr !== undefined);
}

/** One local pull request, or undefined when there is none with that number. */
export async function getLocalPullRequest(repoDir: string, number: number): Promise<LocalPullRequest | undefined> {
  let text: string;
  try {
    text = await readFile(pullPath(repoDir, number), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return upgradeRecord(JSON.parse(text) as StoredPullRequest);
}

/** A record as stored: older ones have `state: "merged"` and lack merged, labels and reviews. */
type StoredPullRequest = Omit<LocalPullRequest, "state" | "merged" | "labels" | "reviews"> & {
  state: LocalPullRequestState | "merged";
  merged?: boolean;
  labels?: string[];
  reviews?: LocalPullRequestReview[];
};

function upgradeRecord(stored: StoredPullRequest): LocalPullRequest {
  const merged = stored.merged === true || stored.state === "merged";
  return { ...stored, state: stored.state === "open" && !merged ? "open" : "closed", merged, labels: stored.labels ?? [], reviews: stored.reviews ?? [] };
}

/** Closes or reopens a local pull request (merging goes through mergeLocalPullRequest). */
export async function setLocalPullRequestState(repoDir: string, number: number, state: "open" | "closed"): Promise<LocalPullRequest> {
  return updatePull(repoDir, number, async (pr) => {
    if (pr.merged) throw new AppError("CONFLICT", `Pull request #${number} is already merged.`);
    if (state === "open" && pr.state !== "open") {
      const other = (await listLocalPullRequests(repoDir)).find((p) => p.state === "open" && p.head === pr.head && p.number !== number);
      if (other) throw new AppError("CONFLICT", `Pull request #${other.number} from "${pr.head}" is already open.`);
    }
    return { ...pr, state, updatedAt: new Date().toISOString() };
  });
}

/**
 * Merges an open, approved local pull request into its base branch: a fast-forward when
 * the base has not moved, else a merge commit. The record becomes closed and merged.
 * The reviews are read under the record's lock, so a change request that lands at the
 * same moment stops the merge. Reviews by `ignoreReviewers` (the requester) never count.
 * Merging a merged pull request again returns it unchanged; a closed one, one without
 * an approval, or changes that conflict throw AppError("CONFLICT").
 */
export async function mergeLocalPullRequest(repoDir: string, number: number, options: { ignoreReviewers?: string[] } = {}): Promise<LocalPullRequest> {
  return updatePull(repoDir, number, async (pr) => {
    if (pr.merged) return pr;
    if (pr.state !== "open") throw new AppError("CONFLICT", `Pull request #${number} is closed; reopen it before merging.`);
    const ignored = new Set((options.ignoreReviewers ?? []).map((r) => r.toLowerCase()));
    const decision = summarizeReviews(pr.reviews.filter((r) => !ignored.has(r.reviewer.toLowerCase())));
    if (decision !== "approved") {
      throw new AppError(
        "CONFLICT",
        decision === "changes_requested" ? `Pull request #${number} has changes requested; it cannot be merged.` : `Pull request #${number} needs an approval before it can be merged.`,
      );
    }
    let merged: { sha: string };
    let headSha: string | undefined;
    try {
      headSha = (await readBranchHead(repoDir, pr.head))?.sha;
      if (!headSha) throw new AppError("CONFLICT", `Pull request #${number} cannot be merged: its branch "${pr.head}" no longer exists.`);
      merged = await mergeBranches(repoDir, { base: pr.base, head: pr.head, message: `Merge pull request #${number} from ${pr.head}\n\n${pr.title}` });
    } catch (error) {
      if (error instanceof LocalMergeConflictError) {
        throw new AppError("CONFLICT", `Pull request #${number} cannot be merged: its changes conflict with "${pr.base}".`);
      }
      throw toAppError(error, `merge pull request #${number}`);
    }
    const now = new Date().toISOString();
    return { ...pr, state: "closed", merged: true, mergedAt: now, updatedAt: now, mergeCommitSha: merged.sha, headSha };
  });
}

/**
 * Records a review of a local pull request. Repeating a reviewer's latest review (same
 * decision and comment) changes nothing, so a retried or double-submitted review is
 * stored once. A closed or merged pull request takes no new reviews.
 */
export async function reviewLocalPullRequest(
  repoDir: string,
  number: number,
  review: { reviewer: string; state: "approved" | "changes_requested"; comment?: string },
): Promise<LocalPullRequest> {
  const reviewer = typeof review.reviewer === "string" ? review.reviewer.trim() : "";
  if (reviewer === "" || reviewer.length > MAX_REVIEWER_LENGTH || /[\u0000-\u001f\u007f]/.test(reviewer)) {
    throw new AppError("INVALID", "A review needs the reviewer's name on one line.");
  }
  if (review.state !== "approved" && review.state !== "changes_requested") {
    throw new AppError("INVALID", `"${String(review.state)}" is not a review decision: use approved or changes_requested.`);
  }
  const comment = review.comment?.trim() || undefined;
  if (comment !== undefined && comment.length > MAX_REVIEW_COMMENT) {
    throw new AppError("INVALID", `The review comment is too long (at most ${MAX_REVIEW_COMMENT} characters).`);
  }
  return updatePull(repoDir, number, async (pr) => {
    const latest = pr.reviews.findLast((r) => r.reviewer.toLowerCase() === reviewer.toLowerCase());
    if (latest && latest.state === review.state && latest.comment === comment) return pr;
    if (pr.state !== "open") {
      throw new AppError("CONFLICT", `Pull request #${number} is ${pr.merged ? "merged" : "closed"} and can no longer be reviewed.`);
    }
    const now = new Date().toISOString();
    const added: LocalPullRequestReview = { reviewer, state: review.state, ...(comment === undefined ? {} : { comment }), submittedAt: now };
    return { ...pr, reviews: [...pr.reviews, added], updatedAt: now };
  });
}

async function requirePull(repoDir: string, number: number): Promise<LocalPullRequest> {
  const pr = await getLocalPullRequest(repoDir, number);
  if (!pr) throw new AppError("NOT_FOUND", `There is no pull request #${number}.`);
  return pr;
}

/** Stores a new pull request under the next free number; the exclusive create makes numbers unique under concurrency. */
async function createPullRecord(
  repoDir: string,
  fields: Omit<LocalPullRequest, "number" | "state" | "merged" | "reviews" | "createdAt" | "updatedAt">,
): Promise<LocalPullRequest> {
  await mkdir(path.join(repoDir, PULLS_DIR), { recursive: true });
  const existing = await listLocalPullRequests(repoDir);
  let number = (existing.at(-1)?.number ?? 0) + 1;
  const now = new Date().toISOString();
  for (;;) {
    const pr: LocalPullRequest = { number, ...fields, state: "open", merged: false, reviews: [], createdAt: now, updatedAt: now };
    if (pr.runId === undefined) delete pr.runId;
    try {
      await writeFile(pullPath(repoDir, number), `${JSON.stringify(pr, null, 2)}\n`, { flag: "wx" });
      return pr;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      number++;
    }
  }
}

/** Adds reviewers and labels an open pull request does not have yet (labels compared case-insensitively, as on GitHub). */
async function addRequests(repoDir: string, number: number, spec: PullRequestSpec, labels: string[]): Promise<LocalPullRequest> {
  return updatePull(repoDir, number, async (pr) => {
    const reviewers = [...new Set([...pr.reviewers, ...spec.reviewers])];
    const teamReviewers = [...new Set([...pr.teamReviewers, ...spec.teamReviewers])];
    const present = new Set(pr.labels.map((label) => label.toLowerCase()));
    const newLabels = [...pr.labels, ...labels.filter((label) => !present.has(label.toLowerCase()))];
    if (reviewers.length === pr.reviewers.length && teamReviewers.length === pr.teamReviewers.length && newLabels.length === pr.labels.length) return pr;
    return { ...pr, reviewers, teamReviewers, labels: newLabels, updatedAt: new Date().toISOString() };
  });
}

const LOCK_WAIT_MS = 15_000;
/** A lock older than this was left by a process that died while holding it. */
const STALE_LOCK_MS = 60_000;

/**
 * Runs `work` while holding the record's lock file (`<n>.json.lock`, created exclusively),
 * so two processes deciding on one pull request at once take turns instead of each
 * writing over the other's decision.
 */
async function withPullLock<T>(repoDir: string, number: number, work: () => Promise<T>): Promise<T> {
  const lock = `${pullPath(repoDir, number)}.lock`;
  // Whose lock it is: released only by its holder, so a waiter that broke a stale lock is not robbed of its own.
  const token = `${process.pid}:${randomBytes(8).toString("hex")}\n`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      await writeFile(lock, token, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = await stat(lock).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new AppError("CONFLICT", `Pull request #${number} is being changed by someone else. Try again.`);
      else await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  // A long merge keeps its lock fresh, so nobody takes it for stale.
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(lock, now, now).catch(() => {});
  }, STALE_LOCK_MS / 4);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    const holder = await readFile(lock, "utf8").catch(() => null);
    if (holder === token) await rm(lock, { force: true });
  }
}

/**
 * Reads a record under its lock, lets `change` decide (return the record unchanged for
 * no write) and saves the result only if the record is still the version it read.
 */
async function updatePull(repoDir: string, number: number, change: (pr: LocalPullRequest) => Promise<LocalPullRequest>): Promise<LocalPullRequest> {
  return withPullLock(repoDir, number, async () => {
    const pr = await requirePull(repoDir, number);
    const next = await change(pr);
    if (next === pr) return pr;
    return savePull(repoDir, { ...next, version: (pr.version ?? 0) + 1 }, pr.version ?? 0);
  });
}

/** Replaces a record atomically (write, then rename), so readers never see half a file; refuses a record that moved on. */
async function savePull(repoDir: string, pr: LocalPullRequest, expectedVersion: number): Promise<LocalPullRequest> {
  const file = pullPath(repoDir, pr.number);
  const current = await getLocalPullRequest(repoDir, pr.number);
  if ((current?.version ?? 0) !== expectedVersion) {
    throw new AppError("CONFLICT", `Pull request #${pr.number} was changed by someone else at the same time. Reload and try again.`);
  }
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, `${JSON.stringify(pr, null, 2)}\n`);
  await rename(tmp, file);
  return pr;
}

// ---------------------------------------------------------------------------------------

/** `file:///…` for an absolute path, each segment percent-encoded. */
function fileUrl(dir: string): string {
  return `file://${dir.split(path.sep).map(encodeURIComponent).join("/")}`;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((info) => info.isDirectory(), () => false);
}

function toAppError(error: unknown, action: string): unknown {
  if (error instanceof AppError) return error;
  log.warn({ err: error, action }, "local git write failed");
  if (error instanceof GitCommandError) {
    if (error.reason === "no_git") return new AppError("UNAVAILABLE", "git is not installed on the Pave server.");
    if (/cannot lock ref|but expected/i.test(error.stderr)) {
      return new AppError("CONFLICT", `Could not ${action}: the branch changed at the same time. Try again.`);
    }
  }
  return new AppError("UNAVAILABLE", `Could not ${action} in the local git repositories; the error has been logged.`);
}
