import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { log } from "@/lib/log";
import type { LocationTarget } from "@/lib/git/location";
import {
  decodeGitFile,
  GitReadError,
  MAX_GIT_FILE_BYTES,
  type GitFile,
  type GitReader,
  type GitRepository,
  type GitTreeEntry,
  type GitTreeReader,
  type ListTreeOptions,
} from "@/lib/git/types";

// No `import "server-only"`: the demo seed (plain tsx) uses createLocalRepo. Nothing
// here can reach a client bundle anyway, since it needs node:child_process.

const GIT_TIMEOUT_MS = 5_000;

/** Reads files from git repositories on this machine, only inside `root` (PAVE_GIT_ROOT). */
export class LocalGitReader implements GitReader {
  private readonly root: string;

  constructor(options: { root: string }) {
    this.root = path.resolve(options.root);
  }

  async readFile(target: LocationTarget): Promise<GitFile> {
    if (target.host !== "local") {
      throw new GitReadError("invalid", "This location is not a local git location (file:///…).");
    }
    const { ref, path: filePath, repoPath } = target;
    const gitDir = await resolveGitDirInRoot(this.root, repoPath);
    const shown = shownRepoPath(this.root, repoPath);
    const where = `"${filePath}" at "${ref}" in ${shown}`;

    // One batch-check answers both "does the ref exist?" and "what is at the path?"; the
    // names travel on stdin, so nothing the user typed is ever parsed as an option.
    const check = await runReadGit(gitDir, shown, ["cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)"], {
      input: `${ref}^{commit}\n${ref}:${filePath}\n`,
    });
    const [refLine = "", fileLine = ""] = check.toString("utf8").split("\n");
    if (refLine.endsWith(" missing") || refLine.endsWith(" ambiguous")) {
      throw new GitReadError("not_found", `No branch, tag or commit "${ref}" in ${shown}.`);
    }
    if (fileLine.endsWith(" missing") || fileLine.endsWith(" ambiguous")) {
      throw new GitReadError("not_found", `File ${where} not found.`);
    }
    const [sha = "", type = "", sizeText = ""] = fileLine.split(" ");
    if (type === "tree") throw new GitReadError("invalid", `${where} is a directory; point the location at a file.`);
    if (type !== "blob" || !/^[0-9a-f]{40,64}$/.test(sha)) {
      throw new GitReadError("invalid", `${where} is not a regular file.`);
    }
    if (Number(sizeText) > MAX_GIT_FILE_BYTES) {
      throw new GitReadError("invalid", `${where} is larger than ${MAX_GIT_FILE_BYTES / 1024 / 1024} MiB.`);
    }

    const bytes = await runReadGit(gitDir, shown, ["cat-file", "blob", sha], { maxBuffer: MAX_GIT_FILE_BYTES + 1 });
    return { content: decodeGitFile(bytes, `File ${where}`), sha };
  }
}

/** The paths of every file below a folder of a local repository at a ref (for template skeletons). */
export async function listLocalFiles(root: string, target: LocationTarget, limit = 2000): Promise<string[]> {
  if (target.host !== "local") throw new GitReadError("invalid", "This location is not a local git location (file:///…).");
  const gitDir = await resolveGitDirInRoot(path.resolve(root), target.repoPath);
  const dir = target.path.replace(/\/+$/, "");
  // The ref was validated by the location parser (no leading "-"); the path goes after "--".
  const out = await runReadGit(gitDir, shownRepoPath(path.resolve(root), target.repoPath), ["ls-tree", "-r", "-z", "--name-only", target.ref, "--", `${dir}/`], { maxBuffer: 4 * 1024 * 1024 });
  const files = out.toString("utf8").split("\0").filter(Boolean);
  if (files.length > limit) throw new GitReadError("invalid", `The folder ${dir} holds more than ${limit} files.`);
  return files;
}

/**
 * Lists folders and reads files of repositories on this machine, only inside `root`
 * (PAVE_GIT_ROOT), for docs builds and repository facts. Commits are passed to git as
 * full shas only; refs and paths travel on stdin or after "--" as literal pathspecs.
 */
export class LocalGitTreeReader implements GitTreeReader {
  private readonly root: string;
  private readonly maxEntries: number;
  private readonly maxBlobBytes: number;
  private readonly maxListBytes: number;

  /** maxListBytes bounds the output of one listing (default 64 MiB). */
  constructor(options: { root: string; maxEntries: number; maxBlobBytes: number; maxListBytes?: number }) {
    this.root = path.resolve(options.root);
    this.maxEntries = options.maxEntries;
    this.maxBlobBytes = options.maxBlobBytes;
    this.maxListBytes = options.maxListBytes ?? 64 * 1024 * 1024;
  }

