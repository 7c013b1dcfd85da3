import { AppError } from "@/lib/errors";
import type { CreateRepositoryInput, OpenPullRequestInput, RepositoryVisibility } from "@/lib/git/types";

/**
 * What both GitWriters share: input checks, and the marks that make writes idempotent.
 *
 * Idempotency rests on two marks a run leaves behind:
 *  - every commit Pave makes ends with a `Pave-Run: <runId>` trailer, so a retried run
 *    recognises a push it already made;
 *  - a repository is created with ` [pave:<runId>]` appended to its description, which is
 *    replaced by the clean description once the files are pushed. It proves that an empty
 *    (or auto-initialised) repository is ours to push to, not someone else's that happens
 *    to have the same name. The description is the one field every host has (GitHub's
 *    repository description, git's `description` file) that needs no extra permission,
 *    and it is visible for seconds only; a marker file in the tree would be committed.
 */

export const RUN_TRAILER = "Pave-Run";

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
const TEAM_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MAX_DESCRIPTION = 300;
const MAX_TITLE = 256;
const MAX_FILES = 5_000;

/** Appends the run trailer to a commit message (after a blank line, as git trailers go). */
export function withRunTrailer(message: string, runId: string | undefined): string {
  const text = message.trim();
  return runId ? `${text}\n\n${RUN_TRAILER}: ${runId}\n` : `${text}\n`;
}

/** Whether a commit message carries the trailer of this run. */
export function hasRunTrailer(message: string, runId: string | undefined): boolean {
  if (!runId) return false;
  return message.split("\n").some((line) => line.trim() === `${RUN_TRAILER}: ${runId}`);
}

/** Whether a commit message carries any Pave run trailer. */
export function hasAnyRunTrailer(message: string): boolean {
  return message.split("\n").some((line) => line.startsWith(`${RUN_TRAILER}: `));
}

/** The description a repository is created with, marking it as this run's until the push is done. */
export function markedDescription(description: string, runId: string): string {
  return `${description} [pave:${runId}]`.trim();
}

/** Whether a description carries this run's creation marker. */
export function hasRunMarker(description: string | null | undefined, runId: string): boolean {
  return (description ?? "").endsWith(`[pave:${runId}]`);
}

/** A CreateRepositoryInput checked and with its defaults filled in. */
export interface RepositorySpec {
  owner: string;
  name: string;
  description: string;
  visibility: RepositoryVisibility;
  defaultBranch: string;
  files: Record<string, string>;
  message: string;
  runId: string;
}

/** Checks a CreateRepositoryInput, throwing AppError("INVALID") with a message for the person who filled the form. */
export function checkCreateRepositoryInput(input: CreateRepositoryInput): RepositorySpec {
  checkOwner(input.owner);
  checkRepoName(input.name);
  const description = (input.description ?? "").trim();
  if (CONTROL.test(description)) invalid("The repository description must be a single line without control characters.");
  if (description.length > MAX_DESCRIPTION) invalid(`The repository description is too long (at most ${MAX_DESCRIPTION} characters).`);
  const visibility = input.visibility ?? "private";
  if (!["private", "internal", "public"].includes(visibility)) invalid(`"${visibility}" is not a repository visibility: use private, internal or public.`);
  const defaultBranch = input.defaultBranch ?? "main";
  checkBranchName(defaultBranch);
  checkRunId(input.runId);
  checkFiles(input.files, { allowDelete: false });
  if (Object.keys(input.files).length === 0) invalid("There are no files to put into the new repository.");
  return {
    owner: input.owner,
    name: input.name,
    description,
    visibility,
    defaultBranch,
    files: input.files,
    message: withRunTrailer(checkMessage(input.commitMessage ?? "Initial commit"), input.runId),
    runId: input.runId,
  };
}

/** An OpenPullRequestInput checked and with its defaults filled in (the target branch stays optional). */
export interface PullRequestSpec {
  owner: string;
  repo: string;
  title: string;
  body: string;
  branchName: string;
  targetBranch: string | undefined;
  files: Record<string, string | null>;
  message: string;
  draft: boolean;
  reviewers: string[];
  teamReviewers: string[];
  update: boolean;
  runId: string | undefined;
}

