import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { parseGitHubWebhook, pullRequestEventSummary } from "@/lib/webhooks/github";

// The test hooks that play people on GitHub, and the webhooks they send. The writer's
// own use of the stand-in is tested in lib/git/github-writer.test.ts.

const SECRET = "stand-in-webhook-secret";
const TOKEN = "ghp_standin_hooks";

interface Received {
  status: number;
  event?: string;
  summary: ReturnType<typeof pullRequestEventSummary>;
}

let github: GitHubStandIn;
let receiver: Server;
let received: Received[];
let answer: number;

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${github.url}${path}`, {
    method: "POST",
    headers: { authorization: `token ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

/** Branches from main, commits `files` (one commit each) and opens a pull request through the REST API. */
async function openPull(branch: string, files: Record<string, string>): Promise<number> {
  await post("/repos/acme/infra/git/refs", { ref: `refs/heads/${branch}`, sha: github.getRepository("acme/infra")?.branches.main?.sha });
  for (const [filePath, content] of Object.entries(files)) github.setFile("acme/infra", branch, filePath, content);
  return (await post("/repos/acme/infra/pulls", { title: `Change ${branch}`, head: branch, base: "main" })).number as number;
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${github.url}${path}`, { headers: { authorization: `token ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeEach(async () => {
  received = [];
  answer = 200;
  // A receiver that checks each delivery the way Pave's webhook route does.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)] as [string, string]));
      const parsed = parseGitHubWebhook(headers, Buffer.concat(chunks).toString("utf8"), SECRET);
      if (!parsed.ok) {
        received.push({ status: parsed.status, summary: null });
        res.writeHead(parsed.status).end();
        return;
      }
      received.push({ status: 200, event: parsed.event, summary: pullRequestEventSummary(parsed.event, parsed.payload) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  github = await startGitHubStandIn({
    token: TOKEN,
    orgs: ["acme"],
    webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/github`, secret: SECRET },
    repos: { "acme/infra": { main: { "README.md": "# infra\n", "terraform/main.tf": "# main\n" } } },
  });
});

afterEach(async () => {
  // Every answer and every webhook matched GitHub's OpenAPI description.
  expect(github.violations()).toEqual([]);
  await github.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("GitHub stand-in: reviews", () => {
  it("records reviews, lists them through the API, and sends signed pull_request_review webhooks", async () => {
    const number = await openPull("pave/a", { "terraform/a.tf": "# a\n" });
    await github.reviewPullRequest("acme/infra", number, { user: "alice", state: "APPROVED", body: "Looks right." });
    await github.reviewPullRequest("acme/infra", number, { user: "bob", state: "CHANGES_REQUESTED" });

    const reviews = (await getJson(`/repos/acme/infra/pulls/${number}/reviews`)) as unknown as Array<{ user: { login: string }; state: string; body: string }>;
    expect(reviews.map((review) => [review.user.login, review.state, review.body])).toEqual([
      ["alice", "APPROVED", "Looks right."],
      ["bob", "CHANGES_REQUESTED", ""],
    ]);
    expect(received).toEqual([
      { status: 200, event: "pull_request_review", summary: { owner: "acme", repo: "infra", number, action: "submitted", reviewState: "approved" } },
      { status: 200, event: "pull_request_review", summary: { owner: "acme", repo: "infra", number, action: "submitted", reviewState: "changes_requested" } },
    ]);
    expect(github.deliveries().map((delivery) => [delivery.event, delivery.action, delivery.status])).toEqual([
      ["pull_request_review", "submitted", 200],
      ["pull_request_review", "submitted", 200],
    ]);
  });

  it("refuses an approval by the pull request's author, as GitHub does", async () => {
    const number = await openPull("pave/b", { "terraform/b.tf": "# b\n" });
    await expect(github.reviewPullRequest("acme/infra", number, { user: "pave-bot", state: "APPROVED" })).rejects.toThrow(/own pull request/);
    await expect(github.reviewPullRequest("acme/infra", 99, { user: "alice", state: "APPROVED" })).rejects.toThrow(/no pull request/);
    expect(received).toEqual([]);
  });
});

describe("GitHub stand-in: merging and closing", () => {
  it("merges with a merge commit by default, and reports the merge through the API and a webhook", async () => {
    const number = await openPull("pave/c", { "terraform/c.tf": "# c\n" });
    const main = github.getRepository("acme/infra")?.branches.main?.sha;
    const head = github.getRepository("acme/infra")?.branches["pave/c"]?.sha;
    const sha = await github.mergePullRequest("acme/infra", number, { user: "carol" });

    const repo = github.getRepository("acme/infra");
    expect(repo?.branches.main).toMatchObject({ sha, parents: [main, head] });
    expect(repo?.branches.main?.message).toBe(`Merge pull request #${number} from acme/pave/c\n\nChange pave/c`);
    expect(repo?.branches.main?.files).toEqual({ "README.md": "# infra\n", "terraform/main.tf": "# main\n", "terraform/c.tf": "# c\n" });
    expect(repo?.pulls[0]).toMatchObject({ state: "closed", merged: true, mergeCommitSha: sha });

    const pull = await getJson(`/repos/acme/infra/pulls/${number}`);
    expect(pull).toMatchObject({ state: "closed", merged: true, merge_commit_sha: sha, merged_by: { login: "carol" }, head: { sha: head } });
    expect(pull.merged_at).toBe(pull.closed_at);
    expect(received).toEqual([{ status: 200, event: "pull_request", summary: { owner: "acme", repo: "infra", number, action: "closed", merged: true } }]);

    await expect(github.mergePullRequest("acme/infra", number, { user: "carol" })).rejects.toThrow(/not mergeable/);
  });

  it("merges both sides' changes when the base moved on, and refuses a conflict", async () => {
    const first = await openPull("pave/d", { "terraform/d.tf": "# d\n" });
    const second = await openPull("pave/e", { "terraform/main.tf": "# main, from e\n" });
    github.setFile("acme/infra", "main", "terraform/other.tf", "# meanwhile\n");
    await github.mergePullRequest("acme/infra", first, { user: "carol" });
    const files = github.getRepository("acme/infra")?.branches.main?.files;
    expect(files).toMatchObject({ "terraform/d.tf": "# d\n", "terraform/other.tf": "# meanwhile\n" });

    github.setFile("acme/infra", "main", "terraform/main.tf", "# main, changed on main\n");
    const before = github.getRepository("acme/infra")?.branches.main?.sha;
    await expect(github.mergePullRequest("acme/infra", second, { user: "carol" })).rejects.toThrow(/Merge conflict/);
    expect(github.getRepository("acme/infra")?.branches.main?.sha).toBe(before);
    expect(github.getRepository("acme/infra")?.pulls.find((pull) => pull.number === second)?.state).toBe("open");
  });

  it("fast-forwards or squashes when asked", async () => {
    const ff = await openPull("pave/f", { "terraform/f.tf": "# f\n" });
    const head = github.getRepository("acme/infra")?.branches["pave/f"]?.sha;
    expect(await github.mergePullRequest("acme/infra", ff, { user: "carol", method: "fast-forward" })).toBe(head);
    expect(github.getRepository("acme/infra")?.branches.main?.sha).toBe(head);

    const squash = await openPull("pave/g", { "terraform/g.tf": "# g\n", "terraform/g2.tf": "# g2\n" });
    const main = github.getRepository("acme/infra")?.branches.main?.sha;
    await github.mergePullRequest("acme/infra", squash, { user: "carol", method: "squash" });
    const merged = github.getRepository("acme/infra")?.branches.main;
    expect(merged).toMatchObject({ parents: [main], message: `Change pave/g (#${squash})` });
    expect(merged?.files).toMatchObject({ "terraform/g.tf": "# g\n", "terraform/g2.tf": "# g2\n" });
  });

  it("closes without merging, once", async () => {
    const number = await openPull("pave/h", { "terraform/h.tf": "# h\n" });
    const main = github.getRepository("acme/infra")?.branches.main?.sha;
    await github.closePullRequest("acme/infra", number, { user: "carol" });
    await github.closePullRequest("acme/infra", number);
    expect(github.getRepository("acme/infra")?.branches.main?.sha).toBe(main);
    expect(await getJson(`/repos/acme/infra/pulls/${number}`)).toMatchObject({ state: "closed", merged: false, merged_at: null });
    expect(received).toEqual([{ status: 200, event: "pull_request", summary: { owner: "acme", repo: "infra", number, action: "closed", merged: false } }]);
  });

  it("records what the receiver answered, and deliveries that can be replayed", async () => {
    answer = 500;
    const number = await openPull("pave/i", { "terraform/i.tf": "# i\n" });
    await github.closePullRequest("acme/infra", number);
    const [delivery] = github.deliveries();
    expect(delivery?.status).toBe(500);

    const replay = parseGitHubWebhook(new Headers(delivery?.headers), delivery?.body ?? "", SECRET);
    expect(replay).toMatchObject({ ok: true, event: "pull_request", deliveryId: delivery?.deliveryId });
    expect(parseGitHubWebhook(new Headers(delivery?.headers), delivery?.body ?? "", "another-secret")).toMatchObject({ ok: false, status: 401 });
  });
});
