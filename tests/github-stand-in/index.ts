import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import type { components } from "@octokit/openapi-types";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { signGitHubPayload } from "@/lib/webhooks/github";

/**
 * A stand-in for GitHub's REST API in tests: it answers only the endpoints Pave calls,
 * keeping repositories, git objects, refs and pull requests in memory, so what the
 * GitHubWriter publishes can be read back by the GitHubReader.
 *
 * Two checks keep it honest:
 *  - its answers are typed with GitHub's published OpenAPI schemas (@octokit/openapi-types),
 *    so the compiler checks their shape;
 *  - at run time every request body and response is validated against GitHub's OpenAPI
 *    description itself (@octokit/openapi's api.github.com.json). A mismatch is answered
 *    with HTTP 500 (or 422 for a request) listing Ajv's errors, and recorded in
 *    `violations()`, which every test asserts is empty. Without this the stand-in could
 *    drift from the real API (a missing field, a wrong status) and tests would keep
 *    passing against a GitHub that does not exist.
 *
 * Endpoints (OpenAPI path templates):
 *   GET    /user                                         users.getAuthenticated
 *   POST   /orgs/{org}/repos                             repos.createInOrg
 *   POST   /user/repos                                   repos.createForAuthenticatedUser
 *   GET    /repos/{owner}/{repo}                         repos.get
 *   PATCH  /repos/{owner}/{repo}                         repos.update
 *   GET    /repos/{owner}/{repo}/contents/{path}?ref=    repos.getContent
 *   GET    /repos/{owner}/{repo}/git/ref/{ref}           git.getRef
 *   POST   /repos/{owner}/{repo}/git/refs                git.createRef
 *   PATCH  /repos/{owner}/{repo}/git/refs/{ref}          git.updateRef
 *   DELETE /repos/{owner}/{repo}/git/refs/{ref}          git.deleteRef
 *   GET    /repos/{owner}/{repo}/git/commits/{commit_sha} git.getCommit
 *   GET    /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=  git.getTree
 *   GET    /repos/{owner}/{repo}/git/blobs/{file_sha}    git.getBlob
 *   POST   /repos/{owner}/{repo}/git/trees               git.createTree
 *   POST   /repos/{owner}/{repo}/git/commits             git.createCommit
 *   GET    /repos/{owner}/{repo}/pulls                   pulls.list
 *   POST   /repos/{owner}/{repo}/pulls                   pulls.create
 *   GET    /repos/{owner}/{repo}/pulls/{pull_number}     pulls.get
 *   GET    /repos/{owner}/{repo}/pulls/{pull_number}/reviews  pulls.listReviews
 *   POST   /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers  pulls.requestReviewers
 *   POST   /repos/{owner}/{repo}/issues/{issue_number}/labels  issues.addLabels (pull requests only; labels auto-created)
 *
 * Test hooks play the people on GitHub: `reviewPullRequest`, `mergePullRequest` and
 * `closePullRequest`. With the `webhook` option each of them also delivers the signed
 * webhook GitHub would send (payload checked against the description's x-webhooks).
 */

type Schemas = components["schemas"];
type ContentFile = Schemas["content-file"];
type ContentDirectory = Schemas["content-directory"];
type BasicError = Schemas["basic-error"];
type ValidationError = Schemas["validation-error"];
type SimpleUser = Schemas["simple-user"];
type PrivateUser = Schemas["private-user"];
type FullRepository = Schemas["full-repository"];
type RepositorySchema = Schemas["repository"];
type GitRef = Schemas["git-ref"];
type GitCommit = Schemas["git-commit"];
type GitTree = Schemas["git-tree"];
type Blob = Schemas["blob"];
type PullRequestSchema = Schemas["pull-request"];
type PullRequestSimple = Schemas["pull-request-simple"];
type Team = Schemas["team"];
type LabelSchema = Schemas["label"];
type PullRequestReviewSchema = Schemas["pull-request-review"];

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

const DOCS = "https://docs.github.com/rest";
const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Bad credentials",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Validation Failed",
  429: "Too Many Requests",
  500: "Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

// ---------------------------------------------------------------------------------------
// The in-memory model

interface Account {
  login: string;
  id: number;
  type: "User" | "Organization";
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

interface Label {
  id: number;
  name: string;
  color: string;
}

interface Review {
  id: number;
  user: Account;
  state: StandInReviewState;
  body: string;
  commitId: string;
  submittedAt: string;
}

interface Pull {
  id: number;
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  draft: boolean;
  state: "open" | "closed";
  user: Account;
  requestedReviewers: string[];
  requestedTeams: string[];
  labels: Label[];
  reviews: Review[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: Account | null;
  mergeCommitSha: string | null;
  /** The head commit when the pull request was closed; a closed pull request keeps it. */
  closedHeadSha: string | null;
}

interface Repo {
  id: number;
  owner: Account;
  name: string;
  description: string | null;
  visibility: "public" | "private" | "internal";
  defaultBranch: string;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
  blobs: Map<string, string>;
  /** tree sha → the files below it (paths relative to that tree). */
  trees: Map<string, Map<string, string>>;
  commits: Map<string, Commit>;
  /** "refs/heads/main" → commit sha. */
  refs: Map<string, string>;
  pulls: Pull[];
  /** lower-cased name → label. */
  labels: Map<string, Label>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: (context: RouteContext) => Reply;
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const defaultRef = options.defaultRef ?? "main";
  const accounts = new Map<string, Account>();
  const repos = new Map<string, Repo>();
  const faults: Array<StandInFaultRule & { remaining: number }> = [];
  const requestLog: StandInRequest[] = [];
  const violations: string[] = [];
  const deliveryLog: StandInDelivery[] = [];
  const hanging = new Set<Socket>();
  let nextId = 1000;
  let baseUrl = "";

  const addAccount = (login: string, type: Account["type"]) => {
    const key = login.toLowerCase();
    const account = accounts.get(key) ?? { login, id: nextId++, type };
    accounts.set(key, account);
    return account;
  };
  const user = addAccount(options.user ?? "pave-bot", "User");
  for (const org of options.orgs ?? []) addAccount(org, "Organization");

  // -------------------------------------------------------------------------------------
  // git objects

  function writeTree(repo: Repo, files: Map<string, string>): string {
    const entries = new Map<string, { mode: string; sha: string }>();
    const dirs = new Map<string, Map<string, string>>();
    for (const [filePath, content] of files) {
      const slash = filePath.indexOf("/");
      if (slash === -1) {
        const sha = blobSha(contentBytes(content));
        repo.blobs.set(sha, content);
        entries.set(filePath, { mode: "100644", sha });
      } else {
        const dir = filePath.slice(0, slash);
        const sub = dirs.get(dir) ?? new Map<string, string>();
        sub.set(filePath.slice(slash + 1), content);
        dirs.set(dir, sub);
      }
    }
    for (const [dir, sub] of dirs) entries.set(dir, { mode: "40000", sha: writeTree(repo, sub) });
    // git orders entries by name, a directory as if its name ended with "/".
    const sorted = [...entries].sort(([a, x], [b, y]) => {
      const ka = x.mode === "40000" ? `${a}/` : a;
      const kb = y.mode === "40000" ? `${b}/` : b;
      return Buffer.compare(Buffer.from(ka), Buffer.from(kb));
    });
    const body = Buffer.concat(sorted.flatMap(([name, { mode, sha }]) => [Buffer.from(`${mode} ${name}\0`), Buffer.from(sha, "hex")]));
    const sha = gitObjectSha("tree", body);
    repo.trees.set(sha, new Map(files));
    return sha;
  }

