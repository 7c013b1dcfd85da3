import { AppError, type AppErrorCode } from "@/lib/errors";
import type { LocationTarget } from "@/lib/git/location";

/**
 * Pave's git layer: one small interface per capability, each with a GitHub
 * implementation (lib/git/github.ts, github-writer.ts) and an embedded local-git one
 * (lib/git/local.ts, local-writer.ts). Reading files, reading folders and writing are
 * separate interfaces, so read-only callers never hold write access.
 *
 * This module holds what every implementation shares and imports no implementation, so
 * the arrows inside lib/git point one way: implementations → types, and only
 * lib/git/hosts.ts (read by lib/git/index.ts) knows them all.
 */

/** A file read from git. `sha` is the git blob id, the same for GitHub and local git. */
export interface GitFile {
  content: string;
  sha: string;
}

export interface GitReader {
  /** Reads one UTF-8 text file; throws GitReadError for anything a person can act on. */
  readFile(target: LocationTarget): Promise<GitFile>;
}

/** A GitReader for every location kind, plus the parser that matches its configuration. */
export interface PaveGitReader extends GitReader {
  /** Parses a location, accepting GitHub URLs of the configured GitHub (github.com or Enterprise). */
  parseLocation(target: string): LocationTarget;
  /**
   * The paths of every file below the folder `target.path` at `target.ref` (for template
   * skeletons); more than `limit` (default 2000) is refused. Local git locations only.
   */
  listFiles(target: LocationTarget, limit?: number): Promise<string[]>;
}

export type GitReadErrorKind = "not_found" | "forbidden" | "unavailable" | "invalid";

const CODES: Record<GitReadErrorKind, AppErrorCode> = {
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  unavailable: "UNAVAILABLE",
  invalid: "INVALID",
};

/**
 * A failed read. The message is safe to show (no stack, token or raw API body); the
 * underlying error, if any, is kept as `cause` for logs only.
 */
export class GitReadError extends AppError {
  constructor(
    readonly kind: GitReadErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(CODES[kind], message);
    this.name = "GitReadError";
    if (options && "cause" in options) this.cause = options.cause;
  }
}

/** Whether a read failed because what it reads (repository, ref or file) does not exist. */
export function isGitNotFound(error: unknown): error is GitReadError {
  return error instanceof GitReadError && error.kind === "not_found";
}

/**
 * The read's result, or null when what it reads does not exist. Every other failure (an
 * outage, a refused token, a file too large) is rethrown: it says nothing about whether
 * the file is there, so it must not be taken for "missing".
 */
export async function nullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (isGitNotFound(error)) return null;
    throw error;
  }
}

/** The largest file Pave reads from git (catalog and template files are far smaller). */
export const MAX_GIT_FILE_BYTES = 2 * 1024 * 1024;

/** Decodes file bytes as strict UTF-8, refusing binary files with a readable message. */
export function decodeGitFile(bytes: Uint8Array, describe: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new GitReadError("invalid", `${describe} is not a UTF-8 text file.`);
  }
}

// ---------------------------------------------------------------------------------------
// Reading folders (docs, repository facts), as opposed to the single files GitReader
// reads. Both hosts answer with git's own object ids, so a commit sha read from GitHub and
// from a local mirror of it are the same.

/** A repository, without a ref: on GitHub, or a local (usually bare) repository under PAVE_GIT_ROOT. */
export type GitRepository = { host: "github"; owner: string; repo: string } | { host: "local"; repoPath: string };

/** One entry of a folder. Paths are relative to the repository root, without a leading "/". */
export interface GitTreeEntry {
  path: string;
  /** Symbolic links and submodules are never listed; only files and (non-recursive listings) folders. */
  type: "blob" | "tree";
  /** Bytes of a file; 0 for a folder. */
  size: number;
  /** The git object id. */
  sha: string;
}

export interface ListTreeOptions {
  /** Every file below `dir` (default), or only its direct children, folders included. */
  recursive?: boolean;
  /** More entries than this is refused with a GitReadError; defaults to MAX_TREE_ENTRIES. */
  limit?: number;
}

