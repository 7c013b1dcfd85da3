import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { signGitHubPayload } from "@/lib/webhooks/github";
import { createDatabaseRequest, openDatabasePullRequest, reconcileDatabaseRequests } from "@/lib/self-service/mutations";
import { createUser } from "@/tests/factories";
import { POST } from "@/app/api/webhooks/github/route";
import { stopJobs } from "@/lib/jobs/queue";
import { resetDatabase } from "@/tests/reset";

// The whole flow against GitHub: the pull request goes to a local stand-in of GitHub's
// REST API (every request and response checked against GitHub's OpenAPI description),
// and real webhook payloads from @octokit/webhooks-examples, signed as GitHub signs them,
// drive the request's status.
const SECRET = "webhook-secret-for-tests";
let github: GitHubStandIn;

type Example = { action?: string; pull_request?: Record<string, unknown>; review?: Record<string, unknown>; repository?: Record<string, unknown> };
const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Example[] }[];
function example(event: string, matches: (e: Example) => boolean): Example {
  const found = examples.find((e) => e.name === event)?.examples.find(matches);
  if (!found) throw new Error(`no ${event} example`);
  return structuredClone(found);
}

/** A real example payload, pointed at our infra repo and pull request. */
function payloadFor(event: string, base: Example, prNumber: number, patch: (p: Example) => void = () => {}): Example {
  const payload = structuredClone(base);
  payload.repository = { ...payload.repository, name: "infrastructure", full_name: "acme/infrastructure", owner: { ...(payload.repository?.owner as object), login: "acme" } };
  payload.pull_request = { ...payload.pull_request, number: prNumber };
  patch(payload);
  return payload;
}

async function deliver(event: string, payload: unknown, options: { delivery?: string; secret?: string; tamper?: boolean } = {}) {
  let body = JSON.stringify(payload);
  const signature = signGitHubPayload(body, options.secret ?? SECRET);
  if (options.tamper) body = body.replace('"acme"', '"acmf"');
  const request = new Request("http://localhost:3000/api/webhooks/github", {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": options.delivery ?? randomUUID(), "x-hub-signature-256": signature },
    body,
  });
  const response = await POST(request);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  github = await startGitHubStandIn({ token: "ghp_infra", orgs: ["acme"], collaborators: [] });
  github.setFile("acme/infrastructure", "main", "terraform/README.md", "# infra\n");
  process.env.GITHUB_TOKEN = "ghp_infra";
  process.env.GITHUB_API_URL = github.url;
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.PAVE_INFRA_REPO = "github.com?owner=acme&repo=infrastructure";
  await resetDatabase();
  const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments\n";
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
});

afterAll(async () => {
  await stopJobs();
  await github.close();
});