  async resolveCommit(repo: GitRepository, ref: string): Promise<string> {
    const repoPath = localRepoPath(repo);
    if (ref === "" || /[\u0000-\u001f\u007f]/.test(ref)) throw new GitReadError("invalid", `"${ref}" is not a valid branch, tag or commit name.`);
    const gitDir = await resolveGitDirInRoot(this.root, repoPath);
    const shown = shownRepoPath(this.root, repoPath);
    const out = await runReadGit(gitDir, shown, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], { input: `${ref}^{commit}\n` });
    const [sha = "", type = ""] = out.toString("utf8").trim().split(" ");
    if (type !== "commit" || !isObjectId(sha)) {
      const what = ref === "HEAD" ? "default branch (HEAD)" : `branch, tag or commit "${ref}"`;
      throw new GitReadError("not_found", `No ${what} in ${shown}.`);
    }
    return sha;
  }

  async listTree(repo: GitRepository, commit: string, dir: string, options: ListTreeOptions = {}): Promise<GitTreeEntry[]> {
    const repoPath = localRepoPath(repo);
    if (!isObjectId(commit)) throw new GitReadError("invalid", `"${commit}" is not a commit sha.`);
    const folder = cleanTreeDir(dir);
    const limit = options.limit ?? this.maxEntries;
    const gitDir = await resolveGitDirInRoot(this.root, repoPath);
    const shown = shownRepoPath(this.root, repoPath);
    const tooMany = `The folder ${folder || "/"} of ${shown} holds more than ${limit} entries.`;
    const args = ["ls-tree", "-z", "-l", "--full-tree", ...(options.recursive === false ? [] : ["-r"]), commit, "--", ...(folder ? [`${folder}/`] : [])];
    // Literal pathspecs: a folder named "*" or ":(glob)x" means just that folder.
    // A listing larger than the buffer holds more than anyone can list, whatever the entry count.
    const tooLarge = `The folder ${folder || "/"} of ${shown} is too large to list (more than ${formatBytes(this.maxListBytes)} of file names).`;
    const out = await runReadGit(gitDir, shown, args, { env: { GIT_LITERAL_PATHSPECS: "1" }, maxBuffer: this.maxListBytes }, tooLarge);
    const entries: GitTreeEntry[] = [];
    for (const record of out.toString("utf8").split("\0")) {
      if (record === "") continue;
      const tab = record.indexOf("\t");
      const [mode = "", type = "", sha = "", size = ""] = record.slice(0, tab).split(/ +/);
      const entryPath = record.slice(tab + 1);
      // Symbolic links (120000) could point anywhere and submodules (commit) are other repositories: neither is read.
      if (type === "blob" && (mode === "100644" || mode === "100755")) entries.push({ path: entryPath, type: "blob", size: Number(size) || 0, sha });
      else if (type === "tree") entries.push({ path: entryPath, type: "tree", size: 0, sha });
      if (entries.length > limit) throw new GitReadError("invalid", tooMany);
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readBlob(repo: GitRepository, sha: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const repoPath = localRepoPath(repo);
    if (!isObjectId(sha)) throw new GitReadError("invalid", `"${sha}" is not a file sha.`);
    const maxBytes = options.maxBytes ?? this.maxBlobBytes;
    const gitDir = await resolveGitDirInRoot(this.root, repoPath);
    const shown = shownRepoPath(this.root, repoPath);
    const tooLarge = `A file in ${shown} is larger than ${formatBytes(maxBytes)}.`;
    const bytes = await runReadGit(gitDir, shown, ["cat-file", "blob", sha], { maxBuffer: maxBytes + 1 }, tooLarge);
    // maxBuffer lets through one byte more than the limit; that byte means "too large".
    if (bytes.length > maxBytes) throw new GitReadError("invalid", tooLarge);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}

function localRepoPath(repo: GitRepository): string {
  if (repo.host !== "local") throw new GitReadError("invalid", "This repository is not a local git repository.");
  return repo.repoPath;
}

function isObjectId(value: string): boolean {
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value);
}

/** A folder path without leading or trailing slashes ("" for the root); refuses "." and ".." segments. */
function cleanTreeDir(dir: string): string {
  const trimmed = dir.replace(/^\/+|\/+$/g, "");
  if (trimmed !== "" && trimmed.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new GitReadError("invalid", `"${dir}" is not a folder path inside the repository.`);
  }
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new GitReadError("invalid", "The folder path contains control characters.");
  return trimmed;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** Runs a read-only git command; `shown` names the repository in messages (see shownRepoPath). */
async function runReadGit(gitDir: string, shown: string, args: string[], options: RunOptions, tooLargeMessage?: string): Promise<Buffer> {
  try {
    return (await runGit(["--git-dir", gitDir, ...args], options)).stdout;
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    log.warn({ gitDir, command: args[0], stderr: error.stderr, reason: error.reason }, "local git read failed");
    if (error.reason === "timeout") throw new GitReadError("unavailable", `Reading from ${shown} timed out.`, { cause: error });
    if (error.reason === "too_large") {
      throw new GitReadError("invalid", tooLargeMessage ?? `The file is larger than ${MAX_GIT_FILE_BYTES / 1024 / 1024} MiB.`, { cause: error });
    }
    if (error.reason === "no_git") throw new GitReadError("unavailable", "git is not installed on the Pave server.", { cause: error });
    if (/not a git repository/i.test(error.stderr)) {
      throw new GitReadError("not_found", `${shown} is not a git repository.`, { cause: error });
    }
    throw new GitReadError("unavailable", `Could not read from the git repository ${shown}.`, { cause: error });
  }
}

/**
 * A repository as messages name it: its path under PAVE_GIT_ROOT ("acme/catalog.git"),
 * never the server's absolute path, which would reach docs, facts and scorecard pages.
 */
function shownRepoPath(root: string, repoPath: string): string {
  const relative = path.relative(root, path.resolve(repoPath));
  if (relative === "") return "PAVE_GIT_ROOT";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return path.basename(repoPath);
  return relative.split(path.sep).join("/");
}

/**
 * Finds the git directory of a repository path and proves it lies inside the root,
 * after following symlinks, so a link inside the root cannot reach out of it.
 */
async function resolveGitDirInRoot(root: string, repoPath: string): Promise<string> {
  const refusal = () => new GitReadError("forbidden", "Local git locations must be inside PAVE_GIT_ROOT on the Pave server.");
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    log.warn({ root, err: error }, "PAVE_GIT_ROOT is not readable");
    throw new GitReadError("unavailable", "PAVE_GIT_ROOT does not exist on the Pave server.", { cause: error });
  }
  const requested = path.resolve(repoPath);
  // Refuse before touching the file system, so outside paths cannot even be probed.
  if (!isInside(root, requested) && !isInside(realRoot, requested)) throw refusal();

  let repoDir: string;
  try {
    repoDir = await realpath(requested);
  } catch {
    throw new GitReadError("not_found", `No git repository at ${shownRepoPath(root, repoPath)}.`);
  }
  if (!isInside(realRoot, repoDir)) throw refusal();

  const gitDir = await findGitDir(repoDir);
  let realGitDir: string;
  try {
    realGitDir = await realpath(/*turbopackIgnore: true*/ gitDir);
  } catch {
    throw new GitReadError("not_found", `No git repository at ${shownRepoPath(root, repoPath)}.`);
  }
  if (!isInside(realRoot, realGitDir)) throw refusal();
  return realGitDir;
}

/** The git directory of a bare repository, a work tree with `.git/`, or a `.git` file (worktrees). */
async function findGitDir(repoDir: string): Promise<string> {
  const dotGit = path.join(/*turbopackIgnore: true*/ repoDir, ".git");
  const info = await stat(/*turbopackIgnore: true*/ dotGit).catch(() => undefined);
  if (info?.isDirectory()) return dotGit;
  if (info?.isFile()) {
    const pointer = /^gitdir: (.+)$/m.exec(await readFile(dotGit, "utf8"))?.[1]?.trim();
    if (pointer) return path.resolve(repoDir, pointer);
  }
  return repoDir;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

// ---------------------------------------------------------------------------------------
// Running git

interface RunOptions {
  input?: string | Uint8Array;
  env?: Record<string, string>;
  maxBuffer?: number;
}

type GitFailure = "timeout" | "too_large" | "no_git" | "failed";

/** A git command that failed; `exitCode` is git's exit status when it ran to the end. */
export class GitCommandError extends Error {
  constructor(
    readonly reason: GitFailure,
    readonly stderr: string,
    readonly exitCode?: number,
  ) {
    super(`git failed (${reason}): ${stderr.trim().slice(0, 500)}`);
    this.name = "GitCommandError";
  }
}

/**
 * The environment git runs with: none of the caller's GIT_* variables (a GIT_DIR or
 * GIT_INDEX_FILE inherited from a hook would redirect us), no system or global config,
 * no prompts, and stable English messages.
 */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("GIT_")) delete env[key];
  }
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    LC_ALL: "C",
    ...extra,
  };
}

