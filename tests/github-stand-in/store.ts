import { createHash } from "node:crypto";
import type { GitHubStandInOptions, StandInCommit, StandInRepository, StandInReviewState } from "@/tests/github-stand-in/types";

// The in-memory model: accounts, repositories and their git objects, refs, pull requests
// and labels. Git objects get the ids real git would give them, so a sha the stand-in
// reports is the sha the same content has on GitHub.

export interface Account {
  login: string;
  id: number;
  type: "User" | "Organization";
}

export interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

export interface Label {
  id: number;
  name: string;
  color: string;
}

export interface Review {
  id: number;
  user: Account;
  state: StandInReviewState;
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface Pull {
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

export interface Repo {
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

export type Store = ReturnType<typeof createStore>;

/** A store holding the token's user, the options' organizations and the options' repositories. */
export function createStore(options: GitHubStandInOptions) {
  const defaultRef = options.defaultRef ?? "main";
  const accounts = new Map<string, Account>();
  const repos = new Map<string, Repo>();
  let nextId = 1000;

  /** The next id for an account, repository, pull request, review or label: one sequence for all. */
  const newId = () => nextId++;

  const addAccount = (login: string, type: Account["type"]) => {
    const key = login.toLowerCase();
    const account = accounts.get(key) ?? { login, id: newId(), type };
    accounts.set(key, account);
    return account;
  };
  const user = addAccount(options.user ?? "pave-bot", "User");
  for (const org of options.orgs ?? []) addAccount(org, "Organization");

  function accountFor(login: string): Account {
    return accounts.get(login.toLowerCase()) ?? addAccount(login, "User");
  }

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

  function createRepo(owner: Account, name: string, fields: { description?: string | null; visibility: Repo["visibility"]; autoInit: boolean }): Repo {
    const now = timestamp();
    const repo: Repo = {
      id: newId(),
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

  /** "owner/name" → its repository, creating both (the owner as an organization) when missing. */
  function findOrCreateRepo(ownerRepo: string): Repo {
    const [owner = "", name = ""] = ownerRepo.split("/");
    return findRepo(owner, name) ?? createRepo(accounts.get(owner.toLowerCase()) ?? addAccount(owner, "Organization"), name, { visibility: "private", autoInit: false });
  }

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

  return { accounts, repos, user, newId, addAccount, accountFor, writeTree, writeCommit, commitFiles, filesAt, createRepo, findRepo, findOrCreateRepo };
}

// ---------------------------------------------------------------------------------------
// The commit graph

export function isAncestor(repo: Repo, ancestor: string, of: string): boolean {
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
export function resolveRef(repo: Repo, ref: string): string | undefined {
  return repo.refs.get(`refs/heads/${ref}`) ?? repo.refs.get(`refs/tags/${ref}`) ?? (repo.commits.has(ref) ? ref : undefined);
}

export function countCommitsAhead(repo: Repo, baseSha: string, headSha: string): number {
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

/** The nearest common ancestor of two commits (enough for the stand-in's short histories). */
export function mergeBase(repo: Repo, a: string, b: string): string | undefined {
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
export function mergeTrees(ancestor: Map<string, string>, ours: Map<string, string>, theirs: Map<string, string>): Map<string, string> | undefined {
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

/** The head commit a pull request shows: its head branch's, or the one it had when closed. */
export function pullHeadSha(repo: Repo, pull: Pull): string {
  return pull.closedHeadSha ?? repo.refs.get(`refs/heads/${pull.head}`) ?? "";
}

/** A copy of one repository in the public shape, for assertions. */
export function snapshotRepository(store: Store, repo: Repo): StandInRepository {
  const branches: Record<string, StandInCommit> = {};
  for (const [ref, sha] of repo.refs) {
    if (!ref.startsWith("refs/heads/")) continue;
    const commit = repo.commits.get(sha);
    if (!commit) continue;
    branches[ref.slice("refs/heads/".length)] = { sha, message: commit.message, parents: [...commit.parents], files: Object.fromEntries(store.filesAt(repo, sha)) };
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
}

// ---------------------------------------------------------------------------------------
// Content, object ids and times

// Files are kept as strings; bytes that are not text travel base64-encoded behind a
// prefix no text file starts with, so every existing use of the model stays as it was.
const BINARY_PREFIX = "\u0000stand-in-binary:";

/** File content for `repos` or `setFile` that stands for raw bytes (an image), not UTF-8 text. */
export function standInBinary(bytes: Uint8Array): string {
  return BINARY_PREFIX + Buffer.from(bytes).toString("base64");
}

/** The bytes of a file in the model. */
export function contentBytes(content: string): Buffer {
  return content.startsWith(BINARY_PREFIX) ? Buffer.from(content.slice(BINARY_PREFIX.length), "base64") : Buffer.from(content, "utf8");
}

/** The git blob id of some bytes, as GitHub reports it in `sha`. */
export function blobSha(bytes: Buffer): string {
  return gitObjectSha("blob", bytes);
}

function gitObjectSha(type: "blob" | "tree" | "commit", body: Buffer): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

export function noreplyEmail(account: Account): string {
  return `${account.id}+${account.login}@users.noreply.github.com`;
}

/** An ISO time without milliseconds, as GitHub writes them. */
export function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