export interface GitTreeReader {
  /** The commit sha a branch, tag, commit or "HEAD" (the default branch) points to. */
  resolveCommit(repo: GitRepository, ref: string): Promise<string>;
  /**
   * The entries below `dir` ("" for the root) at a commit, sorted by path. A missing
   * folder (or one that is a file) gives an empty list, so callers can probe cheaply.
   */
  listTree(repo: GitRepository, commit: string, dir: string, options?: ListTreeOptions): Promise<GitTreeEntry[]>;
  /** The bytes of a file by its sha; larger than `maxBytes` (default MAX_BLOB_BYTES) is refused. */
  readBlob(repo: GitRepository, sha: string, options?: { maxBytes?: number }): Promise<Uint8Array>;
}

/** The most entries one listing returns; far beyond any docs folder, small enough to hold in memory. */
export const MAX_TREE_ENTRIES = 50_000;
/** The largest single file read through a GitTreeReader. */
export const MAX_BLOB_BYTES = 10 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Writing

export type RepositoryVisibility = "private" | "internal" | "public";

export interface CreateRepositoryInput {
  /** The organization (or, on GitHub, the token's own user) that will own the repository. */
  owner: string;
  name: string;
  description?: string;
  /** Defaults to "private". "internal" exists only for GitHub Enterprise organizations. */
  visibility?: RepositoryVisibility;
  /** Defaults to "main". */
  defaultBranch?: string;
  /** path → UTF-8 content, pushed as one commit. */
  files: Record<string, string>;
  /** Defaults to "Initial commit"; a `Pave-Run: <runId>` trailer is always appended. */
  commitMessage?: string;
  /** The scaffolder run doing this; a retry with the same runId picks up where it stopped. */
  runId: string;
}

export interface CreateRepositoryResult {
  /** Where to clone or browse the repository (GitHub's html_url, or file:///…/<name>.git). */
  remoteUrl: string;
  /** A location base: `${repoContentsUrl}/catalog-info.yaml` is a valid location. */
  repoContentsUrl: string;
  defaultBranch: string;
  /** False when an earlier attempt of the same run had already created the repository. */
  created: boolean;
}

export interface OpenPullRequestInput {
  owner: string;
  repo: string;
  title: string;
  body: string;
  /** The branch the change is committed to; created from the target branch's head. */
  branchName: string;
  /** Defaults to the repository's default branch. */
  targetBranch?: string;
  /** path → new content, or null to delete the file. */
  files: Record<string, string | null>;
  /** Defaults to the title. */
  commitMessage?: string;
  draft?: boolean;
  reviewers?: string[];
  teamReviewers?: string[];
  /** When an open pull request from branchName exists, push this change to it too. */
  update?: boolean;
  /** Marks the commit, so a retried run does not push the same change twice. */
  runId?: string;
  /** Labels for the pull request; GitHub creates missing ones. Adding a label it already has is harmless. */
  labels?: string[];
}

export interface OpenPullRequestResult {
  /** The pull request's web page (GitHub), or file:///…/<name>.git#pull/<n> locally. */
  remoteUrl: string;
  pullRequestNumber: number;
  targetBranchName: string;
  /** False when an open pull request from the branch already existed. */
  created: boolean;
}

export interface GetPullRequestInput {
  owner: string;
  repo: string;
  number: number;
}

/** How reviewers have decided, from each reviewer's latest decision (see `summarizeReviews`). */
export type PullRequestReviewState = "approved" | "changes_requested" | "none";

/** Where a pull request stands, as Pave needs it to follow a self-service request. */
export interface PullRequestState {
  number: number;
  /** The pull request's web page (GitHub), or file:///…/<name>.git#pull/<n> locally. */
  url: string;
  /** A merged pull request is "closed" with `merged: true`, as on GitHub. */
  state: "open" | "closed";
  merged: boolean;
  /** ISO 8601, or null while not merged. */
  mergedAt: string | null;
  /** The commit at the tip of the pull request's branch. */
  headSha: string;
  reviewState: PullRequestReviewState;
  /** Reviewers (lowercased logins or emails) whose latest decision approves. */
  approvers: string[];
}

/** A reviewer's decision on a pull request (see GitWriter.reviewPullRequest). */
export interface ReviewPullRequestInput extends GetPullRequestInput {
  /** Whoever reviews: Pave's user (e.g. an email address) or a GitHub-style login. */
  reviewer: string;
  state: "approved" | "changes_requested";
  comment?: string;
}

export interface MergePullRequestInput extends GetPullRequestInput {
  /** Reviewers whose approvals do not count (the person who asked for the change). */
  ignoreReviewers?: string[];
}

