import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { GitHubReader, GitHubTreeReader } from "@/lib/git/github";
import { GitHubWriter } from "@/lib/git/github-writer";
import { listLocalFiles, LocalGitReader, LocalGitTreeReader } from "@/lib/git/local";
import { LocalGitWriter } from "@/lib/git/local-writer";
import { formatLocationTarget, getGitHubWebUrl, parseLocationTarget, type LocationTarget, type LocationTargetParts } from "@/lib/git/location";
import {
  MAX_BLOB_BYTES,
  MAX_TREE_ENTRIES,
  type GitFile,
  type GitRepository,
  type GitTreeReader,
  type GitWriter,
  type PaveGitReader,
} from "@/lib/git/types";

/**
 * Which implementation serves which repository: the one module that knows both hosts.
 * Only lib/git/index.ts (and tests) import it; the implementations never do, so nothing
 * inside lib/git imports in a circle.
 */

/** Where Pave's git hosts are; readers, writers and tree readers all take this. */
export interface GitHostConfig {
  /** GitHub's REST API base URL; unset means api.github.com. */
  githubApiUrl?: string;
  /** With a token, Pave writes to GitHub; without one, to local repositories under gitRoot. */
  githubToken?: string;
  /** Local repositories live, and must resolve, inside this directory (PAVE_GIT_ROOT): `<gitRoot>/<owner>/<name>.git`. */
  gitRoot: string;
}

/** The git hosts of this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function gitHostConfig(): GitHostConfig {
  const env = getEnv();
  return { githubApiUrl: env.GITHUB_API_URL, githubToken: env.GITHUB_TOKEN, gitRoot: path.resolve(env.PAVE_GIT_ROOT) };
}

/** Where Pave writes: GitHub when a token is configured, else the embedded local git host under gitRoot. */
export function getWriteHost(config: GitHostConfig = gitHostConfig()): "github" | "local" {
  return config.githubToken ? "github" : "local";
}

/** The directory of a repository of the embedded git host: `<gitRoot>/<owner>/<repo>.git`. */
export function localRepositoryDir(owner: string, repo: string, config: GitHostConfig = gitHostConfig()): string {
  return path.resolve(config.gitRoot, owner, `${repo}.git`);
}

/**
 * The location of a file in `owner/repo` on the host Pave writes to (see getWriteHost),
 * ready for GitReader.readFile. Throws GitLocationError for a ref or path a location cannot hold.
 */
export function repositoryFileLocation(
  repository: { owner: string; repo: string },
  ref: string,
  filePath: string,
  config: GitHostConfig = gitHostConfig(),
): LocationTarget {
  const { owner, repo } = repository;
  const parts: LocationTargetParts =
    getWriteHost(config) === "github"
      ? { host: "github", owner, repo, ref, path: filePath }
      : { host: "local", repoPath: localRepositoryDir(owner, repo, config), ref, path: filePath };
  return { ...parts, url: formatLocationTarget(parts, { githubWebUrl: getGitHubWebUrl(config.githubApiUrl) }) };
}

/** Creates the reader Pave uses: GitHub locations go to Octokit, file:/// ones to local git inside gitRoot. */
export function createGitReader(config: GitHostConfig): PaveGitReader {
  const githubWebUrl = getGitHubWebUrl(config.githubApiUrl);
  const local = new LocalGitReader({ root: config.gitRoot });
  let github: GitHubReader | undefined;
  return {
    parseLocation: (target) => parseLocationTarget(target, { githubWebUrl }),
    readFile(target): Promise<GitFile> {
      if (target.host === "local") return local.readFile(target);
      github ??= new GitHubReader({ baseUrl: config.githubApiUrl, token: config.githubToken });
      return github.readFile(target);
    },
    listFiles: (target, limit) => listLocalFiles(config.gitRoot, target, limit),
  };
}

/** The reader for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitReader(): PaveGitReader {
  return createGitReader(gitHostConfig());
}

/** Creates the writer Pave uses: GitHub when a token is configured, else the embedded local git host. */
export function createGitWriter(config: GitHostConfig): GitWriter {
  const token = getWriteHost(config) === "github" ? config.githubToken : undefined;
  if (token) return new GitHubWriter({ baseUrl: config.githubApiUrl, token });
  return new LocalGitWriter({ root: config.gitRoot });
}

/** The writer for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitWriter(): GitWriter {
  return createGitWriter(gitHostConfig());
}

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