describe("database requests against GitHub", () => {
  it("opens exactly one pull request even when the first attempt's answer is a 502, then follows reviews and the merge", async () => {
    const pat = await createUser({ role: "platform", groups: ["team-payments"] });
    const { id } = await createDatabaseRequest(pat, {
      service: "component:default/ledger",
      environment: "prod",
      engine: "postgres",
      engineVersion: "16",
      tier: "medium",
      backupRetentionDays: "14",
      justification: "The ledger moves off the shared cluster.",
    });
    // GitHub creates the pull request, but the answer is lost as a 502.
    github.failOn({ method: "POST", path: "/repos/acme/infrastructure/pulls", failure: 502, times: 1, afterHandling: true });
    expect(await openDatabasePullRequest(id)).not.toBe("gone");
    expect(await openDatabasePullRequest(id)).toBe("already-open");

    const request = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(request.status).toBe("pr_opened");
    const pulls = github.getRepository("acme/infrastructure")!.pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ number: request.prNumber, head: request.branch });
    expect(pulls[0]!.labels).toEqual(expect.arrayContaining(["self-service", "terraform", "env:prod"]));

    // A bad signature changes nothing.
    // The examples hold no approval, so take a real submitted review and set its state.
    const approved = payloadFor("pull_request_review", example("pull_request_review", (e) => e.action === "submitted"), request.prNumber!, (p) => {
      p.review = { ...p.review, state: "approved" };
    });
    expect((await deliver("pull_request_review", approved, { secret: "wrong" })).status).toBe(401);
    expect((await deliver("pull_request_review", approved, { tamper: true })).status).toBe(401);
    expect((await db.databaseRequest.findUniqueOrThrow({ where: { id } })).status).toBe("pr_opened");

    // Someone approves on GitHub; its webhook tells Pave.
    await github.reviewPullRequest("acme/infrastructure", request.prNumber!, { user: "platform-lead", state: "APPROVED" });
    const delivery = randomUUID();
    // GitHub is briefly unreachable while Pave handles the delivery: it answers 500, and
    // GitHub's redelivery of the same id is then handled, not dropped as a duplicate.
    github.failOn({ method: "GET", path: `/repos/acme/infrastructure/pulls/${request.prNumber}`, failure: 502, times: 4 });
    expect((await deliver("pull_request_review", approved, { delivery })).status).toBe(500);
    expect(await deliver("pull_request_review", approved, { delivery })).toEqual({ status: 200, body: { status: "applied" } });
    expect((await db.databaseRequest.findUniqueOrThrow({ where: { id } })).status).toBe("approved");
    // The same delivery again is a no-op.
    expect(await deliver("pull_request_review", approved, { delivery })).toEqual({ status: 200, body: { status: "duplicate" } });

    // The examples hold no merged pull request, so take a real "closed" one and mark it merged.
    const merged = payloadFor("pull_request", example("pull_request", (e) => e.action === "closed"), request.prNumber!, (p) => {
      p.pull_request = { ...p.pull_request, merged: true };
    });
    expect((await deliver("pull_request", merged)).body).toEqual({ status: "applied" });
    const done = await db.databaseRequest.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { at: "asc" } } } });
    expect(done.status).toBe("provisioned");
    expect(done.events.map((e) => e.status)).toEqual(["submitted", "pr_opened", "approved", "provisioned"]);
    expect(github.violations()).toEqual([]);
  });

  it("does not count an approval on GitHub by the requester, and says so on the request", async () => {
    const requester = await db.user.update({
      where: { id: (await createUser({ role: "platform", groups: ["team-payments"] })).id },
      data: { githubLogin: "Requester-Login" },
      select: { id: true, name: true, email: true, image: true, role: true, groups: true },
    });
    const { id } = await createDatabaseRequest(requester, {
      service: "component:default/ledger",
      environment: "staging",
      engine: "postgres",
      engineVersion: "16",
      tier: "small",
      backupRetentionDays: "7",
      justification: "Staging copy of the ledger.",
    });
    await openDatabasePullRequest(id);
    const { prNumber } = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    const review = payloadFor("pull_request_review", example("pull_request_review", (e) => e.action === "submitted"), prNumber!, (p) => {
      p.review = { ...p.review, state: "approved" };
    });

    await github.reviewPullRequest("acme/infrastructure", prNumber!, { user: "requester-login", state: "APPROVED" });
    expect(await deliver("pull_request_review", review)).toEqual({ status: 200, body: { status: "unchanged" } });
    const waiting = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(waiting.status).toBe("pr_opened");
    expect(waiting.reviewNote).toBe("The only approval is the requester's own (requester-login); another reviewer must approve before it is merged.");

    await github.reviewPullRequest("acme/infrastructure", prNumber!, { user: "platform-lead", state: "APPROVED" });
    expect(await deliver("pull_request_review", review)).toEqual({ status: 200, body: { status: "applied" } });
    expect(await db.databaseRequest.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "approved", reviewNote: null });
    expect(github.violations()).toEqual([]);
  });

  it("keeps a request queued through a GitHub outage, and the reconcile job finishes it", async () => {
    const pat = await createUser({ role: "platform", groups: ["team-payments"] });
    const { id } = await createDatabaseRequest(pat, {
      service: "component:default/ledger",
      environment: "dev",
      engine: "mysql",
      engineVersion: "8.0",
      tier: "small",
      backupRetentionDays: "1",
      justification: "A scratch database for the ledger team.",
    });
    github.failOn({ method: "POST", path: "/repos/acme/infrastructure/git/refs", failure: 503, times: 4 }); // every attempt the writer makes
    await expect(openDatabasePullRequest(id)).rejects.toThrow();
    const queued = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(queued).toMatchObject({ status: "submitted", prNumber: null });
    expect(queued.lastError).toMatch(/GitHub/i);

    // GitHub is back; the pull request is opened and then found merged by reconciliation.
    expect(await openDatabasePullRequest(id)).toBe("opened");
    const opened = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    await github.mergePullRequest("acme/infrastructure", opened.prNumber!, { user: "octocat" });
    const result = await reconcileDatabaseRequests();
    expect(result.changed).toBeGreaterThanOrEqual(1);
    expect((await db.databaseRequest.findUniqueOrThrow({ where: { id } })).status).toBe("provisioned");
    expect(github.violations()).toEqual([]);
  });

  it("does not take atlantis.yaml for missing while GitHub cannot be read: the attempt waits, the retry adds the project", async () => {
    const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: journal\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments\n";
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
    github.setFile("acme/infrastructure", "main", "terraform/atlantis.yaml", "version: 3\nprojects:\n  - name: dev\n    dir: terraform/envs/dev\n");
    const pat = await createUser({ role: "platform", groups: ["team-payments"] });
    const { id } = await createDatabaseRequest(pat, {
      service: "component:default/journal",
      environment: "dev",
      engine: "postgres",
      engineVersion: "16",
      tier: "small",
      backupRetentionDays: "7",
      justification: "The journal gets its own database.",
    });

    github.failOn({ method: "GET", path: "/repos/acme/infrastructure/contents/terraform/atlantis.yaml", failure: 502 });
    await expect(openDatabasePullRequest(id)).rejects.toThrow(/GitHub/);
    const queued = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(queued).toMatchObject({ status: "submitted", prNumber: null });
    const infrastructure = () => github.getRepository("acme/infrastructure")!;
    // Read as "no atlantis.yaml", the outage would have opened a pull request without the project.
    expect(infrastructure().pulls.filter((pull) => pull.head === queued.branch)).toEqual([]);

    expect(await openDatabasePullRequest(id)).toBe("opened");
    const atlantis = infrastructure().branches[queued.branch]?.files["terraform/atlantis.yaml"];
    expect(atlantis).toContain("name: dev-databases");
    expect(atlantis).toContain("dir: terraform/envs/dev/databases");
    expect(github.violations()).toEqual([]);
  });
});
