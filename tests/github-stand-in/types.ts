// The stand-in's public types: its options, the handle a test holds, and the snapshots and
// logs it hands back. Every other part of the stand-in imports from here, never the reverse.

/** owner/repo → ref (branch) → path → content. */
export type StandInRepos = Record<string, Record<string, Record<string, string>>>;

export interface GitHubStandInOptions {
  repos?: StandInRepos;
  /** When set, every request must carry `Authorization: token <x>` or `Bearer <x>`. */
  token?: string;
  /** The ref used when a request names none, and the default branch of new repositories; defaults to "main". */
  defaultRef?: string;
  /** The login of the token's user (GET /user); defaults to "pave-bot". */
  user?: string;
  /** The token user's email addresses (GET /user/emails); none unless set. */
  emails?: { email: string; verified: boolean; primary?: boolean }[];
  /** Organizations that exist (owners of `repos` are added). */
  orgs?: string[];
  /** When set, only these logins can be requested as reviewers (GitHub allows collaborators only). */
  collaborators?: string[];
  /** Where the test hooks deliver webhooks (`pull_request`, `pull_request_review`), signed with `secret`. */
  webhook?: { url: string; secret: string };
  /** Recursive tree listings longer than this are cut short with `truncated: true`, as GitHub does past 100,000 entries. */
  treeEntryLimit?: number;
}

/** A review state a person can submit on GitHub. */
export type StandInReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";

/**
 * How `mergePullRequest` merges: "merge" (GitHub's default) always makes a merge commit,
 * "squash" one commit on the base, "fast-forward" moves the base to the head (only when
 * the base has not moved on, like a rebase merge of an up-to-date branch).
 */
export type StandInMergeMethod = "merge" | "squash" | "fast-forward";

/** A webhook the stand-in sent. */
export interface StandInDelivery {
  event: string;
  action: string;
  deliveryId: string;
  /** The receiver's HTTP status, or "network" when it could not be reached. */
  status: number | "network";
  /** The exact bytes sent and their headers, so a test can replay the delivery. */
  body: string;
  headers: Record<string, string>;
}

/** How an injected fault fails: an HTTP status, a dropped connection, or no answer at all. */
export type StandInFailure = number | "network" | "hang";

/** A fault for requests that match; see `failOn`. */
export interface StandInFaultRule {
  /** e.g. "POST"; any method when unset. */
  method?: string;
  /** The decoded request path ("/orgs/acme/repos"): exact when a string. Any path when unset. */
  path?: string | RegExp;
  failure: StandInFailure;
  /** How many matching requests fail; defaults to 1. */
  times?: number;
  /** Handle the request first (its changes happen), then fail, like a lost response. */
  afterHandling?: boolean;
  /** Extra response headers, e.g. { "retry-after": "1" }. */
  headers?: Record<string, string>;
  /** The error body's message. */
  message?: string;
}

export interface StandInRequest {
  method: string;
  /** The decoded path, e.g. "/repos/acme/web/git/ref/heads/main". */
  path: string;
  /** "METHOD template" of the matched endpoint, e.g. "GET /repos/{owner}/{repo}/git/ref/{ref}". */
  route?: string;
  status: number | "network" | "hang";
}

export interface StandInCommit {
  sha: string;
  message: string;
  parents: string[];
  files: Record<string, string>;
}

export interface StandInPull {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: "open" | "closed";
  draft: boolean;
  requestedReviewers: string[];
  requestedTeams: string[];
  labels: string[];
  merged: boolean;
  mergeCommitSha: string | null;
  reviews: Array<{ user: string; state: StandInReviewState }>;
}

/** A snapshot of one repository, for assertions. */
export interface StandInRepository {
  fullName: string;
  description: string | null;
  visibility: "public" | "private" | "internal";
  defaultBranch: string;
  branches: Record<string, StandInCommit>;
  pulls: StandInPull[];
}

export interface GitHubStandIn {
  /** The API base URL to give Octokit, e.g. http://127.0.0.1:40123; also its web address. */
  url: string;
  /** Commits a change of one file (null removes it) on a branch, creating repository and branch as needed. */
  setFile(ownerRepo: string, ref: string, path: string, content: string | null): void;
  /** Makes the next `count` requests fail. */
  failNext(count: number, failure: StandInFailure): void;
  /** Makes matching requests fail. */
  failOn(rule: StandInFaultRule): void;
  /** Every request so far, in order. */
  requests(): StandInRequest[];
  /** Where a response or request did not match GitHub's OpenAPI description; tests assert it is empty. */
  violations(): string[];
  getRepository(ownerRepo: string): StandInRepository | undefined;
  listRepositories(): string[];
  /** A person reviewing a pull request on GitHub (not its author, as GitHub refuses that). */
  reviewPullRequest(ownerRepo: string, number: number, review: { user: string; state: StandInReviewState; body?: string }): Promise<void>;
  /** A person merging an open pull request on GitHub; returns the base branch's new head. Throws on conflicts. */
  mergePullRequest(ownerRepo: string, number: number, merge: { user: string; method?: StandInMergeMethod }): Promise<string>;
  /** A person closing a pull request without merging it; closing a closed one does nothing. */
  closePullRequest(ownerRepo: string, number: number, close?: { user?: string }): Promise<void>;
  /** The webhooks sent so far, in order. */
  deliveries(): StandInDelivery[];
  close(): Promise<void>;
}