function runGit(args: string[], options: RunOptions = {}): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      /*turbopackIgnore: true*/ "git",
      ["-c", `core.hooksPath=${os.devNull}`, ...args],
      {
        env: gitEnv(options.env),
        encoding: "buffer",
        timeout: GIT_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: options.maxBuffer ?? MAX_GIT_FILE_BYTES + 1,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr: stderr.toString("utf8") });
        const text = stderr.toString("utf8");
        const code = (error as { code?: unknown }).code;
        if (code === "ENOENT") return reject(new GitCommandError("no_git", text));
        if (code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") return reject(new GitCommandError("too_large", text));
        if (error.killed) return reject(new GitCommandError("timeout", text));
        reject(new GitCommandError("failed", text, typeof code === "number" ? code : undefined));
      },
    );
    // git may exit before reading all of stdin (e.g. not a repository); that EPIPE is
    // reported through the exit status above, not as an unhandled error.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input ?? "");
  });
}

// ---------------------------------------------------------------------------------------
// Creating and changing repositories (the local GitWriter, tests and the demo seed)

const AUTHOR = { name: "Pave", email: "pave@localhost" };

/** The environment for commands that create commits: a fixed author, so no user config is needed. */
function commitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
    ...extra,
  };
}

async function gitText(bareRepo: string, args: string[], options: RunOptions = {}): Promise<string> {
  return (await runGit(["--git-dir", bareRepo, ...args], options)).stdout.toString("utf8").trim();
}