/**
 * Writes to git: new repositories for the scaffolder, pull requests for self-service.
 * Every method is safe to retry: it finishes or recognises its own earlier work instead
 * of doing it twice. Errors a person can act on are AppErrors.
 */
export interface GitWriter {
  /** Creates `owner/name` with `files` as one commit on the default branch. */
  createRepository(input: CreateRepositoryInput): Promise<CreateRepositoryResult>;
  /** Commits `files` to a new branch and opens a pull request from it (or returns the open one). */
  openPullRequest(input: OpenPullRequestInput): Promise<OpenPullRequestResult>;
  /** Reads a pull request's state, merge and review decision; throws AppError("NOT_FOUND") when there is none. */
  getPullRequest(input: GetPullRequestInput): Promise<PullRequestState>;
  /**
   * Records a review of an open pull request and returns the pull request as it stands
   * after it. Repeating a reviewer's latest review changes nothing. Where the host has
   * its own review page (GitHub), people review there and this throws AppError("CONFLICT").
   */
  reviewPullRequest(input: ReviewPullRequestInput): Promise<PullRequestState>;
  /**
   * Merges an open, approved pull request (approvals by `ignoreReviewers` not counted);
   * merging a merged one returns it unchanged. A closed one, one without an approval, or
   * conflicting changes throw AppError("CONFLICT"), as does a host with its own merge page.
   */
  mergePullRequest(input: MergePullRequestInput): Promise<PullRequestState>;
  /** Closes a pull request without merging it; a merged one, or a host with its own page, throws AppError("CONFLICT"). */
  closePullRequest(input: GetPullRequestInput): Promise<PullRequestState>;
}

// ---------------------------------------------------------------------------------------
// Shared by both writers (lib/git/writer.ts would be the natural home; kept here while
// that file belongs to another change).

/** GitHub refuses label names longer than this. */
const MAX_LABEL_LENGTH = 50;
const MAX_LABELS = 100;

/** Checks pull request labels and removes duplicates (GitHub compares label names case-insensitively). */
export function checkPullRequestLabels(labels: string[] | undefined): string[] {
  if (labels === undefined) return [];
  if (!Array.isArray(labels)) throw new AppError("INVALID", "The pull request labels must be a list of names.");
  if (labels.length > MAX_LABELS) throw new AppError("INVALID", `Too many labels for one pull request (at most ${MAX_LABELS}).`);
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const label of labels) {
    const name = typeof label === "string" ? label.trim() : "";
    if (name === "" || name.length > MAX_LABEL_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
      throw new AppError("INVALID", `"${String(label)}" is not a valid label: use 1–${MAX_LABEL_LENGTH} characters on one line.`);
    }
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    unique.push(name);
  }
  return unique;
}

/** Checks the number of a pull request to read. */
export function checkPullRequestNumber(number: number): void {
  if (!Number.isSafeInteger(number) || number < 1) throw new AppError("INVALID", `"${String(number)}" is not a pull request number.`);
}

/** One submitted review, in the order reviews were submitted. */
export interface ReviewDecision {
  reviewer: string;
  /** GitHub's review states, in either case ("APPROVED" in the REST API, "approved" in webhooks). */
  state: string;
}

/**
 * The review decision from each reviewer's latest approval, change request or dismissal:
 * any change request wins, else any approval. Comment-only reviews are skipped, as on
 * GitHub, where commenting after approving does not withdraw the approval; a dismissed
 * review withdraws that reviewer's decision.
 */
export function summarizeReviews(reviews: ReviewDecision[]): PullRequestReviewState {
  const decisions = [...latestDecisions(reviews).values()];
  if (decisions.includes("changes_requested")) return "changes_requested";
  return decisions.includes("approved") ? "approved" : "none";
}

/** The reviewers (lowercased) whose latest decision approves, by the rules of summarizeReviews. */
export function approversOf(reviews: ReviewDecision[]): string[] {
  return [...latestDecisions(reviews)].filter(([, state]) => state === "approved").map(([reviewer]) => reviewer);
}

function latestDecisions(reviews: ReviewDecision[]): Map<string, string> {
  const latest = new Map<string, string>();
  for (const review of reviews) {
    const state = review.state.toLowerCase();
    if (state === "approved" || state === "changes_requested" || state === "dismissed") latest.set(review.reviewer.toLowerCase(), state);
  }
  return latest;
}