  function writeCommit(repo: Repo, fields: { tree: string; parents: string[]; message: string; author?: Commit["author"] }): Commit {
    const date = timestamp();
    const author = fields.author ?? { name: user.login, email: noreplyEmail(user), date };
    const committer = { name: "GitHub", email: "noreply@github.com", date };
    const line = (who: { name: string; email: string; date: string }) => `${who.name} <${who.email}> ${Math.floor(Date.parse(who.date) / 1000)} +0000`;
    const text =
      `tree ${fields.tree}\n` +
      fields.parents.map((parent) => `parent ${parent}\n`).join("") +
      `author ${line(author)}\ncommitter ${line(committer)}\n\n${fields.message}`;
    const commit: Commit = { sha: gitObjectSha("commit", Buffer.from(text, "utf8")), ...fields, author, committer };
    repo.commits.set(commit.sha, commit);
    repo.pushedAt = date;
    return commit;
  }

  function commitFiles(repo: Repo, branch: string, change: (files: Map<string, string>) => void, message: string): Commit {
    const parent = repo.refs.get(`refs/heads/${branch}`);
    const files = new Map(parent ? filesAt(repo, parent) : []);
    change(files);
    const commit = writeCommit(repo, { tree: writeTree(repo, files), parents: parent ? [parent] : [], message });
    repo.refs.set(`refs/heads/${branch}`, commit.sha);
    return commit;
  }

  function filesAt(repo: Repo, commitSha: string): Map<string, string> {
    const commit = repo.commits.get(commitSha);
    return (commit && repo.trees.get(commit.tree)) ?? new Map();
  }

  function isAncestor(repo: Repo, ancestor: string, of: string): boolean {
    const queue = [of];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  /** A branch, tag or full commit sha → commit sha. */
  function resolveRef(repo: Repo, ref: string): string | undefined {
    return repo.refs.get(`refs/heads/${ref}`) ?? repo.refs.get(`refs/tags/${ref}`) ?? (repo.commits.has(ref) ? ref : undefined);
  }

  function createRepo(owner: Account, name: string, fields: { description?: string | null; visibility: Repo["visibility"]; autoInit: boolean }): Repo {
    const now = timestamp();
    const repo: Repo = {
      id: nextId++,
      owner,
      name,
      description: fields.description ? fields.description : null,
      visibility: fields.visibility,
      defaultBranch: defaultRef,
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      blobs: new Map(),
      trees: new Map(),
      commits: new Map(),
      refs: new Map(),
      pulls: [],
      labels: new Map(),
    };
    repos.set(`${owner.login}/${name}`.toLowerCase(), repo);
    if (fields.autoInit) {
      const readme = `# ${name}\n${fields.description ? `${fields.description}\n` : ""}`;
      commitFiles(repo, defaultRef, (files) => files.set("README.md", readme), "Initial commit");
    }
    return repo;
  }

  const findRepo = (owner: string, name: string) => repos.get(`${owner}/${name}`.toLowerCase());

  for (const [fullName, refs] of Object.entries(options.repos ?? {})) {
    const [owner = "", name = ""] = fullName.split("/");
    const account = accounts.get(owner.toLowerCase()) ?? addAccount(owner, "Organization");
    const repo = createRepo(account, name, { visibility: "private", autoInit: false });
    for (const [ref, files] of Object.entries(refs)) {
      commitFiles(repo, ref, (current) => Object.entries(files).forEach(([p, c]) => current.set(p, c)), "Initial commit");
    }
    const branches = Object.keys(refs);
    repo.defaultBranch = branches.includes(defaultRef) ? defaultRef : (branches[0] ?? defaultRef);
  }

  // -------------------------------------------------------------------------------------
  // Response bodies, built from the in-memory model

  function simpleUser(account: Account): SimpleUser {
    const api = `${baseUrl}/users/${account.login}`;
    return {
      login: account.login,
      id: account.id,
      node_id: `${account.type === "User" ? "U" : "O"}_kgDO${account.id}`,
      avatar_url: `${baseUrl}/avatars/u/${account.id}?v=4`,
      gravatar_id: "",
      url: api,
      html_url: `${baseUrl}/${account.login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: account.type,
      site_admin: false,
    };
  }

  function privateUser(account: Account): PrivateUser {
    const owned = [...repos.values()].filter((repo) => repo.owner === account);
    return {
      ...simpleUser(account),
      name: account.login,
      company: null,
      blog: "",
      location: null,
      email: null,
      hireable: null,
      bio: null,
      public_repos: owned.filter((repo) => repo.visibility === "public").length,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: "2020-01-01T00:00:00Z",
      updated_at: "2020-01-01T00:00:00Z",
      private_gists: 0,
      total_private_repos: owned.filter((repo) => repo.visibility !== "public").length,
      owned_private_repos: owned.filter((repo) => repo.visibility !== "public").length,
      disk_usage: 0,
      collaborators: 0,
      two_factor_authentication: true,
    };
  }

  /** The fields "repository" and "full-repository" share. */
  function repositoryFields(repo: Repo) {
    const fullName = `${repo.owner.login}/${repo.name}`;
    const api = `${baseUrl}/repos/${fullName}`;
    const html = `${baseUrl}/${fullName}`;
    const openIssues = repo.pulls.filter((pull) => pull.state === "open").length;
    return {
      id: repo.id,
      node_id: `R_kgDO${repo.id}`,
      name: repo.name,
      full_name: fullName,
      owner: simpleUser(repo.owner),
      private: repo.visibility !== "public",
      visibility: repo.visibility,
      html_url: html,
      description: repo.description,
      fork: false,
      url: api,
      archive_url: `${api}/{archive_format}{/ref}`,
      assignees_url: `${api}/assignees{/user}`,
      blobs_url: `${api}/git/blobs{/sha}`,
      branches_url: `${api}/branches{/branch}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      comments_url: `${api}/comments{/number}`,
      commits_url: `${api}/commits{/sha}`,
      compare_url: `${api}/compare/{base}...{head}`,
      contents_url: `${api}/contents/{+path}`,
      contributors_url: `${api}/contributors`,
      deployments_url: `${api}/deployments`,
      downloads_url: `${api}/downloads`,
      events_url: `${api}/events`,
      forks_url: `${api}/forks`,
      git_commits_url: `${api}/git/commits{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_url: `git://${new URL(baseUrl).host}/${fullName}.git`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      issue_events_url: `${api}/issues/events{/number}`,
      issues_url: `${api}/issues{/number}`,
      keys_url: `${api}/keys{/key_id}`,
      labels_url: `${api}/labels{/name}`,
      languages_url: `${api}/languages`,
      merges_url: `${api}/merges`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      pulls_url: `${api}/pulls{/number}`,
      releases_url: `${api}/releases{/id}`,
      ssh_url: `git@${new URL(baseUrl).hostname}:${fullName}.git`,
      stargazers_url: `${api}/stargazers`,
      statuses_url: `${api}/statuses/{sha}`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      tags_url: `${api}/tags`,
      teams_url: `${api}/teams`,
      trees_url: `${api}/git/trees{/sha}`,
      clone_url: `${html}.git`,
      mirror_url: null,
      hooks_url: `${api}/hooks`,
      svn_url: html,
      homepage: null,
      language: null,
      forks_count: 0,
      forks: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 0,
      default_branch: repo.defaultBranch,
      open_issues_count: openIssues,
      open_issues: openIssues,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      pushed_at: repo.pushedAt,
      created_at: repo.createdAt,
      updated_at: repo.updatedAt,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
      allow_rebase_merge: true,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
    };
  }

  function repositoryBody(repo: Repo): RepositorySchema {
    return repositoryFields(repo);
  }

  function fullRepositoryBody(repo: Repo): FullRepository {
    return {
      ...repositoryFields(repo),
      subscribers_count: 1,
      network_count: 0,
      ...(repo.owner.type === "Organization" ? { organization: simpleUser(repo.owner) } : {}),
    };
  }

  function gitRefBody(repo: Repo, ref: string): GitRef {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
    const sha = repo.refs.get(ref) ?? "";
    return {
      ref,
      node_id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString("base64url")}`,
      url: `${api}/git/${ref}`,
      object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
    };
  }

  function gitCommitBody(repo: Repo, commit: Commit): GitCommit {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
    return {
      sha: commit.sha,
      node_id: `C_${Buffer.from(commit.sha, "hex").toString("base64url")}`,
      url: `${api}/git/commits/${commit.sha}`,
      html_url: `${baseUrl}/${repo.owner.login}/${repo.name}/commit/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${baseUrl}/${repo.owner.login}/${repo.name}/commit/${sha}` })),
      verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
    };
  }

  function gitTreeBody(repo: Repo, sha: string): GitTree {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
    const files = repo.trees.get(sha) ?? new Map<string, string>();
    const names = new Map<string, "blob" | "tree">();
    for (const filePath of files.keys()) {
      const slash = filePath.indexOf("/");
      names.set(slash === -1 ? filePath : filePath.slice(0, slash), slash === -1 ? "blob" : "tree");
    }
    return {
      sha,
      url: `${api}/git/trees/${sha}`,
      truncated: false,
      tree: [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, type]) => {
        if (type === "blob") {
          const content = files.get(name) ?? "";
          const blob = blobSha(contentBytes(content));
          return { path: name, mode: "100644", type, sha: blob, size: contentBytes(content).length, url: `${api}/git/blobs/${blob}` };
        }
        const sub = new Map([...files].filter(([p]) => p.startsWith(`${name}/`)).map(([p, c]) => [p.slice(name.length + 1), c]));
        const subSha = writeTree(repo, sub);
        return { path: name, mode: "040000", type, sha: subSha, url: `${api}/git/trees/${subSha}` };
      }),
    };
  }

  /** A recursive listing: every folder and file below the tree, each with its full path. */
  function recursiveTreeBody(repo: Repo, sha: string): GitTree {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
    const files = repo.trees.get(sha) ?? new Map<string, string>();
    const entries: GitTree["tree"] = [];
    const folders = new Set<string>();
    for (const filePath of files.keys()) {
      const segments = filePath.split("/");
      for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join("/"));
    }
    for (const folder of folders) {
      const sub = new Map([...files].filter(([p]) => p.startsWith(`${folder}/`)).map(([p, c]) => [p.slice(folder.length + 1), c]));
      const subSha = writeTree(repo, sub);
      entries.push({ path: folder, mode: "040000", type: "tree", sha: subSha, url: `${api}/git/trees/${subSha}` });
    }
    for (const [filePath, content] of files) {
      const bytes = contentBytes(content);
      const blob = blobSha(bytes);
      entries.push({ path: filePath, mode: "100644", type: "blob", sha: blob, size: bytes.length, url: `${api}/git/blobs/${blob}` });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : 1));
    const limit = options.treeEntryLimit ?? 100_000;
    return { sha, url: `${api}/git/trees/${sha}`, truncated: entries.length > limit, tree: entries.slice(0, limit) };
  }

  function blobBody(repo: Repo, sha: string, content: string): Blob {
    const bytes = contentBytes(content);
    return {
      sha,
      node_id: `B_${Buffer.from(sha, "hex").toString("base64url")}`,
      size: bytes.length,
      url: `${baseUrl}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}`,
      // GitHub wraps base64 content at 60 characters.
      content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
      encoding: "base64",
    };
  }

  function teamBody(owner: Account, slug: string): Team {
    const id = 500_000 + [...slug].reduce((sum, char) => sum + char.charCodeAt(0), 0);
    const api = `${baseUrl}/organizations/${owner.id}/team/${id}`;
    return {
      id,
      node_id: `T_kwDO${id}`,
      url: api,
      html_url: `${baseUrl}/orgs/${owner.login}/teams/${slug}`,
      name: slug,
      slug,
      description: null,
      privacy: "closed",
      notification_setting: "notifications_enabled",
      permission: "push",
      members_url: `${api}/members{/member}`,
      repositories_url: `${api}/repos`,
      type: "organization",
      parent: null,
    };
  }

  function labelBody(repo: Repo, label: Label): PullRequestSimple["labels"][number] {
    return {
      id: label.id,
      node_id: `LA_kwDO${label.id}`,
      url: `${baseUrl}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      // GitHub answers null for a label without a description, but the description's
      // pull-request-simple schema requires a string; "" satisfies every schema.
      description: "",
      color: label.color,
      default: false,
    };
  }

