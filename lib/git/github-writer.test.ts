import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { GitHubReader } from "@/lib/git/github";
import { GitHubWriter } from "@/lib/git/github-writer";
import { parseLocationTarget } from "@/lib/git/location";
import { createGitWriter } from "@/lib/git/hosts";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import type { CreateRepositoryInput, OpenPullRequestInput } from "@/lib/git/types";

const TOKEN = "ghp_standin_writer_token";
const CATALOG = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  description: Zahlungen – ünïcödé\n";
const FILES = { "catalog-info.yaml": CATALOG, "README.md": "# payments\n", "src/index.ts": "export {};\n" };

let github: GitHubStandIn;

const writer = (options: { token?: string; timeoutMs?: number; maxDelayMs?: number } = {}) =>
  new GitHubWriter({
    baseUrl: github.url,
    token: options.token ?? TOKEN,
    timeoutMs: options.timeoutMs,
    retry: { attempts: 4, baseMs: 1, maxDelayMs: options.maxDelayMs ?? 50 },
  });

const repoInput = (overrides: Partial<CreateRepositoryInput> = {}): CreateRepositoryInput => ({
  owner: "acme",
  name: "payments",
  description: "Takes the money",
  files: FILES,
  commitMessage: "Initial commit from Pave",
  runId: "run-1",
  ...overrides,
});

const read = (url: string) =>
  new GitHubReader({ baseUrl: github.url, token: TOKEN }).readFile(parseLocationTarget(url, { githubWebUrl: github.url }));

const count = (route: string) => github.requests().filter((request) => request.route === route).length;

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeEach(async () => {
  github = await startGitHubStandIn({
    token: TOKEN,
    orgs: ["acme"],
    repos: { "acme/infra": { main: { "terraform/envs/dev/main.tf": "# dev\n", "terraform/envs/dev/old.tf": "# old\n", "README.md": "# infra\n" } } },
  });
});

afterEach(async () => {
  // Every answer the stand-in gave matched GitHub's OpenAPI description.
  expect(github.violations()).toEqual([]);
  await github.close();
});

