import path from "node:path";
import { getEnv } from "@/lib/env";
import { GitHubReader } from "@/lib/git/github";
import { GitHubWriter } from "@/lib/git/github-writer";
import { LocalGitReader } from "@/lib/git/local";
import { LocalGitWriter } from "@/lib/git/local-writer";
import { getGitHubWebUrl, parseLocationTarget, type LocationTarget } from "@/lib/git/location";
import type { GitFile, GitReader, GitWriter } from "@/lib/git/types";

export interface GitReaderConfig {
  /** GitHub's REST API base URL; unset means api.github.com. */
  githubApiUrl?: string;
  githubToken?: string;
  /** Local git locations must resolve inside this directory (PAVE_GIT_ROOT). */
  gitRoot: string;
}

/** A GitReader for every location kind, plus the parser that matches its configuration. */
export interface PaveGitReader extends GitReader {
  /** Parses a location, accepting GitHub URLs of the configured GitHub (github.com or Enterprise). */
  parseLocation(target: string): LocationTarget;
}

/** Creates the reader Pave uses: GitHub locations go to Octokit, file:/// ones to local git inside gitRoot. */
export function createGitReader(config: GitReaderConfig): PaveGitReader {
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
  const env = getEnv();
  return createGitReader({ githubApiUrl: env.GITHUB_API_URL, githubToken: env.GITHUB_TOKEN, gitRoot: path.resolve(env.PAVE_GIT_ROOT) });
}

export interface GitWriterConfig {
  /** GitHub's REST API base URL; unset means api.github.com. */
  githubApiUrl?: string;
  /** With a token, Pave writes to GitHub; without one, to local repositories under gitRoot. */
  githubToken?: string;
  /** Where local repositories live (PAVE_GIT_ROOT): `<gitRoot>/<owner>/<name>.git`. */
  gitRoot: string;
}

/** Creates the writer Pave uses: GitHub when a token is configured, else the embedded local git host. */
export function createGitWriter(config: GitWriterConfig): GitWriter {
  if (config.githubToken) return new GitHubWriter({ baseUrl: config.githubApiUrl, token: config.githubToken });
  return new LocalGitWriter({ root: config.gitRoot });
}

/** The writer for this process's configuration (GITHUB_API_URL, GITHUB_TOKEN, PAVE_GIT_ROOT). */
export function getGitWriter(): GitWriter {
  const env = getEnv();
  return createGitWriter({ githubApiUrl: env.GITHUB_API_URL, githubToken: env.GITHUB_TOKEN, gitRoot: path.resolve(env.PAVE_GIT_ROOT) });
}
