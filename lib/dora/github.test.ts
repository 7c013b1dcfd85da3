import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { signGitHubPayload } from "@/lib/webhooks/github";
import { POST } from "@/app/api/webhooks/github/route";
import { resetDatabase } from "@/tests/reset";

// Real webhook payloads from @octokit/webhooks-examples, pointed at a catalog entity's
// repository, signed as GitHub signs them and sent through the real webhook route.
const SECRET = "dora-webhook-secret-for-tests";
type Payload = Record<string, unknown> & { repository?: Record<string, unknown> };
const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Payload[] }[];

function example(event: string, matches: (e: Payload) => boolean): Payload {
  const found = examples.find((e) => e.name === event)?.examples.find(matches);
  if (!found) throw new Error(`no ${event} example`);
  return structuredClone(found);
}

/** The example re-pointed at `owner/repo`, with `patch` applied. */
function repoint<T extends Payload>(payload: T, fullName: string, patch: (p: T) => void = () => {}): T {
  const [owner, name] = fullName.split("/");
  payload.repository = { ...payload.repository, name, full_name: fullName, owner: { ...(payload.repository?.owner as object), login: owner } };
  patch(payload);
  return payload;
}

async function deliver(event: string, payload: unknown, secret = SECRET) {
  const body = JSON.stringify(payload);
  const response = await POST(
    new Request("http://localhost:3000/api/webhooks/github", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": randomUUID(), "x-hub-signature-256": signGitHubPayload(body, secret) },
      body,
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const HOUR = 3_600_000;
const now = Date.now();
const iso = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString().replace(/\.\d{3}Z$/, "Z");
const SERVICE = "component:default/checkout";

beforeAll(async () => {
  process.env.GITHUB_WEBHOOK_SECRET = SECRET;
  process.env.PAVE_DORA_PRODUCTION_ENVIRONMENTS = "production";
  await resetDatabase();
  const catalog = [
    "apiVersion: backstage.io/v1alpha1",
    "kind: Component",
    "metadata:",
    "  name: checkout",
    "  annotations:",
    "    github.com/project-slug: Acme/Checkout",
    "spec:",
    "  type: service",
    "  lifecycle: production",
    "  owner: team-a",
    "",
  ].join("\n");
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
});

describe("GitHub webhooks for DORA", () => {
  it("turns pushes, deployment statuses and incident issues into changes, deployments and incidents", async () => {
    // A push to the default branch: its commit becomes a change. A tag push does not.
    const push = example("push", (e) => e.ref === "refs/heads/master" && Array.isArray(e.commits) && e.commits.length === 1);
    const pushed = repoint(push, "acme/checkout", (p) => {
      (p.commits as { timestamp: string }[])[0]!.timestamp = iso(5);
      (p.head_commit as { timestamp: string }).timestamp = iso(5);
    });
    const commitSha = (push.commits as { id: string }[])[0]!.id;
    expect(await deliver("push", pushed)).toEqual({ status: 200, body: { status: "applied" } });
    expect(await deliver("push", repoint(example("push", (e) => e.ref === "refs/tags/simple-tag" && e.deleted === false), "acme/checkout"))).toEqual({
      status: 200,
      body: { status: "ignored" },
    });
    expect(await db.doraChange.findMany()).toEqual([{ entityKey: SERVICE, sha: commitSha, committedAt: new Date(iso(5)) }]);

    // A successful production deployment takes the commits pushed since the previous one.
    const status = example("deployment_status", (e) => (e.deployment_status as { state: string }).state === "success");
    const deployed = repoint(status, "acme/checkout", (p) => {
      (p.deployment_status as { created_at: string; updated_at: string }).created_at = iso(3);
      (p.deployment_status as { created_at: string; updated_at: string }).updated_at = iso(3);
    });
    const deployment = status.deployment as { id: number; sha: string };
    expect((await deliver("deployment_status", deployed)).body).toEqual({ status: "applied" });
    const deploymentId = `github:acme/checkout#${deployment.id}`;
    expect(await db.doraDeployment.findUniqueOrThrow({ where: { id: deploymentId } })).toMatchObject({
      entityKey: SERVICE,
      environment: "production",
      status: "success",
      finishedAt: new Date(iso(3)),
      commitSha: deployment.sha,
      source: "github",
    });
    const links = await db.doraDeploymentChange.findMany({ where: { deploymentId }, orderBy: { sha: "asc" } });
    expect(links.map((l) => [l.sha, l.leadTimeSeconds]).sort()).toEqual(
      [
        [commitSha, 2 * 3600],
        [deployment.sha, null],
      ].sort(),
    );
    // A non-production environment is ignored.
    const staging = repoint(example("deployment_status", (e) => (e.deployment_status as { state: string }).state === "success"), "acme/checkout", (p) => {
      (p.deployment_status as { environment: string }).environment = "staging";
      (p.deployment as { id: number }).id = 1;
    });
    expect((await deliver("deployment_status", staging)).body).toEqual({ status: "ignored" });
    expect(await db.doraDeployment.count()).toBe(1);

    // An issue labelled "incident" opens an incident, attributed to the deployment; closing it resolves it.
    const opened = example("issues", (e) => e.action === "opened" && Array.isArray((e.issue as { labels?: unknown[] }).labels) && (e.issue as { labels: unknown[] }).labels.length > 0);
    const issue = repoint(opened, "acme/checkout", (p) => {
      const i = p.issue as { labels: { name: string }[]; created_at: string; number: number };
      i.labels = [{ ...i.labels[0]!, name: "Incident" }];
      i.created_at = iso(2);
    });
    expect((await deliver("issues", issue)).body).toEqual({ status: "applied" });
    const incidentId = `github:acme/checkout#${(opened.issue as { number: number }).number}`;
    expect(await db.doraIncident.findUniqueOrThrow({ where: { id: incidentId } })).toMatchObject({
      entityKey: SERVICE,
      openedAt: new Date(iso(2)),
      resolvedAt: null,
      deploymentId,
      explicitDeployment: false,
    });

    const closed = structuredClone(issue);
    closed.action = "closed";
    Object.assign(closed.issue as object, { state: "closed", closed_at: iso(1) });
    expect((await deliver("issues", closed)).body).toEqual({ status: "applied" });
    expect((await db.doraIncident.findUniqueOrThrow({ where: { id: incidentId } })).resolvedAt).toEqual(new Date(iso(1)));

    // An issue without the label is not an incident.
    const bug = repoint(example("issues", (e) => e.action === "opened"), "acme/checkout");
    (bug.issue as { number: number; labels: unknown[] }).number = 999;
    (bug.issue as { labels: unknown[] }).labels = [];
    expect((await deliver("issues", bug)).body).toEqual({ status: "ignored" });

    // The daily rollup of the deployment's day counts it as a failed deployment.
    const day = iso(3).slice(0, 10);
    const rollup = await db.doraDaily.findUniqueOrThrow({ where: { entityKey_day: { entityKey: SERVICE, day: new Date(`${day}T00:00:00Z`) } } });
    expect(rollup).toMatchObject({ deployments: 1, failedDeployments: 1 });
  });

  it("ignores repositories that no catalog entity names, and refuses bad signatures", async () => {
    const before = await db.doraChange.count();
    const push = repoint(example("push", (e) => e.ref === "refs/heads/master"), "someone/else");
    expect(await deliver("push", push)).toEqual({ status: 200, body: { status: "ignored" } });
    const ours = repoint(example("push", (e) => e.ref === "refs/heads/master"), "acme/checkout");
    expect((await deliver("push", ours, "wrong-secret")).status).toBe(401);
    expect(await db.doraChange.count()).toBe(before);
  });

  it("records a merged pull request's merge commit as a change timed at the pull request's creation", async () => {
    const pr = repoint(example("pull_request", (e) => e.action === "closed"), "acme/checkout", (p) => {
      const pull = p.pull_request as Record<string, unknown>;
      pull.merged = true;
      pull.merge_commit_sha = "c".repeat(40);
      pull.created_at = iso(30);
      pull.base = { ...(pull.base as object), ref: (p.repository as { default_branch: string }).default_branch };
    });
    expect((await deliver("pull_request", pr)).body).toEqual({ status: "applied" });
    expect(await db.doraChange.findUniqueOrThrow({ where: { entityKey_sha: { entityKey: SERVICE, sha: "c".repeat(40) } } })).toMatchObject({
      committedAt: new Date(iso(30)),
    });
  });
});