describe("GitHubWriter.createRepository", () => {
  it("creates the repository with the files as one commit, readable through the GitHubReader", async () => {
    const result = await writer().createRepository(repoInput());

    expect(result).toEqual({
      remoteUrl: `${github.url}/acme/payments`,
      repoContentsUrl: `${github.url}/acme/payments/blob/main`,
      defaultBranch: "main",
      created: true,
    });
    const repo = github.getRepository("acme/payments");
    expect(repo?.description).toBe("Takes the money");
    expect(repo?.visibility).toBe("private");
    expect(Object.keys(repo?.branches ?? {})).toEqual(["main"]);
    const commit = repo?.branches.main;
    expect(commit?.parents).toEqual([]);
    expect(commit?.files).toEqual(FILES);
    expect(commit?.message).toBe("Initial commit from Pave\n\nPave-Run: run-1\n");

    const file = await read(`${result.repoContentsUrl}/catalog-info.yaml`);
    expect(file.content).toBe(CATALOG);
    expect((await read(`${result.repoContentsUrl}/src/index.ts`)).content).toBe("export {};\n");
  });

  it("creates another default branch and removes GitHub's auto-init branch", async () => {
    const result = await writer().createRepository(repoInput({ name: "trunk-based", defaultBranch: "trunk", description: undefined }));
    expect(result.repoContentsUrl).toBe(`${github.url}/acme/trunk-based/blob/trunk`);
    const repo = github.getRepository("acme/trunk-based");
    expect(repo?.defaultBranch).toBe("trunk");
    expect(Object.keys(repo?.branches ?? {})).toEqual(["trunk"]);
    expect(repo?.description).toBeNull();
  });

  it("creates a repository for the token's own user when the owner is not an organization", async () => {
    const result = await writer().createRepository(repoInput({ owner: "pave-bot", visibility: "public" }));
    expect(result.remoteUrl).toBe(`${github.url}/pave-bot/payments`);
    expect(github.getRepository("pave-bot/payments")?.visibility).toBe("public");
    expect(count("POST /user/repos")).toBe(1);
  });

  it("refuses an owner that is neither an organization nor the token's user", async () => {
    const error = await appError(writer().createRepository(repoInput({ owner: "nobody" })));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe('The GitHub organization "nobody" was not found, or the token in GITHUB_TOKEN cannot see it.');
  });

  it("finishes a run that failed between creating the repository and pushing, without a second repository", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/payments/git/trees", failure: 502, times: 4 });
    const first = await appError(writer().createRepository(repoInput()));
    expect(first.code).toBe("UNAVAILABLE");
    expect(first.message).toBe(
      "GitHub could not be reached or answered with an error while Pave tried to create the repository acme/payments; try again later.",
    );
    // Left behind: GitHub's initial commit and the run marker in the description.
    expect(github.getRepository("acme/payments")?.description).toBe("Takes the money [pave:run-1]");

    const retry = await writer().createRepository(repoInput());
    expect(retry).toMatchObject({ created: false, repoContentsUrl: `${github.url}/acme/payments/blob/main` });
    const repo = github.getRepository("acme/payments");
    expect(repo?.description).toBe("Takes the money");
    expect(repo?.branches.main?.files).toEqual(FILES);
    expect(repo?.branches.main?.parents).toEqual([]);
    expect(count("POST /orgs/{org}/repos")).toBe(2);
    expect(github.listRepositories().filter((name) => name.endsWith("/payments"))).toEqual(["acme/payments"]);

    // Once done, a further retry changes nothing.
    const commits = count("POST /repos/{owner}/{repo}/git/commits");
    expect(await writer().createRepository(repoInput())).toMatchObject({ created: false });
    expect(count("POST /repos/{owner}/{repo}/git/commits")).toBe(commits);
  });

  it("cleans the description when a run stopped after pushing", async () => {
    github.failOn({ method: "PATCH", path: "/repos/acme/payments", failure: 500, times: 4 });
    expect((await appError(writer().createRepository(repoInput()))).code).toBe("UNAVAILABLE");
    expect(github.getRepository("acme/payments")?.description).toBe("Takes the money [pave:run-1]");

    const commits = count("POST /repos/{owner}/{repo}/git/commits");
    expect(await writer().createRepository(repoInput())).toMatchObject({ created: false });
    expect(github.getRepository("acme/payments")?.description).toBe("Takes the money");
    expect(count("POST /repos/{owner}/{repo}/git/commits")).toBe(commits);
  });

  it("recovers when the answer to the create request is lost", async () => {
    github.failOn({ method: "POST", path: "/orgs/acme/repos", failure: "network", afterHandling: true });
    const result = await writer().createRepository(repoInput());
    expect(result.remoteUrl).toBe(`${github.url}/acme/payments`);
    expect(github.getRepository("acme/payments")?.branches.main?.files).toEqual(FILES);
    expect(count("POST /orgs/{org}/repos")).toBe(2);
  });

  it("refuses a name taken by another run or by anyone else", async () => {
    await writer().createRepository(repoInput());
    const error = await appError(writer().createRepository(repoInput({ runId: "run-2" })));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("A repository named acme/payments already exists. Choose another name.");

    const existing = await appError(writer().createRepository(repoInput({ name: "infra" })));
    expect(existing.message).toBe("A repository named acme/infra already exists. Choose another name.");
    expect(github.getRepository("acme/infra")?.branches.main?.files["README.md"]).toBe("# infra\n");
  });

  it("refuses to take over a half-created repository of another run", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/payments/git/trees", failure: 500, times: 4 });
    await appError(writer().createRepository(repoInput()));
    const error = await appError(writer().createRepository(repoInput({ runId: "run-2" })));
    expect(error.code).toBe("CONFLICT");
  });

  it("retries 5xx answers, dropped connections and timeouts", async () => {
    github.failNext(2, 502);
    await writer().createRepository(repoInput());
    expect(count("POST /orgs/{org}/repos")).toBe(3);

    github.failOn({ method: "POST", path: "/repos/acme/second/git/commits", failure: "network" });
    github.failOn({ method: "PATCH", path: "/repos/acme/second/git/refs/heads/main", failure: "hang" });
    await writer({ timeoutMs: 300 }).createRepository(repoInput({ name: "second" }));
    expect(github.getRepository("acme/second")?.branches.main?.files).toEqual(FILES);
  });

  it("does not retry other 4xx answers", async () => {
    github.failOn({ method: "POST", path: "/orgs/acme/repos", failure: 422, times: 4 });
    const error = await appError(writer().createRepository(repoInput()));
    expect(error.code).toBe("INVALID");
    expect(error.message).toBe("GitHub refused to create repositories in acme.");
    expect(count("POST /orgs/{org}/repos")).toBe(1);
  });

  it("names GITHUB_TOKEN when GitHub rejects the token, and never shows the token", async () => {
    const error = await appError(writer({ token: "ghp_wrong" }).createRepository(repoInput()));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("GitHub rejected the token in GITHUB_TOKEN: it is invalid or has expired.");
    expect(error.message).not.toContain("ghp_wrong");
    expect(github.requests()).toHaveLength(1);
  });

  it("says which permission the token lacks", async () => {
    github.failOn({ method: "POST", path: "/orgs/acme/repos", failure: 403, message: "Resource not accessible by personal access token" });
    const error = await appError(writer().createRepository(repoInput()));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/^The token in GITHUB_TOKEN is not allowed to create repositories in acme\. It needs the "repo" scope/);
  });

  it("waits for a short retry-after, and gives up at once on a long one", async () => {
    github.failOn({ method: "POST", path: "/orgs/acme/repos", failure: 429, headers: { "retry-after": "0" } });
    await writer().createRepository(repoInput());
    expect(count("POST /orgs/{org}/repos")).toBe(2);

    github.failOn({
      method: "POST",
      path: "/orgs/acme/repos",
      failure: 403,
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      headers: { "retry-after": "60" },
    });
    const error = await appError(writer().createRepository(repoInput({ name: "limited" })));
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.message).toBe("GitHub's API rate limit was reached while Pave tried to create repositories in acme; try again later.");
    expect(count("POST /orgs/{org}/repos")).toBe(3);
  });

  it("refuses bad input before calling GitHub", async () => {
    for (const name of ["../x", "/etc", "a b", "x.git", ""]) {
      expect((await appError(writer().createRepository(repoInput({ name })))).code).toBe("INVALID");
    }
    expect((await appError(writer().createRepository(repoInput({ files: { "../escape": "x" } })))).code).toBe("INVALID");
    expect((await appError(writer().createRepository(repoInput({ files: { ".git/config": "x" } })))).code).toBe("INVALID");
    expect(github.requests()).toEqual([]);
  });
});