export interface LocalRepoOptions {
  /** The branch to create; defaults to "main". */
  branch?: string;
  /** The first commit's message. */
  message?: string;
}

/**
 * Creates a bare repository at `dir` (which must be missing or empty) with one commit on
 * `main` holding `files` (path → text or bytes). Returns the commit sha.
 */
export async function createLocalRepo(dir: string, files: Record<string, string | Uint8Array>, options: LocalRepoOptions = {}): Promise<string> {
  const branch = options.branch ?? "main";
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new Error(`createLocalRepo: ${dir} is not empty`);
  await initBareRepo(dir, { branch });
  return commitFiles(dir, files, options.message ?? "Initial commit", { branch });
}

/** Runs `git init --bare` in `dir` with HEAD on `branch`, and writes git's `description` file if given. */
export async function initBareRepo(dir: string, options: { branch?: string; description?: string } = {}): Promise<void> {
  await runGit(["init", "--quiet", "--bare", `--initial-branch=${options.branch ?? "main"}`, "--", dir]);
  if (options.description !== undefined) await writeFile(path.join(dir, "description"), `${options.description}\n`);
}

/**
 * Adds a commit to a bare repository's branch (default "main") on top of its current
 * tree: each file is written, or removed when its content is null. Returns the commit
 * sha. Uses git plumbing with a temporary index, so no work tree is involved.
 */
export async function commitFiles(
  bareRepo: string,
  files: Record<string, string | Uint8Array | null>,
  message: string,
  options: { branch?: string } = {},
): Promise<string> {
  const branch = `refs/heads/${options.branch ?? "main"}`;
  const tmp = await mkdtemp(path.join(os.tmpdir(), "pave-git-index-"));
  const env = commitEnv({ GIT_INDEX_FILE: path.join(tmp, "index") });
  const git = (args: string[], input?: string | Uint8Array) => gitText(bareRepo, args, { env, input });
  try {
    // Only a missing branch starts from no parent; a failing git is an error, not a new branch.
    const parent = (await resolveBranch(bareRepo, options.branch ?? "main")) ?? "";
    if (parent) await git(["read-tree", parent]);

    const lines: string[] = [];
    for (const [filePath, content] of Object.entries(files)) {
      if (/[\u0000-\u001f]/.test(filePath)) throw new Error(`commitFiles: bad path ${JSON.stringify(filePath)}`);
      if (content === null) {
        lines.push(`0 ${"0".repeat(40)}\t${filePath}`);
      } else {
        const blob = await git(["hash-object", "-w", "--stdin"], content);
        lines.push(`100644 ${blob}\t${filePath}`);
      }
    }
    await git(["update-index", "--index-info"], lines.join("\n") + "\n");
    const tree = await git(["write-tree"]);
    const commit = await git(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message]);
    // The old value makes this a compare-and-swap: a concurrent commit fails loudly.
    await git(["update-ref", branch, commit, parent]);
    return commit;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A commit as the writers need it. */
export interface LocalCommit {
  sha: string;
  parents: string[];
  message: string;
}

/** The commit at the head of `branch`, or undefined when the branch does not exist. */
export async function readBranchHead(bareRepo: string, branch: string): Promise<LocalCommit | undefined> {
  const sha = await resolveBranch(bareRepo, branch);
  if (!sha) return undefined;
  const raw = await gitText(bareRepo, ["cat-file", "commit", sha]);
  const split = raw.indexOf("\n\n");
  const header = split === -1 ? raw : raw.slice(0, split);
  const parents = [...header.matchAll(/^parent ([0-9a-f]+)$/gm)].map((match) => match[1] ?? "");
  return { sha, parents, message: split === -1 ? "" : raw.slice(split + 2) };
}

/** The sha a branch points to, or undefined when it does not exist. */
export async function resolveBranch(bareRepo: string, branch: string): Promise<string | undefined> {
  try {
    return await gitText(bareRepo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `refs/heads/${branch}^{commit}`]);
  } catch (error) {
    // `--verify --quiet` exits 1, silently, for a missing ref; other failures are real.
    if (error instanceof GitCommandError && error.exitCode === 1 && error.stderr.trim() === "") return undefined;
    throw error;
  }
}

