import "server-only";
import { GitHubTreeReader } from "@/lib/git/github";
import { LocalGitTreeReader } from "@/lib/git/local";
import { gitHostConfig, type GitHostConfig } from "@/lib/git/reader";

/**
 * Reading whole folders of a repository (docs, repository facts), as opposed to the
 * single files GitReader reads. Both hosts answer with git's own object ids, so a
 * commit sha read from GitHub and from a local mirror of it are the same.
 */

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

/** Creates a reader that sends GitHub repositories to Octokit and local ones to git inside gitRoot. */
export function createGitTreeReader(config: GitHostConfig): GitTreeReader {
  const limits = { maxEntries: MAX_TREE_ENTRIES, maxBlobBytes: MAX_BLOB_BYTES };
  const local = new LocalGitTreeReader({ root: config.gitRoot, ...limits });
  let github: GitHubTreeReader | undefined;
  const pick = (repo: GitRepository): GitTreeReader => {
    if (repo.host === "local") return local;
    github ??= new GitHubTreeReader({ baseUrl: config.githubApiUrl, token: config.githubToken, ...limits });
    return github;
  };
  return {
    resolveCommit: (repo, ref) => pick(repo).resolveCommit(repo, ref),
    listTree: (repo, commit, dir, options) => pick(repo).listTree(repo, commit, dir, options),
    readBlob: (repo, sha, options) => pick(repo).readBlob(repo, sha, options),
  };
}

/** The tree reader for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitTreeReader(): GitTreeReader {
  return createGitTreeReader(gitHostConfig());
}
