/**
 * Git, the outside system, has one door: domains import from "@/lib/git" and nothing
 * deeper. Behind it, GitHub (Octokit) and the embedded local git host implement the same
 * small interfaces, and lib/git/hosts.ts picks one from the configuration.
 *
 * Two pure modules are also reachable on their own, for code that must not load the
 * hosts (a client component, the template thread, lib/env): lib/git/location.ts and
 * lib/git/repo-url.ts. Everything they export is exported here too.
 */

// The configured hosts: readers, the writer, and where the writer's repositories are.
export {
  getGitReader,
  getGitTreeReader,
  getGitWriter,
  getWriteHost,
  gitHostConfig,
  localRepositoryDir,
  repositoryFileLocation,
  type GitHostConfig,
} from "@/lib/git/hosts";

// What readers and writers take and answer.
export {
  GitReadError,
  isGitNotFound,
  nullIfNotFound,
  type CreateRepositoryInput,
  type CreateRepositoryResult,
  type GetPullRequestInput,
  type GitFile,
  type GitReadErrorKind,
  type GitReader,
  type GitRepository,
  type GitTreeEntry,
  type GitTreeReader,
  type GitWriter,
  type ListTreeOptions,
  type MergePullRequestInput,
  type OpenPullRequestInput,
  type OpenPullRequestResult,
  type PaveGitReader,
  type PullRequestReviewState,
  type PullRequestState,
  type RepositoryVisibility,
  type ReviewPullRequestInput,
} from "@/lib/git/types";

// Locations: the URL a person pastes to point Pave at a file.
export {
  formatLocationTarget,
  getGitHubWebUrl,
  getLocationViewUrl,
  GitLocationError,
  locationRepositorySlug,
  parseLocationTarget,
  type LocationTarget,
  type LocationTargetParts,
} from "@/lib/git/location";

// Backstage repository URLs (github.com?owner=acme&repo=svc).
export {
  formatRepoUrl,
  parseRepoUrl,
  readRepoUrlDraft,
  REPO_URL_EXAMPLE,
  RepoUrlError,
  type OwnerRepoUrl,
  type RepoUrl,
  type RepoUrlProblem,
} from "@/lib/git/repo-url";

// Seeding a repository of the embedded host (the demo data, the local infrastructure repository).
export { createLocalRepo } from "@/lib/git/local";