  function pullHeadSha(repo: Repo, pull: Pull): string {
    return pull.closedHeadSha ?? repo.refs.get(`refs/heads/${pull.head}`) ?? "";
  }

  function reviewBody(repo: Repo, pull: Pull, review: Review): PullRequestReviewSchema {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${pull.number}`;
    const html = `${baseUrl}/${repo.owner.login}/${repo.name}/pull/${pull.number}#pullrequestreview-${review.id}`;
    return {
      id: review.id,
      node_id: `PRR_kwDO${review.id}`,
      user: simpleUser(review.user),
      body: review.body,
      state: review.state,
      html_url: html,
      pull_request_url: api,
      _links: { html: { href: html }, pull_request: { href: api } },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: review.user === repo.owner ? "OWNER" : "COLLABORATOR",
    };
  }

  function pullBase(repo: Repo, pull: Pull) {
    const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
    const html = `${baseUrl}/${repo.owner.login}/${repo.name}/pull/${pull.number}`;
    const headSha = pullHeadSha(repo, pull);
    const link = (href: string) => ({ href });
    const end = (branch: string, sha: string) => ({
      label: `${repo.owner.login}:${branch}`,
      ref: branch,
      sha,
      user: simpleUser(repo.owner),
      repo: repositoryBody(repo),
    });
    return {
      url: `${api}/pulls/${pull.number}`,
      id: pull.id,
      node_id: `PR_kwDO${pull.id}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      commits_url: `${api}/pulls/${pull.number}/commits`,
      review_comments_url: `${api}/pulls/${pull.number}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: simpleUser(pull.user),
      body: pull.body,
      labels: pull.labels.map((label) => labelBody(repo, label)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.requestedReviewers.map((login) => simpleUser(accountFor(login))),
      requested_teams: pull.requestedTeams.map((slug) => teamBody(repo.owner, slug)),
      head: end(pull.head, headSha),
      base: end(pull.base, repo.refs.get(`refs/heads/${pull.base}`) ?? ""),
      _links: {
        self: link(`${api}/pulls/${pull.number}`),
        html: link(html),
        issue: link(`${api}/issues/${pull.number}`),
        comments: link(`${api}/issues/${pull.number}/comments`),
        review_comments: link(`${api}/pulls/${pull.number}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${api}/pulls/${pull.number}/commits`),
        statuses: link(`${api}/statuses/${headSha}`),
      },
      author_association: repo.owner === pull.user ? "OWNER" : "MEMBER",
      auto_merge: null,
      draft: pull.draft,
    } satisfies PullRequestSimple;
  }

  function pullSimpleBody(repo: Repo, pull: Pull): PullRequestSimple {
    return pullBase(repo, pull);
  }

  function pullBody(repo: Repo, pull: Pull): PullRequestSchema {
    const base = pullBase(repo, pull);
    const headSha = base.head.sha;
    const baseSha = base.base.sha;
    const ahead = countCommitsAhead(repo, baseSha, headSha);
    return {
      ...base,
      merged: pull.mergedAt !== null,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: pull.mergedBy ? simpleUser(pull.mergedBy) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: ahead,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }

  function countCommitsAhead(repo: Repo, baseSha: string, headSha: string): number {
    let count = 0;
    const queue = [headSha];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (seen.has(sha) || isAncestor(repo, sha, baseSha)) continue;
      seen.add(sha);
      count++;
      queue.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    return count;
  }

  function accountFor(login: string): Account {
    return accounts.get(login.toLowerCase()) ?? addAccount(login, "User");
  }

  function fileBody(repo: Repo, ref: string, filePath: string, content: string): ContentFile {
    const bytes = contentBytes(content);
    const sha = blobSha(bytes);
    const links = linksFor(repo, ref, filePath, sha, "blob");
    return {
      type: "file",
      encoding: "base64",
      size: bytes.length,
      name: filePath.split("/").pop() ?? filePath,
      path: filePath,
      // GitHub wraps base64 content at 60 characters.
      content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
      sha,
      url: links.self,
      git_url: links.git,
      html_url: links.html,
      download_url: `${baseUrl}/raw/${repo.owner.login}/${repo.name}/${encodeURIComponent(ref)}/${encodePath(filePath)}`,
      _links: links,
    };
  }

  function directoryBody(repo: Repo, ref: string, prefix: string, files: Map<string, string>): ContentDirectory {
    const children = new Map<string, "file" | "dir">();
    for (const name of files.keys()) {
      if (!name.startsWith(prefix)) continue;
      const [first = "", ...rest] = name.slice(prefix.length).split("/");
      children.set(first, rest.length > 0 ? "dir" : "file");
    }
    return [...children].map(([name, type]) => {
      const childPath = prefix + name;
      const content = files.get(childPath);
      const sha = type === "file" && content !== undefined ? blobSha(contentBytes(content)) : blobSha(Buffer.from(childPath));
      const links = linksFor(repo, ref, childPath, sha, type === "file" ? "blob" : "tree");
      return {
        type,
        size: type === "file" && content !== undefined ? contentBytes(content).length : 0,
        name,
        path: childPath,
        sha,
        url: links.self,
        git_url: links.git,
        html_url: links.html,
        download_url: type === "file" ? `${baseUrl}/raw/${repo.owner.login}/${repo.name}/${encodeURIComponent(ref)}/${encodePath(childPath)}` : null,
        _links: links,
      };
    });
  }

  function linksFor(repo: Repo, ref: string, filePath: string, sha: string, kind: "blob" | "tree"): ContentFile["_links"] {
    const fullName = `${repo.owner.login}/${repo.name}`;
    return {
      self: `${baseUrl}/repos/${fullName}/contents/${encodePath(filePath)}?ref=${encodeURIComponent(ref)}`,
      git: `${baseUrl}/repos/${fullName}/git/${kind}s/${sha}`,
      html: `${baseUrl}/${fullName}/${kind}/${encodeURIComponent(ref)}/${encodePath(filePath)}`,
    };
  }

  // -------------------------------------------------------------------------------------
  // Endpoints

  const routes: Route[] = [];
  const route = (method: string, template: string, handler: Route["handler"]) => {
    const keys: string[] = [];
    const source = template
      .split("/")
      .map((segment) => {
        const match = /^\{(.+)\}$/.exec(segment);
        if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        keys.push(match[1] ?? "");
        // Paths and refs may contain "/" (Octokit sends it as %2F; GitHub accepts both).
        return match[1] === "path" || match[1] === "ref" ? "(.*)" : "([^/]+)";
      })
      .join("/");
    routes.push({ method, template, pattern: new RegExp(`^${source}$`), keys, handler });
  };

  const error = (status: number, message: string, doc = DOCS): Reply => ({
    status,
    body: { message, documentation_url: doc, status: String(status) } satisfies BasicError,
  });
  const invalid = (message: string, errors?: ValidationError["errors"]): Reply => ({
    status: 422,
    body: { message, documentation_url: DOCS, status: "422", ...(errors ? { errors } : {}) } satisfies ValidationError & { status: string },
  });
  const notFound = () => error(404, "Not Found");
  const emptyRepo = () => error(409, "Git Repository is empty.");

  const withRepo = (handler: (repo: Repo, context: RouteContext) => Reply) => (context: RouteContext) => {
    const repo = findRepo(context.params.owner ?? "", context.params.repo ?? "");
    return repo ? handler(repo, context) : notFound();
  };
  const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

  route("GET", "/user", () => ({ status: 200, body: privateUser(user) }));
  route("GET", "/user/emails", () => ({
    status: 200,
    body: (options.emails ?? []).map((e, i) => ({ email: e.email, verified: e.verified, primary: e.primary ?? i === 0, visibility: i === 0 ? "private" : null })),
  }));

  const createRepoReply = (owner: Account, body: Record<string, unknown>, visibility: Repo["visibility"]): Reply => {
    const name = str(body.name) ?? "";
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      return invalid("Repository creation failed.", [{ resource: "Repository", code: "custom", field: "name", message: "name is invalid" }]);
    }
    if (findRepo(owner.login, name)) {
      return invalid("Repository creation failed.", [
        { resource: "Repository", code: "custom", field: "name", message: "name already exists on this account" },
      ]);
    }
    const repo = createRepo(owner, name, { description: str(body.description) ?? null, visibility, autoInit: body.auto_init === true });
    return { status: 201, body: fullRepositoryBody(repo) };
  };

  route("POST", "/orgs/{org}/repos", ({ params, body }) => {
    const org = accounts.get((params.org ?? "").toLowerCase());
    if (!org || org.type !== "Organization") return notFound();
    const visibility = str(body.visibility) ?? (body.private === false ? "public" : "private");
    return createRepoReply(org, body, visibility as Repo["visibility"]);
  });

  route("POST", "/user/repos", ({ body }) => createRepoReply(user, body, body.private === true ? "private" : "public"));

  route("GET", "/repos/{owner}/{repo}", withRepo((repo) => ({ status: 200, body: fullRepositoryBody(repo) })));

  route(
    "PATCH",
    "/repos/{owner}/{repo}",
    withRepo((repo, { body }) => {
      const branch = str(body.default_branch);
      if (branch !== undefined && !repo.refs.has(`refs/heads/${branch}`)) {
        return invalid("Validation Failed", [{ resource: "Repository", code: "invalid", field: "default_branch" }]);
      }
      if (branch !== undefined) repo.defaultBranch = branch;
      if ("description" in body) repo.description = str(body.description) || null;
      if (typeof body.private === "boolean") repo.visibility = body.private ? "private" : "public";
      if (str(body.visibility)) repo.visibility = body.visibility as Repo["visibility"];
      repo.updatedAt = timestamp();
      return { status: 200, body: fullRepositoryBody(repo) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/contents/{path}",
    withRepo((repo, { params, query }) => {
      const filePath = (params.path ?? "").replace(/^\/+|\/+$/g, "");
      const ref = query.get("ref") ?? repo.defaultBranch;
      const sha = resolveRef(repo, ref);
      if (!sha) return error(404, `No commit found for the ref ${ref}`, `${DOCS}/repos/contents#get-repository-content`);
      const files = filesAt(repo, sha);
      const content = files.get(filePath);
      if (content !== undefined) return { status: 200, body: fileBody(repo, ref, filePath, content) };
      const prefix = filePath === "" ? "" : `${filePath}/`;
      if ([...files.keys()].some((name) => name.startsWith(prefix))) return { status: 200, body: directoryBody(repo, ref, prefix, files) };
      return error(404, "Not Found", `${DOCS}/repos/contents#get-repository-content`);
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    withRepo((repo, { params }) => {
      if (repo.refs.size === 0) return emptyRepo();
      const ref = `refs/${params.ref ?? ""}`;
      return repo.refs.has(ref) ? { status: 200, body: gitRefBody(repo, ref) } : notFound();
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/refs",
    withRepo((repo, { body }) => {
      const ref = str(body.ref) ?? "";
      const sha = str(body.sha) ?? "";
      if (!/^refs\/[^/]+\/.+/.test(ref)) return invalid("Reference name must start with 'refs/' and have at least two slashes.");
      if (!repo.commits.has(sha)) return invalid("Object does not exist");
      if (repo.refs.has(ref)) return invalid("Reference already exists");
      repo.refs.set(ref, sha);
      return { status: 201, body: gitRefBody(repo, ref) };
    }),
  );

  route(
    "PATCH",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    withRepo((repo, { params, body }) => {
      const ref = `refs/${params.ref ?? ""}`;
      const sha = str(body.sha) ?? "";
      const current = repo.refs.get(ref);
      if (!current) return invalid("Reference does not exist");
      if (!repo.commits.has(sha)) return invalid("Object does not exist");
      if (body.force !== true && !isAncestor(repo, current, sha)) return invalid("Update is not a fast forward");
      repo.refs.set(ref, sha);
      repo.pushedAt = timestamp();
      return { status: 200, body: gitRefBody(repo, ref) };
    }),
  );

  route(
    "DELETE",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    withRepo((repo, { params }) => {
      const ref = `refs/${params.ref ?? ""}`;
      if (!repo.refs.has(ref)) return invalid("Reference does not exist");
      if (ref === `refs/heads/${repo.defaultBranch}`) return invalid("Cannot delete the default branch");
      repo.refs.delete(ref);
      return { status: 204 };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/commits/{commit_sha}",
    withRepo((repo, { params }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const commit = repo.commits.get(params.commit_sha ?? "");
      return commit ? { status: 200, body: gitCommitBody(repo, commit) } : notFound();
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    withRepo((repo, { params, query }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const requested = params.tree_sha ?? "";
      // Like GitHub, a commit sha or a branch or tag name also names its commit's tree.
      const commit = repo.trees.has(requested) ? undefined : resolveRef(repo, requested);
      const sha = commit ? repo.commits.get(commit)?.tree : requested;
      if (!sha || !repo.trees.has(sha)) return notFound();
      // GitHub recurses when the parameter is present at all, whatever its value.
      return { status: 200, body: query.has("recursive") ? recursiveTreeBody(repo, sha) : gitTreeBody(repo, sha) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    withRepo((repo, { params }) => {
      const sha = params.file_sha ?? "";
      const content = repo.blobs.get(sha);
      return content === undefined ? notFound() : { status: 200, body: blobBody(repo, sha, content) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/trees",
    withRepo((repo, { body }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const baseTree = str(body.base_tree);
      if (baseTree !== undefined && !repo.trees.has(baseTree)) return invalid("base_tree is not a valid tree");
      const files = new Map(baseTree ? repo.trees.get(baseTree) : []);
      const entries = Array.isArray(body.tree) ? (body.tree as Array<Record<string, unknown>>) : [];
      for (const entry of entries) {
        const entryPath = str(entry.path) ?? "";
        if (entryPath === "" || entryPath.startsWith("/") || entryPath.split("/").some((s) => s === "" || s === "." || s === "..")) {
          return invalid(`tree.path contains a malformed path component`);
        }
        if (entry.type !== "blob") return invalid("Only blob entries are supported by the stand-in");
        if ("content" in entry && typeof entry.sha === "string") return invalid("Must supply either tree.sha or tree.content, but not both");
        if (entry.sha === null) {
          files.delete(entryPath);
          for (const name of [...files.keys()]) if (name.startsWith(`${entryPath}/`)) files.delete(name);
          continue;
        }
        const content = typeof entry.sha === "string" ? repo.blobs.get(entry.sha) : str(entry.content);
        if (content === undefined) return invalid(`tree.sha ${String(entry.sha)} is not a valid blob`);
        for (const name of [...files.keys()]) if (name.startsWith(`${entryPath}/`)) files.delete(name);
        files.set(entryPath, content);
      }
      return { status: 201, body: gitTreeBody(repo, writeTree(repo, files)) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/commits",
    withRepo((repo, { body }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const tree = str(body.tree) ?? "";
      if (!repo.trees.has(tree)) return invalid("Tree SHA does not exist");
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
      if (parents.some((parent) => !repo.commits.has(parent))) return invalid("Parent SHA does not exist or is not a commit object");
      const commit = writeCommit(repo, { tree, parents, message: str(body.message) ?? "" });
      return { status: 201, body: gitCommitBody(repo, commit) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls",
    withRepo((repo, { query }) => {
      const state = query.get("state") ?? "open";
      const head = query.get("head");
      const base = query.get("base");
      const pulls = repo.pulls
        .filter((pull) => state === "all" || pull.state === state)
        .filter((pull) => !head || `${repo.owner.login}:${pull.head}`.toLowerCase() === head.toLowerCase())
        .filter((pull) => !base || pull.base === base)
        .sort((a, b) => b.number - a.number);
      const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
      return { status: 200, body: pulls.slice(0, perPage).map((pull) => pullSimpleBody(repo, pull)) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/pulls",
    withRepo((repo, { body }) => {
      const rawHead = str(body.head) ?? "";
      const head = rawHead.includes(":") ? rawHead.slice(rawHead.indexOf(":") + 1) : rawHead;
      const base = str(body.base) ?? "";
      const baseSha = repo.refs.get(`refs/heads/${base}`);
      const headSha = repo.refs.get(`refs/heads/${head}`);
      if (!baseSha) return invalid("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
      if (!headSha) return invalid("Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
      if (repo.pulls.some((pull) => pull.state === "open" && pull.head === head && pull.base === base)) {
        return invalid("Validation Failed", [
          { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner.login}:${head}.` },
        ]);
      }
      if (isAncestor(repo, headSha, baseSha)) {
        return invalid("Validation Failed", [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
      }
      const now = timestamp();
      const pull: Pull = {
        id: nextId++,
        number: repo.pulls.length + 1,
        title: str(body.title) ?? "",
        body: str(body.body) ?? null,
        head,
        base,
        draft: body.draft === true,
        state: "open",
        user,
        requestedReviewers: [],
        requestedTeams: [],
        labels: [],
        reviews: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        closedHeadSha: null,
      };
      repo.pulls.push(pull);
      return { status: 201, body: pullBody(repo, pull) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    withRepo((repo, { params, body }) => {
      const pull = repo.pulls.find((p) => p.number === Number(params.pull_number));
      if (!pull) return notFound();
      const reviewers = Array.isArray(body.reviewers) ? body.reviewers.map(String) : [];
      const teams = Array.isArray(body.team_reviewers) ? body.team_reviewers.map(String) : [];
      if (reviewers.some((login) => login.toLowerCase() === pull.user.login.toLowerCase())) {
        return invalid("Review cannot be requested from pull request author.");
      }
      const allowed = options.collaborators?.map((login) => login.toLowerCase());
      if (allowed && reviewers.some((login) => !allowed.includes(login.toLowerCase()))) {
        return invalid(
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner.login}/${repo.name} repository.`,
        );
      }
      for (const login of reviewers) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
      for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
      pull.updatedAt = timestamp();
      return { status: 201, body: pullSimpleBody(repo, pull) };
    }),
  );

  const findPull = (repo: Repo, number: string | undefined) => repo.pulls.find((p) => String(p.number) === number);

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    withRepo((repo, { params }) => {
      const pull = findPull(repo, params.pull_number);
      return pull ? { status: 200, body: pullBody(repo, pull) } : notFound();
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    withRepo((repo, { params, query }) => {
      const pull = findPull(repo, params.pull_number);
      if (!pull) return notFound();
      const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
      const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
      const reviews = pull.reviews.slice((page - 1) * perPage, page * perPage);
      return { status: 200, body: reviews.map((review) => reviewBody(repo, pull, review)) };
    }),
  );

  // Only pull requests are modelled; an issue number without one is "Not Found".
  route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    withRepo((repo, { params, body }) => {
      const pull = findPull(repo, params.issue_number);
      if (!pull) return notFound();
      const requested = Array.isArray(body.labels) ? body.labels : [];
      const names = requested.map((item: unknown) => (typeof item === "string" ? item : str((item as { name?: unknown } | null)?.name) ?? ""));
      if (names.some((name) => name.trim() === "" || name.length > 50)) {
        return invalid("Validation Failed", [{ resource: "Label", code: "invalid", field: "name" }]);
      }
      for (const name of names) {
        const key = name.toLowerCase();
        const label = repo.labels.get(key) ?? { id: nextId++, name, color: "ededed" };
        repo.labels.set(key, label);
        if (!pull.labels.includes(label)) pull.labels.push(label);
      }
      pull.updatedAt = timestamp();
      return { status: 200, body: pull.labels.map((label) => labelBody(repo, label)) satisfies LabelSchema[] };
    }),
  );

  // -------------------------------------------------------------------------------------
  // People acting on GitHub (test hooks), and the webhooks they cause

  function requirePull(ownerRepo: string, number: number): { repo: Repo; pull: Pull } {
    const [owner = "", name = ""] = ownerRepo.split("/");
    const repo = findRepo(owner, name);
    const pull = repo?.pulls.find((p) => p.number === number);
    if (!repo || !pull) throw new Error(`stand-in: there is no pull request ${ownerRepo}#${number}`);
    return { repo, pull };
  }

  /** The nearest common ancestor of two commits (enough for the stand-in's short histories). */
  function mergeBase(repo: Repo, a: string, b: string): string | undefined {
    const ancestors = new Set<string>();
    const queue = [a];
    while (queue.length > 0) {
      const sha = queue.shift() as string;
      if (ancestors.has(sha)) continue;
      ancestors.add(sha);
      queue.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    const search = [b];
    const seen = new Set<string>();
    while (search.length > 0) {
      const sha = search.shift() as string;
      if (ancestors.has(sha)) return sha;
      if (seen.has(sha)) continue;
      seen.add(sha);
      search.push(...(repo.commits.get(sha)?.parents ?? []));
    }
    return undefined;
  }

  /** A three-way merge of file contents; undefined when both sides changed a file differently. */
  function mergeTrees(ancestor: Map<string, string>, ours: Map<string, string>, theirs: Map<string, string>): Map<string, string> | undefined {
    const merged = new Map(ours);
    for (const filePath of new Set([...ancestor.keys(), ...ours.keys(), ...theirs.keys()])) {
      const [was, a, b] = [ancestor.get(filePath), ours.get(filePath), theirs.get(filePath)];
      if (a === b || b === was) continue;
      if (a !== was) return undefined;
      if (b === undefined) merged.delete(filePath);
      else merged.set(filePath, b);
    }
    return merged;
  }

  function closePull(pull: Pull, repo: Repo, now: string): void {
    pull.closedHeadSha = pullHeadSha(repo, pull);
    pull.state = "closed";
    pull.closedAt = now;
    pull.updatedAt = now;
  }

  function webhookRepository(repo: Repo) {
    return repositoryBody(repo);
  }

  /** The parts every pull request webhook shares. */
  function webhookEnvelope(repo: Repo, sender: Account) {
    return {
      repository: webhookRepository(repo),
      sender: simpleUser(sender),
      ...(repo.owner.type === "Organization" ? { organization: organizationBody(repo.owner) } : {}),
    };
  }

  function organizationBody(org: Account) {
    const api = `${baseUrl}/orgs/${org.login}`;
    return {
      login: org.login,
      id: org.id,
      node_id: `O_kgDO${org.id}`,
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: `${baseUrl}/avatars/u/${org.id}?v=4`,
      description: null,
    };
  }

  /** Sends one signed webhook, as GitHub does, when a receiver is configured; never throws. */
  async function deliver(event: string, schemaKey: string, payload: { action: string; [field: string]: unknown }): Promise<void> {
    if (!options.webhook) return;
    const problem = checkGitHubWebhookPayload(schemaKey, payload);
    if (problem) violations.push(`webhook ${event}.${payload.action}: ${problem}`);
    const body = JSON.stringify(payload);
    const deliveryId = randomUUID();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/stand-in",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": "1",
      "x-hub-signature-256": signGitHubPayload(body, options.webhook.secret),
    };
    const entry: StandInDelivery = { event, action: payload.action, deliveryId, status: "network", body, headers };
    deliveryLog.push(entry);
    try {
      const response = await fetch(options.webhook.url, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
      entry.status = response.status;
      await response.body?.cancel();
    } catch {
      entry.status = "network";
    }
  }

  // -------------------------------------------------------------------------------------
  // Serving

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        serve(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (caught) {
        violations.push(`stand-in crashed on ${req.method} ${req.url}: ${String(caught)}`);
        write(res, { status: 500, body: { message: "Server Error", documentation_url: DOCS, status: "500" } });
      }
    });
  });

  function serve(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", baseUrl);
    const pathname = safeDecode(url.pathname);
    const entry: StandInRequest = { method, path: pathname, status: 0 };
    requestLog.push(entry);

    const matched = matchRoute(method, url.pathname);
    if (matched) entry.route = `${method} ${matched.route.template}`;

    const fault = takeFault(method, pathname);
    if (fault && !fault.afterHandling) return fail(res, entry, fault);

    let reply: Reply;
    let validated = false;
    if (options.token !== undefined && !authorized(req.headers.authorization)) {
      reply = matched?.route.template === "/user" ? error(401, "Requires authentication") : error(401, "Bad credentials");
    } else if (!matched) {
      reply = notFound();
    } else {
      const body = parseJson(rawBody);
      const requestProblem = body === undefined ? undefined : checkRequest(method, matched.route.template, body);
      if (body === undefined) {
        reply = error(400, "Problems parsing JSON");
      } else if (requestProblem) {
        violations.push(requestProblem);
        validated = true;
        reply = invalid("The stand-in received a request that does not match GitHub's OpenAPI description", [
          { resource: "OpenAPI", code: "invalid", message: requestProblem },
        ]);
      } else {
        reply = matched.route.handler({ params: matched.params, query: url.searchParams, body });
      }
    }
    if (matched && !validated) {
      const responseProblem = checkResponse(method, matched.route.template, reply);
      if (responseProblem) {
        violations.push(responseProblem);
        reply = { status: 500, body: { message: responseProblem, documentation_url: DOCS, status: "500" } };
      }
    }
    if (fault) return fail(res, entry, fault);
    entry.status = reply.status;
    write(res, reply);
  }

  function matchRoute(method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
    for (const candidate of routes) {
      if (candidate.method !== method) continue;
      const match = candidate.pattern.exec(rawPath);
      if (!match) continue;
      const params = Object.fromEntries(candidate.keys.map((key, i) => [key, safeDecode(match[i + 1] ?? "")]));
      return { route: candidate, params };
    }
    return undefined;
  }

  function takeFault(method: string, pathname: string): StandInFaultRule | undefined {
    const index = faults.findIndex(
      (rule) =>
        rule.remaining > 0 &&
        (!rule.method || rule.method.toUpperCase() === method) &&
        (rule.path === undefined || (typeof rule.path === "string" ? rule.path === pathname : rule.path.test(pathname))),
    );
    const rule = faults[index];
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining === 0) faults.splice(index, 1);
    return rule;
  }

  function fail(res: ServerResponse, entry: StandInRequest, fault: StandInFaultRule): void {
    entry.status = fault.failure;
    if (fault.failure === "network") {
      res.socket?.destroy();
      return;
    }
    if (fault.failure === "hang") {
      if (res.socket) hanging.add(res.socket);
      return;
    }
    write(res, {
      status: fault.failure,
      body: { message: fault.message ?? STATUS_TEXT[fault.failure] ?? "Error", documentation_url: DOCS, status: String(fault.failure) },
      headers: fault.headers,
    });
  }

  function authorized(header: string | undefined): boolean {
    const match = /^(?:token|bearer) (.+)$/i.exec(header ?? "");
    return match?.[1] === options.token;
  }

  function checkRequest(method: string, template: string, body: unknown): string | undefined {
    const problem = validateAgainstOpenApi({ kind: "request", method, template, body });
    return problem ? `${method} ${template} request: ${problem}` : undefined;
  }

  function checkResponse(method: string, template: string, reply: Reply): string | undefined {
    const problem = validateAgainstOpenApi({ kind: "response", method, template, status: reply.status, body: reply.body });
    return problem ? `${method} ${template} → ${reply.status}: ${problem}` : undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    setFile(ownerRepo, ref, filePath, content) {
      const [owner = "", name = ""] = ownerRepo.split("/");
      const repo = findRepo(owner, name) ?? createRepo(accounts.get(owner.toLowerCase()) ?? addAccount(owner, "Organization"), name, { visibility: "private", autoInit: false });
      commitFiles(repo, ref, (files) => (content === null ? files.delete(filePath) : files.set(filePath, content)), `Update ${filePath}`);
    },
    failNext(count, failure) {
      faults.unshift({ failure, times: count, remaining: count });
    },
    failOn(rule) {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    requests: () => requestLog.map((entry) => ({ ...entry })),
    violations: () => [...violations],
    getRepository(ownerRepo) {
      const [owner = "", name = ""] = ownerRepo.split("/");
      const repo = findRepo(owner, name);
      if (!repo) return undefined;
      const branches: Record<string, StandInCommit> = {};
      for (const [ref, sha] of repo.refs) {
        if (!ref.startsWith("refs/heads/")) continue;
        const commit = repo.commits.get(sha);
        if (!commit) continue;
        branches[ref.slice("refs/heads/".length)] = { sha, message: commit.message, parents: [...commit.parents], files: Object.fromEntries(filesAt(repo, sha)) };
      }
      return {
        fullName: `${repo.owner.login}/${repo.name}`,
        description: repo.description,
        visibility: repo.visibility,
        defaultBranch: repo.defaultBranch,
        branches,
        pulls: repo.pulls.map((pull) => ({
          number: pull.number,
          title: pull.title,
          body: pull.body,
          head: pull.head,
          base: pull.base,
          state: pull.state,
          draft: pull.draft,
          requestedReviewers: [...pull.requestedReviewers],
          requestedTeams: [...pull.requestedTeams],
          labels: pull.labels.map((label) => label.name),
          merged: pull.mergedAt !== null,
          mergeCommitSha: pull.mergeCommitSha,
          reviews: pull.reviews.map((review) => ({ user: review.user.login, state: review.state })),
        })),
      };
    },
    listRepositories: () => [...repos.values()].map((repo) => `${repo.owner.login}/${repo.name}`),
    async reviewPullRequest(ownerRepo, number, review) {
      const { repo, pull } = requirePull(ownerRepo, number);
      const reviewer = accountFor(review.user);
      if (reviewer === pull.user && review.state !== "COMMENTED") {
        throw new Error(`stand-in: GitHub refuses: Can not ${review.state === "APPROVED" ? "approve" : "request changes on"} your own pull request`);
      }
      const submitted: Review = {
        id: nextId++,
        user: reviewer,
        state: review.state,
        body: review.body ?? "",
        commitId: pullHeadSha(repo, pull),
        submittedAt: timestamp(),
      };
      pull.reviews.push(submitted);
      pull.updatedAt = submitted.submittedAt;
      const webhookReview = { ...reviewBody(repo, pull, submitted), state: submitted.state.toLowerCase() };
      await deliver("pull_request_review", "pull-request-review-submitted", {
        action: "submitted",
        review: webhookReview,
        pull_request: pullSimpleBody(repo, pull),
        ...webhookEnvelope(repo, reviewer),
      });
    },
    async mergePullRequest(ownerRepo, number, merge) {
      const { repo, pull } = requirePull(ownerRepo, number);
      if (pull.state !== "open") throw new Error(`stand-in: GitHub refuses: Pull Request is not mergeable (#${number} is closed)`);
      const baseRef = `refs/heads/${pull.base}`;
      const baseSha = repo.refs.get(baseRef);
      const headSha = repo.refs.get(`refs/heads/${pull.head}`);
      if (!baseSha || !headSha) throw new Error(`stand-in: #${number} has lost its base or head branch`);
      const merger = accountFor(merge.user);
      const method = merge.method ?? "merge";
      let sha: string;
      if (method === "fast-forward") {
        if (!isAncestor(repo, baseSha, headSha)) throw new Error(`stand-in: "${pull.base}" has moved on; #${number} cannot be fast-forwarded`);
        sha = headSha;
      } else {
        const ancestor = mergeBase(repo, baseSha, headSha);
        const files = mergeTrees(ancestor ? filesAt(repo, ancestor) : new Map(), filesAt(repo, baseSha), filesAt(repo, headSha));
        if (!files) throw new Error(`stand-in: GitHub refuses: Merge conflict between "${pull.base}" and "${pull.head}"`);
        const author = { name: merger.login, email: noreplyEmail(merger), date: timestamp() };
        const commit =
          method === "squash"
            ? writeCommit(repo, { tree: writeTree(repo, files), parents: [baseSha], message: `${pull.title} (#${number})`, author })
            : writeCommit(repo, {
                tree: writeTree(repo, files),
                parents: [baseSha, headSha],
                message: `Merge pull request #${number} from ${repo.owner.login}/${pull.head}\n\n${pull.title}`,
                author,
              });
        sha = commit.sha;
      }
      repo.refs.set(baseRef, sha);
      repo.pushedAt = timestamp();
      closePull(pull, repo, repo.pushedAt);
      pull.mergedAt = pull.closedAt;
      pull.mergedBy = merger;
      pull.mergeCommitSha = sha;
      await deliver("pull_request", "pull-request-closed", {
        action: "closed",
        number: pull.number,
        pull_request: pullBody(repo, pull),
        ...webhookEnvelope(repo, merger),
      });
      return sha;
    },
    async closePullRequest(ownerRepo, number, close = {}) {
      const { repo, pull } = requirePull(ownerRepo, number);
      if (pull.state === "closed") return;
      closePull(pull, repo, timestamp());
      await deliver("pull_request", "pull-request-closed", {
        action: "closed",
        number: pull.number,
        pull_request: pullBody(repo, pull),
        ...webhookEnvelope(repo, close.user ? accountFor(close.user) : user),
      });
    },
    deliveries: () => deliveryLog.map((entry) => ({ ...entry, headers: { ...entry.headers } })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of hanging) socket.destroy();
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}

// Files are kept as strings; bytes that are not text travel base64-encoded behind a
// prefix no text file starts with, so every existing use of the model stays as it was.
const BINARY_PREFIX = "\u0000stand-in-binary:";

/** File content for `repos` or `setFile` that stands for raw bytes (an image), not UTF-8 text. */
export function standInBinary(bytes: Uint8Array): string {
  return BINARY_PREFIX + Buffer.from(bytes).toString("base64");
}

/** The bytes of a file in the model. */
function contentBytes(content: string): Buffer {
  return content.startsWith(BINARY_PREFIX) ? Buffer.from(content.slice(BINARY_PREFIX.length), "base64") : Buffer.from(content, "utf8");
}

/** The git blob id of some bytes, as GitHub reports it in `sha`. */
export function blobSha(bytes: Buffer): string {
  return gitObjectSha("blob", bytes);
}

function gitObjectSha(type: "blob" | "tree" | "commit", body: Buffer): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

function noreplyEmail(account: Account): string {
  return `${account.id}+${account.login}@users.noreply.github.com`;
}

/** An ISO time without milliseconds, as GitHub writes them. */
function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The JSON body of a request ({} when there is none), or undefined when it is not JSON. */
function parseJson(text: string): Record<string, unknown> | undefined {
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A path with each segment percent-encoded, as GitHub writes paths into URLs. */
function encodePath(filePath: string): string {
  return filePath.split("/").map(encodeURIComponent).join("/");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function write(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, { ...reply.headers, "x-github-media-type": "github.v3; format=json" });
    res.end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v3; format=json",
    ...reply.headers,
  });
  res.end(text);
}

// ---------------------------------------------------------------------------------------
// Validation against GitHub's OpenAPI description

type JsonObject = Record<string, unknown>;

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiState {
  paths: Record<string, Record<string, OpenApiOperation>>;
  webhooks: Record<string, Record<string, OpenApiOperation>>;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  ajv: Ajv;
  validators: Map<string, ValidateFunction | null>;
}

let openApi: OpenApiState | undefined;

/**
 * Loads api.github.com.json once per process (13 MB; the .deref variants are six times
 * larger) and registers its component schemas with Ajv, converted to JSON Schema.
 */
function loadOpenApi(): OpenApiState {
  if (openApi) return openApi;
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as {
    paths: OpenApiState["paths"];
    "x-webhooks": OpenApiState["webhooks"];
    components: { schemas: Record<string, unknown>; responses: OpenApiState["responses"] };
  };
  // GitHub's description is OpenAPI 3.0 with its own formats and keywords, which Ajv's
  // strict mode rejects; we validate what JSON Schema can express and ignore the rest.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const format of ["repo.nwo", "timestamp"]) ajv.addFormat(format, true);
  const definitions = Object.fromEntries(Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
  ajv.addSchema({ $id: "github", definitions });
  openApi = { paths: spec.paths, webhooks: spec["x-webhooks"], responses: spec.components.responses, ajv, validators: new Map() };
  return openApi;
}

/**
 * Validates a request body or a response against the operation `method template` of
 * GitHub's description; returns a description of the mismatch, or undefined.
 */
function validateAgainstOpenApi(
  check: { kind: "request"; method: string; template: string; body: unknown } | { kind: "response"; method: string; template: string; status: number; body: unknown },
): string | undefined {
  const state = loadOpenApi();
  const operation = state.paths[check.template]?.[check.method.toLowerCase()];
  if (!operation) return `GitHub's OpenAPI description has no operation ${check.method} ${check.template}`;
  const key = check.kind === "request" ? `${check.method} ${check.template} request` : `${check.method} ${check.template} ${check.status}`;
  let validate = state.validators.get(key);
  if (validate === undefined) {
    let schema: unknown;
    if (check.kind === "request") {
      schema = operation.requestBody?.content?.["application/json"]?.schema;
    } else {
      let response = operation.responses?.[String(check.status)];
      if (!response) {
        // GitHub answers any operation with 401, 403 (rate limits), 404, 5xx…; an error
        // status the description does not list must still have GitHub's error shape.
        if (check.status < 400) return `status ${check.status} is not a documented response`;
        schema = { $ref: "#/components/schemas/basic-error" };
      } else {
        if (response.$ref) response = state.responses[response.$ref.split("/").pop() ?? ""] ?? {};
        schema = response.content?.["application/json"]?.schema;
        if (schema === undefined && check.body !== undefined && check.status < 400) return `status ${check.status} must have no body`;
      }
    }
    validate = schema === undefined ? null : state.ajv.compile(toJsonSchema(schema) as JsonObject);
    state.validators.set(key, validate);
  }
  if (validate === null || (check.kind === "request" && check.body === undefined)) return undefined;
  if (validate(check.body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  return `does not match GitHub's OpenAPI schema: ${errors.join("; ")}`;
}

/**
 * Checks a webhook payload against GitHub's published schema for it, e.g.
 * "pull-request-closed" (the keys of the description's x-webhooks); returns a
 * description of the mismatch, or undefined.
 */
export function checkGitHubWebhookPayload(webhook: string, payload: unknown): string | undefined {
  const state = loadOpenApi();
  const key = `webhook ${webhook}`;
  let validate = state.validators.get(key);
  if (validate === undefined) {
    const schema = state.webhooks[webhook]?.post?.requestBody?.content?.["application/json"]?.schema;
    if (schema === undefined) return `GitHub's OpenAPI description has no webhook "${webhook}"`;
    validate = state.ajv.compile(toJsonSchema(schema) as JsonObject);
    state.validators.set(key, validate);
  }
  if (validate === null || validate(payload)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  return `does not match GitHub's webhook schema: ${errors.join("; ")}`;
}

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"]);
const DROPPED = new Set(["nullable", "discriminator", "example", "examples", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"]);

/**
 * OpenAPI 3.0 schema → JSON Schema for Ajv: `nullable: true` becomes a union with null
 * (3.0 has no null type), component `$ref`s point into the "github" schema registered
 * with Ajv, and OpenAPI-only keywords are dropped. Walks keyword by keyword so that a
 * property that happens to be called "example" or "nullable" is kept.
 */
function toJsonSchema(node: unknown): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
  const source = node as JsonObject;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace(/^#\/components\/schemas\//, "github#/definitions/");
    } else if (SCHEMA_MAPS.has(key) && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (source.nullable !== true) return out;
  if (out.$ref || out.allOf || out.anyOf || out.oneOf) return { anyOf: [out, { type: "null" }] };
  if (typeof out.type === "string") out.type = [out.type, "null"];
  else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...out.type, "null"];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