describe("GitHubWriter.openPullRequest", () => {
  const prInput = (overrides: Partial<OpenPullRequestInput> = {}): OpenPullRequestInput => ({
    owner: "acme",
    repo: "infra",
    title: "Add a Postgres database for payments",
    body: "Requested in Pave by ada@example.com.",
    branchName: "pave/db-payments",
    files: { "terraform/envs/dev/payments-db.tf": 'module "db" {}\n', "terraform/envs/dev/main.tf": "# dev v2\n", "terraform/envs/dev/old.tf": null },
    reviewers: ["alice"],
    teamReviewers: ["platform"],
    runId: "run-7",
    ...overrides,
  });

  it("commits to a new branch from the default branch, opens the pull request and requests reviews", async () => {
    const main = github.getRepository("acme/infra")?.branches.main;
    const result = await writer().openPullRequest(prInput());
    expect(result).toEqual({ remoteUrl: `${github.url}/acme/infra/pull/1`, pullRequestNumber: 1, targetBranchName: "main", created: true });

    const repo = github.getRepository("acme/infra");
    const branch = repo?.branches["pave/db-payments"];
    expect(branch?.parents).toEqual([main?.sha]);
    expect(branch?.message).toBe("Add a Postgres database for payments\n\nPave-Run: run-7\n");
    expect(branch?.files).toEqual({
      "README.md": "# infra\n",
      "terraform/envs/dev/main.tf": "# dev v2\n",
      "terraform/envs/dev/payments-db.tf": 'module "db" {}\n',
    });
    expect(repo?.branches.main?.sha).toBe(main?.sha);
    expect(repo?.pulls).toEqual([
      expect.objectContaining({ number: 1, head: "pave/db-payments", base: "main", state: "open", requestedReviewers: ["alice"], requestedTeams: ["platform"] }),
    ]);
    const file = await read(`${github.url}/acme/infra/blob/${encodeURIComponent("pave/db-payments")}/terraform/envs/dev/payments-db.tf`);
    expect(file.content).toBe('module "db" {}\n');
  });

  it("returns the open pull request on a second call, pushing only with update", async () => {
    await writer().openPullRequest(prInput());
    const commits = count("POST /repos/{owner}/{repo}/git/commits");

    const again = await writer().openPullRequest(prInput());
    expect(again).toMatchObject({ pullRequestNumber: 1, created: false });
    expect(count("POST /repos/{owner}/{repo}/git/commits")).toBe(commits);
    expect(count("POST /repos/{owner}/{repo}/pulls")).toBe(1);

    const first = github.getRepository("acme/infra")?.branches["pave/db-payments"]?.sha;
    const updated = await writer().openPullRequest(prInput({ runId: "run-8", update: true, files: { "terraform/envs/dev/payments-db.tf": 'module "db" { size = "large" }\n' } }));
    expect(updated).toMatchObject({ pullRequestNumber: 1, created: false });
    const branch = github.getRepository("acme/infra")?.branches["pave/db-payments"];
    expect(branch?.parents).toEqual([first]);
    expect(branch?.files["terraform/envs/dev/payments-db.tf"]).toBe('module "db" { size = "large" }\n');
    expect(github.getRepository("acme/infra")?.pulls).toHaveLength(1);
  });

  it("finishes a run that pushed the branch but failed to open the pull request", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/infra/pulls", failure: 503, times: 4 });
    expect((await appError(writer().openPullRequest(prInput()))).code).toBe("UNAVAILABLE");
    const pushed = github.getRepository("acme/infra")?.branches["pave/db-payments"]?.sha;

    const retry = await writer().openPullRequest(prInput());
    expect(retry).toMatchObject({ pullRequestNumber: 1, created: true });
    expect(github.getRepository("acme/infra")?.branches["pave/db-payments"]?.sha).toBe(pushed);
  });

  it("recovers when the answer to the pull request create is lost", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/infra/pulls", failure: 502, afterHandling: true });
    const result = await writer().openPullRequest(prInput());
    expect(result).toMatchObject({ pullRequestNumber: 1, created: false });
    expect(github.getRepository("acme/infra")?.pulls).toHaveLength(1);
    expect(github.getRepository("acme/infra")?.pulls[0]?.requestedReviewers).toEqual(["alice"]);
  });

  it("refuses a branch that exists without this run's commit, unless asked to update it", async () => {
    github.setFile("acme/infra", "pave/db-payments", "other.txt", "someone else's\n");
    const error = await appError(writer().openPullRequest(prInput()));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe('A branch named "pave/db-payments" already exists in acme/infra. Choose another branch name.');

    const result = await writer().openPullRequest(prInput({ update: true }));
    expect(result.created).toBe(true);
    expect(github.getRepository("acme/infra")?.branches["pave/db-payments"]?.files["other.txt"]).toBe("someone else's\n");
  });

  it("explains a reviewer GitHub will not accept", async () => {
    await github.close();
    github = await startGitHubStandIn({ token: TOKEN, orgs: ["acme"], collaborators: ["bob"], repos: { "acme/infra": { main: { "a.tf": "" } } } });
    const error = await appError(writer().openPullRequest(prInput({ files: { "b.tf": "#\n" } })));
    expect(error.code).toBe("INVALID");
    expect(error.message).toBe(
      "Pull request #1 was opened, but GitHub refused to request reviews from alice, team platform: reviewers must be collaborators of acme/infra (teams need access to it).",
    );
  });

  it("reports a missing repository or target branch", async () => {
    const repo = await appError(writer().openPullRequest(prInput({ repo: "missing" })));
    expect(repo.code).toBe("NOT_FOUND");
    expect(repo.message).toBe("The GitHub repository acme/missing was not found, or the token in GITHUB_TOKEN cannot see it.");
    const branch = await appError(writer().openPullRequest(prInput({ targetBranch: "release" })));
    expect(branch.message).toBe('There is no branch "release" in acme/infra on GitHub.');
  });
});