/** Checks an OpenPullRequestInput, throwing AppError("INVALID"). */
export function checkOpenPullRequestInput(input: OpenPullRequestInput): PullRequestSpec {
  checkOwner(input.owner);
  checkRepoName(input.repo);
  const title = (input.title ?? "").trim();
  if (title === "") invalid("The pull request needs a title.");
  if (title.length > MAX_TITLE || CONTROL.test(title)) invalid(`The pull request title must be one line of at most ${MAX_TITLE} characters.`);
  if (typeof input.body !== "string") invalid("The pull request body must be text.");
  checkBranchName(input.branchName);
  if (input.targetBranch !== undefined) {
    checkBranchName(input.targetBranch);
    if (input.targetBranch === input.branchName) invalid(`The pull request branch must differ from its target branch "${input.targetBranch}".`);
  }
  if (input.runId !== undefined) checkRunId(input.runId);
  checkFiles(input.files, { allowDelete: true });
  if (Object.keys(input.files).length === 0) invalid("The pull request has no file changes.");
  const reviewers = [...new Set(input.reviewers ?? [])];
  for (const login of reviewers) if (!LOGIN.test(login)) invalid(`"${login}" is not a valid GitHub user name for a reviewer.`);
  const teamReviewers = [...new Set(input.teamReviewers ?? [])];
  for (const slug of teamReviewers) if (!TEAM_SLUG.test(slug)) invalid(`"${slug}" is not a valid team name for a reviewer.`);
  return {
    owner: input.owner,
    repo: input.repo,
    title,
    body: input.body,
    branchName: input.branchName,
    targetBranch: input.targetBranch,
    files: input.files,
    message: withRunTrailer(checkMessage(input.commitMessage ?? title), input.runId),
    draft: input.draft ?? false,
    reviewers,
    teamReviewers,
    update: input.update ?? false,
    runId: input.runId,
  };
}

/** Checks a repository owner (organization or user); also a directory name for local git. */
export function checkOwner(owner: string): void {
  if (typeof owner !== "string" || !NAME.test(owner) || owner.includes("..")) {
    invalid(`"${String(owner)}" is not a valid owner: use letters, digits, ".", "-" and "_" (at most 100), starting with a letter or digit.`);
  }
}

/** Checks a repository name; also a directory name for local git. */
export function checkRepoName(name: string): void {
  if (typeof name !== "string" || !NAME.test(name) || name.includes("..")) {
    invalid(`"${String(name)}" is not a valid repository name: use letters, digits, ".", "-" and "_" (at most 100), starting with a letter or digit.`);
  }
  if (name.toLowerCase().endsWith(".git")) invalid(`"${name}" is not a valid repository name: leave out the ".git" ending.`);
}

/** Checks a branch name the way `git check-ref-format --branch` does (a little stricter). */
export function checkBranchName(branch: string): void {
  const bad =
    typeof branch !== "string" ||
    branch === "" ||
    branch.length > 255 ||
    CONTROL.test(branch) ||
    /[\s~^:?*[\\]/.test(branch) ||
    branch.startsWith("-") ||
    branch.startsWith("/") ||
    branch.endsWith("/") ||
    branch.endsWith(".") ||
    branch.endsWith(".lock") ||
    branch.includes("..") ||
    branch.includes("//") ||
    branch.includes("@{") ||
    branch === "@" ||
    branch === "HEAD" ||
    branch.split("/").some((segment) => segment.startsWith("."));
  if (bad) invalid(`"${String(branch)}" is not a valid branch name.`);
}

function checkRunId(runId: string): void {
  if (typeof runId !== "string" || !RUN_ID.test(runId)) invalid("The run id must be 1–128 letters, digits, '.', '_', ':' or '-'.");
}

function checkMessage(message: string): string {
  const text = message.trim();
  if (text === "") invalid("The commit message must not be empty.");
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) invalid("The commit message contains control characters.");
  return text;
}

/**
 * Checks file paths: relative, "/"-separated, no "." or ".." segments, nothing inside a
 * ".git" directory, and no path that is both a file and a directory.
 */
export function checkFiles(files: Record<string, string | null>, options: { allowDelete: boolean }): void {
  if (typeof files !== "object" || files === null) invalid("The files to commit are missing.");
  const paths = Object.keys(files);
  if (paths.length > MAX_FILES) invalid(`Too many files in one commit (at most ${MAX_FILES}).`);
  for (const filePath of paths) {
    const content = files[filePath];
    if (content === null && !options.allowDelete) invalid(`"${filePath}" has no content.`);
    if (content !== null && typeof content !== "string") invalid(`"${filePath}" must be text.`);
    checkFilePath(filePath);
  }
  const written = new Set(paths.filter((p) => files[p] !== null));
  for (const filePath of written) {
    const segments = filePath.split("/");
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      if (written.has(dir)) invalid(`"${dir}" cannot be both a file and the directory of "${filePath}".`);
    }
  }
}

function checkFilePath(filePath: string): void {
  const shown = JSON.stringify(filePath);
  if (filePath === "" || filePath.length > 4096) invalid(`${shown} is not a valid file path.`);
  if (CONTROL.test(filePath)) invalid(`The file path ${shown} contains control characters.`);
  if (filePath.startsWith("/") || /^[A-Za-z]:/.test(filePath)) invalid(`The file path ${shown} must be relative to the repository root.`);
  if (filePath.includes("\\")) invalid(`The file path ${shown} must use "/" between directories.`);
  const segments = filePath.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) invalid(`The file path ${shown} must not contain empty, "." or ".." segments.`);
  if (segments.some((s) => s.toLowerCase() === ".git")) invalid(`The file path ${shown} must not be inside a ".git" directory.`);
}

function invalid(message: string): never {
  throw new AppError("INVALID", message);
}