/** The names of all branches, sorted. */
export async function listBranches(bareRepo: string): Promise<string[]> {
  const out = await gitText(bareRepo, ["for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/"]);
  return out === "" ? [] : out.split("\n");
}

/** The branch HEAD names, i.e. the repository's default branch. */
export async function getHeadBranch(bareRepo: string): Promise<string> {
  return gitText(bareRepo, ["symbolic-ref", "--short", "HEAD"]);
}

/** Points HEAD at `branch`, making it the default branch that clones check out. */
export async function setHeadBranch(bareRepo: string, branch: string): Promise<void> {
  await gitText(bareRepo, ["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
}

/** Creates `branch` at `sha`; fails if the branch already exists. */
export async function createBranch(bareRepo: string, branch: string, sha: string): Promise<void> {
  await gitText(bareRepo, ["update-ref", `refs/heads/${branch}`, sha, ""]);
}

/** Thrown by mergeBranches when the branches change the same lines. */
export class LocalMergeConflictError extends Error {
  constructor(readonly base: string, readonly head: string) {
    super(`merging ${head} into ${base} conflicts`);
    this.name = "LocalMergeConflictError";
  }
}

/**
 * Merges `head` into `base` without a work tree: a fast-forward when `base` has not moved
 * on, otherwise a merge commit whose tree comes from `git merge-tree --write-tree`
 * (git 2.38 or later). Returns the new head of `base`; throws LocalMergeConflictError when
 * the changes conflict, leaving both branches as they were.
 */
export async function mergeBranches(
  bareRepo: string,
  options: { base: string; head: string; message: string },
): Promise<{ sha: string; fastForward: boolean }> {
  const baseSha = await resolveBranch(bareRepo, options.base);
  const headSha = await resolveBranch(bareRepo, options.head);
  if (!baseSha) throw new Error(`mergeBranches: no branch ${options.base}`);
  if (!headSha) throw new Error(`mergeBranches: no branch ${options.head}`);
  const isAncestor = async (ancestor: string, of: string) => {
    try {
      await gitText(bareRepo, ["merge-base", "--is-ancestor", ancestor, of]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError && error.exitCode === 1) return false;
      throw error;
    }
  };
  if (await isAncestor(headSha, baseSha)) return { sha: baseSha, fastForward: true };
  const baseRef = `refs/heads/${options.base}`;
  if (await isAncestor(baseSha, headSha)) {
    await gitText(bareRepo, ["update-ref", baseRef, headSha, baseSha]);
    return { sha: headSha, fastForward: true };
  }
  let tree: string;
  try {
    tree = (await gitText(bareRepo, ["merge-tree", "--write-tree", "--no-messages", baseSha, headSha])).split("\n")[0] ?? "";
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode === 1) throw new LocalMergeConflictError(options.base, options.head);
    throw error;
  }
  const commit = await gitText(bareRepo, ["commit-tree", tree, "-p", baseSha, "-p", headSha, "-m", options.message], { env: commitEnv() });
  await gitText(bareRepo, ["update-ref", baseRef, commit, baseSha]);
  return { sha: commit, fastForward: false };
}