describe("GitHubWriter labels", () => {
  const prInput = (overrides: Partial<OpenPullRequestInput> = {}): OpenPullRequestInput => ({
    owner: "acme",
    repo: "infra",
    title: "Add a Postgres database for payments",
    body: "Requested in Pave.",
    branchName: "pave/db-payments",
    files: { "terraform/envs/dev/payments-db.tf": 'module "db" {}\n' },
    labels: ["self-service", "terraform", "env:dev"],
    runId: "run-30",
    ...overrides,
  });
  const labelsOf = (number: number) => github.getRepository("acme/infra")?.pulls.find((pull) => pull.number === number)?.labels;
  const addLabels = "POST /repos/{owner}/{repo}/issues/{issue_number}/labels";

  it("labels a new pull request, creating the labels on GitHub", async () => {
    const result = await writer().openPullRequest(prInput({ labels: ["self-service", "terraform", "Terraform", "env:dev"] }));
    expect(labelsOf(result.pullRequestNumber)).toEqual(["self-service", "terraform", "env:dev"]);
    expect(count(addLabels)).toBe(1);
  });

  it("adds only the labels an open pull request lacks, and none when it has them all", async () => {
    await writer().openPullRequest(prInput());
    await writer().openPullRequest(prInput());
    expect(count(addLabels)).toBe(1);
    await writer().openPullRequest(prInput({ labels: ["TERRAFORM", "needs-dba"] }));
    expect(labelsOf(1)).toEqual(["self-service", "terraform", "env:dev", "needs-dba"]);
    const added = github.requests().filter((request) => request.route === addLabels);
    expect(added).toHaveLength(2);
  });

  it("finishes labelling on a retry when GitHub failed after opening the pull request", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/infra/issues/1/labels", failure: 503, times: 4 });
    expect((await appError(writer().openPullRequest(prInput()))).code).toBe("UNAVAILABLE");
    expect(labelsOf(1)).toEqual([]);
    const retry = await writer().openPullRequest(prInput());
    expect(retry).toMatchObject({ pullRequestNumber: 1, created: false });
    expect(labelsOf(1)).toEqual(["self-service", "terraform", "env:dev"]);
  });

  it("survives a lost answer to adding labels", async () => {
    github.failOn({ method: "POST", path: "/repos/acme/infra/issues/1/labels", failure: 502, afterHandling: true });
    await writer().openPullRequest(prInput());
    expect(labelsOf(1)).toEqual(["self-service", "terraform", "env:dev"]);
  });

  it("refuses invalid labels before calling GitHub", async () => {
    for (const labels of [[""], ["x".repeat(51)], ["tab\there"]]) {
      expect((await appError(writer().openPullRequest(prInput({ labels })))).code).toBe("INVALID");
    }
    expect(github.requests()).toEqual([]);
  });
});

