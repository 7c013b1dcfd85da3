import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { commitFiles, initBareRepo } from "@/lib/git/local";
import {
  getLocalPullRequest,
  listLocalPullRequests,
  LocalGitWriter,
  mergeLocalPullRequest,
  reviewLocalPullRequest,
  setLocalPullRequestState,
} from "@/lib/git/local-writer";
import { parseLocationTarget } from "@/lib/git/location";
import { createGitReader, createGitWriter } from "@/lib/git/hosts";
import type { CreateRepositoryInput, GitWriter, OpenPullRequestInput } from "@/lib/git/types";

const run = promisify(execFile);
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull };
const git = async (...args: string[]) =>
  (await run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { env: gitEnv })).stdout.trim();

const CATALOG = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n";
const FILES = { "catalog-info.yaml": CATALOG, "README.md": "# payments\n", "src/index.ts": "export {};\n" };

let tmp: string;
let root: string;
let writer: LocalGitWriter;
let counter = 0;
let name: string;

const repoInput = (overrides: Partial<CreateRepositoryInput> = {}): CreateRepositoryInput => ({
  owner: "acme",
  name,
  description: "Takes the money",
  files: FILES,
  commitMessage: "Initial commit from Pave",
  runId: "run-1",
  ...overrides,
});

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Clones with the git CLI and returns the work tree's files and the commit subjects. */
async function clone(remoteUrl: string, branch?: string): Promise<{ files: Record<string, string>; log: string[] }> {
  const dir = path.join(tmp, `clone-${++counter}`);
  await git("clone", "--quiet", ...(branch ? ["--branch", branch] : []), remoteUrl, dir);
  const files: Record<string, string> = {};
  const walk = async (sub: string) => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const relative = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.name === ".git") continue;
      if (entry.isDirectory()) await walk(relative);
      else files[relative] = await readFile(path.join(dir, relative), "utf8");
    }
  };
  await walk("");
  const log = (await git("-C", dir, "log", "--format=%s|%(trailers:key=Pave-Run,valueonly,separator=)")).split("\n");
  return { files, log };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "pave-local-writer-"));
  root = path.join(tmp, "root");
  writer = new LocalGitWriter({ root });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  name = `service-${++counter}`;
});

