import path from "node:path";
import { getEnv } from "@/lib/env";
import { GitHubReader } from "@/lib/git/github";
import { GitHubWriter } from "@/lib/git/github-writer";
import { LocalGitReader } from "@/lib/git/local";
import { LocalGitWriter } from "@/lib/git/local-writer";
import { getGitHubWebUrl, parseLocationTarget, type LocationTarget } from "@/lib/git/location";
import type { GitFile, GitReader, GitWriter } from "@/lib/git/types";

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

/** A GitReader for every location kind, plus the parser that matches its configuration. */
export interface PaveGitReader extends GitReader {
  /** Parses a location, accepting GitHub URLs of the configured GitHub (github.com or Enterprise). */
  parseLocation(target: string): LocationTarget;
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
  };
}

/** The reader for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitReader(): PaveGitReader {
  return createGitReader(gitHostConfig());
}


/** Creates the writer Pave uses: GitHub when a token is configured, else the embedded local git host. */
export function createGitWriter(config: GitHostConfig): GitWriter {
  if (config.githubToken) return new GitHubWriter({ baseUrl: config.githubApiUrl, token: config.githubToken });
  return new LocalGitWriter({ root: config.gitRoot });
}

/** The writer for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitWriter(): GitWriter {
  return createGitWriter(gitHostConfig());
}