describe("GitHubWriter.getPullRequest", () => {
  const open = async (overrides: Partial<OpenPullRequestInput> = {}) =>
    writer().openPullRequest({
      owner: "acme",
      repo: "infra",
      title: "Add a database",
      body: "Requested in Pave.",
      branchName: "pave/db",
      files: { "terraform/envs/dev/db.tf": 'module "db" {}\n' },
      runId: "run-40",
      ...overrides,
    });
  const read = (number = 1) => writer().getPullRequest({ owner: "acme", repo: "infra", number });
  const branchSha = (branch: string) => github.getRepository("acme/infra")?.branches[branch]?.sha;

  it("reads an open pull request without reviews", async () => {
    await open();
    expect(await read()).toEqual({
      number: 1,
      url: `${github.url}/acme/infra/pull/1`,
      state: "open",
      merged: false,
      mergedAt: null,
      headSha: branchSha("pave/db"),
      reviewState: "none",
      approvers: [],
    });
  });

  it("follows each reviewer's latest decision: a change request wins, comments do not count", async () => {
    await open();
    await github.reviewPullRequest("acme/infra", 1, { user: "alice", state: "APPROVED" });
    expect((await read()).reviewState).toBe("approved");
    await github.reviewPullRequest("acme/infra", 1, { user: "alice", state: "COMMENTED", body: "One more thought." });
    expect((await read()).reviewState).toBe("approved");
    await github.reviewPullRequest("acme/infra", 1, { user: "bob", state: "CHANGES_REQUESTED" });
    expect((await read()).reviewState).toBe("changes_requested");
    await github.reviewPullRequest("acme/infra", 1, { user: "bob", state: "APPROVED" });
    expect((await read()).reviewState).toBe("approved");
    expect((await read()).approvers.sort()).toEqual(["alice", "bob"]);
    await github.reviewPullRequest("acme/infra", 1, { user: "alice", state: "CHANGES_REQUESTED" });
    expect((await read()).reviewState).toBe("changes_requested");
    expect((await read()).approvers).toEqual(["bob"]);
  });

  it("reads every page of reviews, so the latest decision is not missed", async () => {
    await open();
    for (let i = 0; i < 120; i++) await github.reviewPullRequest("acme/infra", 1, { user: `reviewer-${i % 3}`, state: "APPROVED" });
    await github.reviewPullRequest("acme/infra", 1, { user: "reviewer-1", state: "CHANGES_REQUESTED" });
    expect((await read()).reviewState).toBe("changes_requested");
    expect(count("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews")).toBe(2);
  });

  it("reads a pull request merged on GitHub", async () => {
    await open();
    await github.reviewPullRequest("acme/infra", 1, { user: "alice", state: "APPROVED" });
    const head = branchSha("pave/db");
    const mergeSha = await github.mergePullRequest("acme/infra", 1, { user: "alice" });
    const state = await read();
    expect(state).toMatchObject({ state: "closed", merged: true, headSha: head, reviewState: "approved" });
    expect(Date.parse(state.mergedAt ?? "")).not.toBeNaN();
    const main = github.getRepository("acme/infra")?.branches.main;
    expect(main?.sha).toBe(mergeSha);
    expect(main?.files["terraform/envs/dev/db.tf"]).toBe('module "db" {}\n');
  });

  it("reads a pull request closed without merging", async () => {
    await open();
    await github.closePullRequest("acme/infra", 1);
    expect(await read()).toMatchObject({ state: "closed", merged: false, mergedAt: null });
  });

  it("reports a pull request that does not exist, and retries GitHub's 5xx answers", async () => {
    const error = await appError(read(42));
    expect([error.code, error.message]).toEqual([
      "NOT_FOUND",
      "There is no pull request #42 in acme/infra on GitHub, or the token in GITHUB_TOKEN cannot see the repository.",
    ]);
    await open();
    github.failOn({ method: "GET", path: "/repos/acme/infra/pulls/1/reviews", failure: 502, times: 2 });
    expect((await read()).state).toBe("open");
  });

  it("refuses a bad pull request number before calling GitHub", async () => {
    for (const number of [0, -1, 1.5, Number.NaN]) expect((await appError(read(number))).code).toBe("INVALID");
    expect(github.requests()).toEqual([]);
  });
});

describe("GitHubWriter review, merge and close", () => {
  it("leaves deciding on a pull request to GitHub, without calling it", async () => {
    const target = { owner: "acme", repo: "infra", number: 1 };
    const decisions = [
      writer().reviewPullRequest({ ...target, reviewer: "ada", state: "approved" }),
      writer().mergePullRequest(target),
      writer().closePullRequest(target),
    ];
    for (const decision of decisions) {
      const error = await appError(decision);
      expect([error.code, error.message]).toEqual(["CONFLICT", "Pull request #1 of acme/infra is on GitHub: review, merge or close it there. Pave follows the pull request."]);
    }
    expect(github.requests()).toEqual([]);
  });
});

describe("createGitWriter", () => {
  it("writes to GitHub when a token is configured", async () => {
    const configured = createGitWriter({ githubApiUrl: github.url, githubToken: TOKEN, gitRoot: "/nonexistent" });
    expect(configured).toBeInstanceOf(GitHubWriter);
    await configured.createRepository(repoInput({ name: "from-config" }));
    expect(github.getRepository("acme/from-config")).toBeDefined();
  });
});