describe("LocalGitWriter.createRepository", () => {
  it("creates a bare repository with the files as one commit, which git can clone and Pave can read", async () => {
    const result = await writer.createRepository(repoInput());
    const dir = path.join(root, "acme", `${name}.git`);
    expect(result).toEqual({ remoteUrl: `file://${dir}`, repoContentsUrl: `file://${dir}/blob/main`, defaultBranch: "main", created: true });

    const cloned = await clone(result.remoteUrl);
    expect(cloned.files).toEqual(FILES);
    expect(cloned.log).toEqual(["Initial commit from Pave|run-1"]);
    expect((await readFile(path.join(dir, "description"), "utf8")).trim()).toBe("Takes the money");

    const reader = createGitReader({ gitRoot: root });
    const file = await reader.readFile(reader.parseLocation(`${result.repoContentsUrl}/catalog-info.yaml`));
    expect(file.content).toBe(CATALOG);
  });

  it("uses the requested default branch", async () => {
    const result = await writer.createRepository(repoInput({ defaultBranch: "trunk" }));
    expect(parseLocationTarget(`${result.repoContentsUrl}/catalog-info.yaml`)).toMatchObject({ ref: "trunk", path: "catalog-info.yaml" });
    expect(await git("--git-dir", path.join(root, "acme", `${name}.git`), "symbolic-ref", "HEAD")).toBe("refs/heads/trunk");
    expect((await clone(result.remoteUrl)).files).toEqual(FILES);
  });

  it("recognises its own earlier push when the run is retried", async () => {
    const first = await writer.createRepository(repoInput());
    const second = await writer.createRepository(repoInput());
    expect(second).toEqual({ ...first, created: false });
    expect((await clone(second.remoteUrl)).log).toHaveLength(1);
  });

  it("finishes a run that stopped after creating the repository, or after pushing", async () => {
    const dir = path.join(root, "acme", `${name}.git`);
    // As if the run died right after claiming the name: an empty repository with its marker.
    await mkdir(dir, { recursive: true });
    await initBareRepo(dir, { description: "Takes the money [pave:run-1]" });
    const resumed = await writer.createRepository(repoInput());
    expect(resumed.created).toBe(false);
    expect((await clone(resumed.remoteUrl)).files).toEqual(FILES);
    expect((await readFile(path.join(dir, "description"), "utf8")).trim()).toBe("Takes the money");

    // As if it died after pushing, before cleaning the description.
    await writeFile(path.join(dir, "description"), "Takes the money [pave:run-1]\n");
    expect((await writer.createRepository(repoInput())).created).toBe(false);
    expect((await readFile(path.join(dir, "description"), "utf8")).trim()).toBe("Takes the money");
  });

  it("refuses a name that is taken", async () => {
    const taken = "A repository named acme/NAME already exists. Choose another name.";
    await writer.createRepository(repoInput());
    const error = await appError(writer.createRepository(repoInput({ runId: "run-2" })));
    expect([error.code, error.message]).toEqual(["CONFLICT", taken.replace("NAME", name)]);

    // An empty repository that this run did not create.
    const emptyName = `${name}-empty`;
    await mkdir(path.join(root, "acme", `${emptyName}.git`), { recursive: true });
    await initBareRepo(path.join(root, "acme", `${emptyName}.git`), { description: "someone else's" });
    expect((await appError(writer.createRepository(repoInput({ name: emptyName })))).message).toBe(taken.replace("NAME", emptyName));

    // A directory that is not a repository at all.
    const strayName = `${name}-stray`;
    await mkdir(path.join(root, "acme", `${strayName}.git`), { recursive: true });
    await writeFile(path.join(root, "acme", `${strayName}.git`, "notes.txt"), "hello\n");
    expect((await appError(writer.createRepository(repoInput({ name: strayName })))).code).toBe("CONFLICT");
  });

  it("lets exactly one of two concurrent runs have a name", async () => {
    const results = await Promise.allSettled([writer.createRepository(repoInput({ runId: "run-a" })), writer.createRepository(repoInput({ runId: "run-b" }))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect((rejected?.reason as AppError).code).toBe("CONFLICT");
    expect((await clone(`file://${path.join(root, "acme", `${name}.git`)}`)).log).toHaveLength(1);
  });

  it("refuses names and paths that would escape the root", async () => {
    for (const [owner, repoName] of [
      ["acme", "../x"],
      ["acme", "/etc/passwd"],
      ["acme", "a..b"],
      ["acme", ".hidden"],
      ["acme", "x.git"],
      ["a/b", "x"],
      ["..", "x"],
      ["", "x"],
    ] as const) {
      const error = await appError(writer.createRepository(repoInput({ owner, name: repoName })));
      expect(error.code).toBe("INVALID");
    }
    for (const file of ["../escape", "/abs", "a/../../b", ".git/hooks/post-update", "a\\b", "a//b"]) {
      const error = await appError(writer.createRepository(repoInput({ files: { [file]: "x" } })));
      expect(error.code).toBe("INVALID");
    }
    expect(await readdir(tmp)).not.toContain("x.git");
    expect(await readdir(root).catch(() => [])).toEqual(expect.not.arrayContaining(["..", "a"]));
  });

  it("refuses an owner directory that is a symlink out of the root", async () => {
    const outside = path.join(tmp, "outside");
    await mkdir(outside, { recursive: true });
    await mkdir(root, { recursive: true });
    await symlink(outside, path.join(root, "sneaky"));
    const error = await appError(writer.createRepository(repoInput({ owner: "sneaky" })));
    expect(error.code).toBe("FORBIDDEN");
    expect(await readdir(outside)).toEqual([]);
  });
});

describe("LocalGitWriter.openPullRequest", () => {
  let dir: string;
  let remoteUrl: string;

  const prInput = (overrides: Partial<OpenPullRequestInput> = {}): OpenPullRequestInput => ({
    owner: "acme",
    repo: name,
    title: "Add a database",
    body: "Requested in Pave.",
    branchName: "pave/db",
    files: { "terraform/db.tf": 'module "db" {}\n', "README.md": "# payments v2\n", "src/index.ts": null },
    reviewers: ["alice"],
    teamReviewers: ["platform"],
    runId: "run-9",
    ...overrides,
  });

  beforeEach(async () => {
    ({ remoteUrl } = await writer.createRepository(repoInput()));
    dir = path.join(root, "acme", `${name}.git`);
  });

  it("commits to a new branch from the default branch and records the pull request", async () => {
    const result = await writer.openPullRequest(prInput());
    expect(result).toEqual({ remoteUrl: `${remoteUrl}#pull/1`, pullRequestNumber: 1, targetBranchName: "main", created: true });

    const branch = await clone(remoteUrl, "pave/db");
    expect(branch.files).toEqual({ "catalog-info.yaml": CATALOG, "README.md": "# payments v2\n", "terraform/db.tf": 'module "db" {}\n' });
    expect(branch.log).toEqual(["Add a database|run-9", "Initial commit from Pave|run-1"]);
    expect((await clone(remoteUrl)).files).toEqual(FILES);

    const record = JSON.parse(await readFile(path.join(dir, "pave-pulls", "1.json"), "utf8"));
    expect(record).toMatchObject({
      number: 1,
      title: "Add a database",
      body: "Requested in Pave.",
      head: "pave/db",
      base: "main",
      state: "open",
      reviewers: ["alice"],
      teamReviewers: ["platform"],
    });
    expect(Date.parse(record.createdAt)).not.toBeNaN();
  });

  it("returns the open pull request on a second call, and pushes to it with update", async () => {
    await writer.openPullRequest(prInput());
    const again = await writer.openPullRequest(prInput());
    expect(again).toMatchObject({ pullRequestNumber: 1, created: false });
    expect((await clone(remoteUrl, "pave/db")).log).toHaveLength(2);

    const updated = await writer.openPullRequest(prInput({ runId: "run-10", update: true, files: { "terraform/db.tf": "# bigger\n" } }));
    expect(updated).toMatchObject({ pullRequestNumber: 1, created: false });
    const branch = await clone(remoteUrl, "pave/db");
    expect(branch.log).toHaveLength(3);
    expect(branch.files["terraform/db.tf"]).toBe("# bigger\n");

    const other = await writer.openPullRequest(prInput({ branchName: "pave/cache", runId: "run-11" }));
    expect(other.pullRequestNumber).toBe(2);
    expect((await listLocalPullRequests(dir)).map((pr) => [pr.number, pr.head])).toEqual([
      [1, "pave/db"],
      [2, "pave/cache"],
    ]);
  });

  it("finishes a run that pushed the branch but did not record the pull request", async () => {
    await writer.openPullRequest(prInput());
    await rm(path.join(dir, "pave-pulls"), { recursive: true });
    const retry = await writer.openPullRequest(prInput());
    expect(retry).toMatchObject({ pullRequestNumber: 1, created: true });
    expect((await clone(remoteUrl, "pave/db")).log).toHaveLength(2);
  });

  it("refuses a branch that exists without this run's commit", async () => {
    await git("--git-dir", dir, "branch", "pave/db", "main");
    await commitFiles(dir, { "x.txt": "x\n" }, "Someone else's work", { branch: "pave/db" });
    const error = await appError(writer.openPullRequest(prInput()));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(`A branch named "pave/db" already exists in acme/${name}. Choose another branch name.`);
  });

  it("reports a missing repository or target branch", async () => {
    expect((await appError(writer.openPullRequest(prInput({ repo: "missing" })))).code).toBe("NOT_FOUND");
    const error = await appError(writer.openPullRequest(prInput({ targetBranch: "release" })));
    expect(error.message).toBe(`There is no branch "release" in acme/${name}.`);
  });

  it("merges by fast-forward, records the merge as closed and merged, and merges only once", async () => {
    await writer.openPullRequest(prInput());
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" });
    const head = await git("--git-dir", dir, "rev-parse", "pave/db");
    const merged = await mergeLocalPullRequest(dir, 1);
    expect(merged).toMatchObject({ state: "closed", merged: true, mergeCommitSha: head, headSha: head });
    expect(Date.parse(merged.mergedAt ?? "")).not.toBeNaN();
    expect(await git("--git-dir", dir, "rev-parse", "main")).toBe(head);
    expect(await getLocalPullRequest(dir, 1)).toEqual(merged);

    // A second merge (a double click, a retried job) changes nothing.
    await commitFiles(dir, { "docs/later.md": "later\n" }, "Later on main");
    const mainAfter = await git("--git-dir", dir, "rev-parse", "main");
    expect(await mergeLocalPullRequest(dir, 1)).toEqual(merged);
    expect(await git("--git-dir", dir, "rev-parse", "main")).toBe(mainAfter);
    expect((await clone(remoteUrl)).files["terraform/db.tf"]).toBe('module "db" {}\n');
    // Neither closing nor reopening applies to a merged pull request.
    expect((await appError(setLocalPullRequestState(dir, 1, "open"))).code).toBe("CONFLICT");
    expect((await appError(setLocalPullRequestState(dir, 1, "closed"))).code).toBe("CONFLICT");
  });

  it("refuses to merge a closed pull request", async () => {
    await writer.openPullRequest(prInput());
    const main = await git("--git-dir", dir, "rev-parse", "main");
    await setLocalPullRequestState(dir, 1, "closed");
    const error = await appError(mergeLocalPullRequest(dir, 1));
    expect([error.code, error.message]).toEqual(["CONFLICT", "Pull request #1 is closed; reopen it before merging."]);
    expect(await git("--git-dir", dir, "rev-parse", "main")).toBe(main);
    expect(await getLocalPullRequest(dir, 1)).toMatchObject({ state: "closed", merged: false });
  });

  it("merges with a merge commit when the base moved on, and refuses conflicting changes", async () => {
    await writer.openPullRequest(prInput());
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" });
    await commitFiles(dir, { "docs/notes.md": "notes\n" }, "Meanwhile on main");
    const merged = await mergeLocalPullRequest(dir, 1);
    const parents = (await git("--git-dir", dir, "log", "-1", "--format=%P", "main")).split(" ");
    expect(parents).toHaveLength(2);
    expect(merged.mergeCommitSha).toBe(await git("--git-dir", dir, "rev-parse", "main"));
    expect(merged).toMatchObject({ state: "closed", merged: true });
    const files = (await clone(remoteUrl)).files;
    expect(files["docs/notes.md"]).toBe("notes\n");
    expect(files["terraform/db.tf"]).toBe('module "db" {}\n');

    await writer.openPullRequest(prInput({ branchName: "pave/readme", runId: "run-12", files: { "README.md": "# from the branch\n" } }));
    await commitFiles(dir, { "README.md": "# from main\n" }, "Conflicting change on main");
    const before = await git("--git-dir", dir, "rev-parse", "main");
    await reviewLocalPullRequest(dir, 2, { reviewer: "ada", state: "approved" });
    const error = await appError(mergeLocalPullRequest(dir, 2));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe('Pull request #2 cannot be merged: its changes conflict with "main".');
    expect(await git("--git-dir", dir, "rev-parse", "main")).toBe(before);
    expect(await getLocalPullRequest(dir, 2)).toMatchObject({ state: "open", merged: false });
  });

  it("closes and reopens a pull request", async () => {
    await writer.openPullRequest(prInput());
    expect((await setLocalPullRequestState(dir, 1, "closed")).state).toBe("closed");
    // A closed pull request does not block a new one from the same branch.
    const next = await writer.openPullRequest(prInput());
    expect(next).toMatchObject({ pullRequestNumber: 2, created: true });
    expect((await appError(setLocalPullRequestState(dir, 1, "open"))).code).toBe("CONFLICT");
    expect(await getLocalPullRequest(dir, 99)).toBeUndefined();
    expect((await appError(setLocalPullRequestState(dir, 99, "closed"))).code).toBe("NOT_FOUND");
  });
});

describe("LocalGitWriter labels, reviews and getPullRequest", () => {
  let dir: string;
  let remoteUrl: string;

  const prInput = (overrides: Partial<OpenPullRequestInput> = {}): OpenPullRequestInput => ({
    owner: "acme",
    repo: name,
    title: "Add a database",
    body: "Requested in Pave.",
    branchName: "pave/db",
    files: { "terraform/db.tf": 'module "db" {}\n' },
    labels: ["self-service", "terraform"],
    runId: "run-20",
    ...overrides,
  });
  const read = () => writer.getPullRequest({ owner: "acme", repo: name, number: 1 });

  beforeEach(async () => {
    ({ remoteUrl } = await writer.createRepository(repoInput()));
    dir = path.join(root, "acme", `${name}.git`);
  });

  it("stores labels once each, and adds new ones when the pull request is opened again", async () => {
    await writer.openPullRequest(prInput({ labels: ["self-service", "terraform", "Terraform", " env:prod "] }));
    expect((await getLocalPullRequest(dir, 1))?.labels).toEqual(["self-service", "terraform", "env:prod"]);
    await writer.openPullRequest(prInput({ labels: ["TERRAFORM", "needs-review"] }));
    expect((await getLocalPullRequest(dir, 1))?.labels).toEqual(["self-service", "terraform", "env:prod", "needs-review"]);

    for (const labels of [[""], ["x".repeat(51)], ["two\nlines"]]) {
      expect((await appError(writer.openPullRequest(prInput({ branchName: "pave/other", labels })))).code).toBe("INVALID");
    }
    expect(await listLocalPullRequests(dir)).toHaveLength(1);
  });

  it("reads an open pull request's state", async () => {
    await writer.openPullRequest(prInput());
    expect(await read()).toEqual({
      number: 1,
      url: `${remoteUrl}#pull/1`,
      state: "open",
      merged: false,
      mergedAt: null,
      headSha: await git("--git-dir", dir, "rev-parse", "pave/db"),
      reviewState: "none",
      approvers: [],
    });
    expect(await createGitWriter({ gitRoot: root }).getPullRequest({ owner: "acme", repo: name, number: 1 })).toEqual(await read());
  });

  it("follows reviews: each reviewer's latest decision counts, and any change request wins", async () => {
    await writer.openPullRequest(prInput());
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada@example.com", state: "approved" });
    expect((await read()).reviewState).toBe("approved");
    await reviewLocalPullRequest(dir, 1, { reviewer: "bob@example.com", state: "changes_requested", comment: "Use the large tier." });
    expect((await read()).reviewState).toBe("changes_requested");
    await reviewLocalPullRequest(dir, 1, { reviewer: "BOB@example.com", state: "approved" });
    expect((await read()).reviewState).toBe("approved");
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada@example.com", state: "changes_requested" });
    expect((await read()).reviewState).toBe("changes_requested");

    const record = await getLocalPullRequest(dir, 1);
    expect(record?.reviews.map((r) => [r.reviewer, r.state, r.comment])).toEqual([
      ["ada@example.com", "approved", undefined],
      ["bob@example.com", "changes_requested", "Use the large tier."],
      ["BOB@example.com", "approved", undefined],
      ["ada@example.com", "changes_requested", undefined],
    ]);
  });

  it("stores a repeated review once", async () => {
    await writer.openPullRequest(prInput());
    const first = await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved", comment: "LGTM" });
    const second = await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved", comment: "LGTM" });
    expect(second).toEqual(first);
    expect((await getLocalPullRequest(dir, 1))?.reviews).toHaveLength(1);
  });

  it("refuses invalid reviews, and new reviews of a closed or merged pull request", async () => {
    await writer.openPullRequest(prInput());
    expect((await appError(reviewLocalPullRequest(dir, 1, { reviewer: " ", state: "approved" }))).code).toBe("INVALID");
    const bad = { reviewer: "ada", state: "lgtm" } as unknown as Parameters<typeof reviewLocalPullRequest>[2];
    expect((await appError(reviewLocalPullRequest(dir, 1, bad))).code).toBe("INVALID");
    expect((await appError(reviewLocalPullRequest(dir, 7, { reviewer: "ada", state: "approved" }))).code).toBe("NOT_FOUND");

    await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" });
    await mergeLocalPullRequest(dir, 1);
    // Repeating the review that led to the merge is fine; a new decision is not.
    expect((await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" })).reviews).toHaveLength(1);
    const error = await appError(reviewLocalPullRequest(dir, 1, { reviewer: "bob", state: "changes_requested" }));
    expect([error.code, error.message]).toEqual(["CONFLICT", "Pull request #1 is merged and can no longer be reviewed."]);
  });

  it("reads a merged pull request, also after its branch is deleted", async () => {
    await writer.openPullRequest(prInput());
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" });
    const head = await git("--git-dir", dir, "rev-parse", "pave/db");
    const merged = await mergeLocalPullRequest(dir, 1);
    const expected = { number: 1, url: `${remoteUrl}#pull/1`, state: "closed", merged: true, mergedAt: merged.mergedAt, headSha: head, reviewState: "approved", approvers: ["ada"] };
    expect(await read()).toEqual(expected);
    await git("--git-dir", dir, "branch", "-D", "pave/db");
    expect(await read()).toEqual(expected);
  });

  it("reads a closed pull request", async () => {
    await writer.openPullRequest(prInput());
    await setLocalPullRequestState(dir, 1, "closed");
    expect(await read()).toMatchObject({ state: "closed", merged: false, mergedAt: null });
  });

  it("reads records written before merges were stored as closed", async () => {
    await writer.openPullRequest(prInput());
    const file = path.join(dir, "pave-pulls", "1.json");
    const old = JSON.parse(await readFile(file, "utf8"));
    for (const field of ["labels", "reviews", "merged"]) delete old[field];
    await writeFile(file, JSON.stringify({ ...old, state: "merged", mergedAt: "2025-01-02T03:04:05.000Z" }));
    expect(await getLocalPullRequest(dir, 1)).toMatchObject({ state: "closed", merged: true, labels: [], reviews: [] });
    expect(await read()).toMatchObject({ state: "closed", merged: true, mergedAt: "2025-01-02T03:04:05.000Z", reviewState: "none" });
    expect((await mergeLocalPullRequest(dir, 1)).mergedAt).toBe("2025-01-02T03:04:05.000Z");
  });

  it("merges only with an approval that stands, and never counts the ignored reviewers", async () => {
    await writer.openPullRequest(prInput());
    const main = await git("--git-dir", dir, "rev-parse", "main");
    expect((await appError(mergeLocalPullRequest(dir, 1))).message).toBe("Pull request #1 needs an approval before it can be merged.");
    // The requester's own approval does not count.
    await reviewLocalPullRequest(dir, 1, { reviewer: "max@example.com", state: "approved" });
    expect((await appError(mergeLocalPullRequest(dir, 1, { ignoreReviewers: ["MAX@example.com"] }))).code).toBe("CONFLICT");
    await reviewLocalPullRequest(dir, 1, { reviewer: "ada", state: "approved" });
    await reviewLocalPullRequest(dir, 1, { reviewer: "bob", state: "changes_requested" });
    expect((await appError(mergeLocalPullRequest(dir, 1))).message).toBe("Pull request #1 has changes requested; it cannot be merged.");
    expect(await git("--git-dir", dir, "rev-parse", "main")).toBe(main);
  });

  it("keeps every one of many reviews submitted at the same moment", async () => {
    await writer.openPullRequest(prInput());
    const reviewers = Array.from({ length: 12 }, (_, i) => `reviewer-${i}`);
    await Promise.all(reviewers.map((reviewer) => reviewLocalPullRequest(dir, 1, { reviewer, state: "approved" })));
    const pr = await getLocalPullRequest(dir, 1);
    expect(pr?.reviews.map((r) => r.reviewer).sort()).toEqual([...reviewers].sort());
    expect(pr?.version).toBe(12);
  });

  it("lets only one of a merge and a close made at the same moment happen", async () => {
    for (let round = 1; round <= 5; round++) {
      const branch = `pave/race-${round}`;
      const { pullRequestNumber: number } = await writer.openPullRequest(prInput({ branchName: branch, runId: `race-${round}`, files: { [`race/${round}.txt`]: `${round}\n` } }));
      await reviewLocalPullRequest(dir, number, { reviewer: "ada", state: "approved" });
      const results = await Promise.allSettled([mergeLocalPullRequest(dir, number), setLocalPullRequestState(dir, number, "closed")]);
      const pr = await getLocalPullRequest(dir, number);
      const onMain = await git("--git-dir", dir, "cat-file", "-e", `main:race/${round}.txt`).then(() => true, () => false);
      // Whichever came first decided: merged and on main, or closed and not merged; never both "succeeding".
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(pr?.merged).toBe(onMain);
      expect(pr?.state).toBe("closed");
    }
  });

  it("reviews, merges and closes through GitWriter, answering the pull request as it stands after", async () => {
    const gitWriter: GitWriter = createGitWriter({ gitRoot: root });
    const target = { owner: "acme", repo: name, number: 1 };
    await writer.openPullRequest(prInput());
    await writer.openPullRequest(prInput({ branchName: "pave/other", runId: "run-21", files: { "terraform/other.tf": "# other\n" } }));

    expect((await appError(gitWriter.mergePullRequest(target))).message).toBe("Pull request #1 needs an approval before it can be merged.");
    const approved = await gitWriter.reviewPullRequest({ ...target, reviewer: "ada@example.com", state: "approved" });
    expect(approved).toMatchObject({ number: 1, state: "open", merged: false, reviewState: "approved", approvers: ["ada@example.com"] });
    expect(approved).toEqual(await read());
    // The requester's own approval never counts.
    expect((await appError(gitWriter.mergePullRequest({ ...target, ignoreReviewers: ["ADA@example.com"] }))).code).toBe("CONFLICT");

    const merged = await gitWriter.mergePullRequest(target);
    expect(merged).toMatchObject({ state: "closed", merged: true, reviewState: "approved" });
    expect(merged).toEqual(await read());
    expect(await git("--git-dir", dir, "show", "main:terraform/db.tf")).toBe('module "db" {}');

    expect(await gitWriter.closePullRequest({ ...target, number: 2 })).toMatchObject({ number: 2, state: "closed", merged: false });
    expect((await appError(gitWriter.closePullRequest(target))).message).toBe("Pull request #1 is already merged.");
    expect((await appError(gitWriter.reviewPullRequest({ ...target, number: 2, reviewer: "ada", state: "approved" }))).message).toBe(
      "Pull request #2 is closed and can no longer be reviewed.",
    );
    expect((await appError(gitWriter.reviewPullRequest({ ...target, number: 9, reviewer: "ada", state: "approved" }))).code).toBe("NOT_FOUND");
    expect((await appError(gitWriter.closePullRequest({ ...target, repo: "../x" }))).code).toBe("INVALID");
  });

  it("reports a pull request or repository that does not exist", async () => {
    const missing = await appError(writer.getPullRequest({ owner: "acme", repo: name, number: 5 }));
    expect([missing.code, missing.message]).toEqual(["NOT_FOUND", `There is no pull request #5 in acme/${name}.`]);
    expect((await appError(writer.getPullRequest({ owner: "acme", repo: "nowhere", number: 1 }))).code).toBe("NOT_FOUND");
    expect((await appError(writer.getPullRequest({ owner: "acme", repo: "../x", number: 1 }))).code).toBe("INVALID");
    expect((await appError(writer.getPullRequest({ owner: "acme", repo: name, number: 0 }))).code).toBe("INVALID");
  });
});

describe("createGitWriter", () => {
  it("writes to local git when no GitHub token is configured", () => {
    expect(createGitWriter({ gitRoot: root })).toBeInstanceOf(LocalGitWriter);
  });
});
