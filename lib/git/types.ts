import { AppError, type AppErrorCode } from "@/lib/errors";
import type { LocationTarget } from "@/lib/git/location";

/**
 * Pave's git layer: one small interface per capability, each with a GitHub
 * implementation (lib/git/github.ts) and an embedded local-git one (lib/git/local.ts).
 * Reads come first; writes (scaffolder pushes, Terraform pull requests) will arrive as
 * a separate GitWriter so read-only callers never hold write access.
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
}

export interface OpenPullRequestResult {
  /** The pull request's web page (GitHub), or file:///…/<name>.git#pull/<n> locally. */
  remoteUrl: string;
  pullRequestNumber: number;
  targetBranchName: string;
  /** False when an open pull request from the branch already existed. */
  created: boolean;
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
}
