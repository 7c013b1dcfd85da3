import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { addLocation, refreshLocation } from "@/lib/catalog/mutations";
import { commitFiles, createLocalRepo } from "@/lib/git/local";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const component = (name: string, extra = "") => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
${extra}`;

async function newRepo(files: Record<string, string>) {
  const root = process.env.PAVE_GIT_ROOT!;
  mkdirSync(root, { recursive: true });
  const repo = path.join(root, `repo-${randomUUID().slice(0, 8)}.git`);
  await createLocalRepo(repo, files);
  return { repo, target: `file://${repo}/blob/main/catalog-info.yaml` };
}

describe("catalog locations (local git)", () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it("imports a location, then deletes what disappears from its source at the next refresh", async () => {
    const platform = await createUser({ role: "platform" });
    const { repo, target } = await newRepo({ "catalog-info.yaml": [component("keep-me"), component("drop-me", "  dependsOn: [component:keep-me]\n")].join("---\n") });

    const { locationId, summary } = await addLocation(platform, target);
    expect(summary.created.sort()).toEqual(["component:default/drop-me", "component:default/keep-me"]);
    expect(await db.relation.count({ where: { source: "component:default/keep-me", type: "dependencyOf" } })).toBe(1);

    await commitFiles(repo, { "catalog-info.yaml": component("keep-me") }, "remove drop-me");
    const result = await refreshLocation(locationId);

    expect(result).toMatchObject({ ok: true, summary: { deleted: ["component:default/drop-me"] } });
    expect((await db.entity.findMany({ select: { key: true } })).map((e) => e.key)).toEqual(["component:default/keep-me"]);
    // The inverse relation drop-me implied is gone with it: no orphans either way.
    expect(await db.relation.count({ where: { OR: [{ source: "component:default/drop-me" }, { target: "component:default/drop-me" }] } })).toBe(0);
  });

  it("keeps the last good version and shows the error when the source breaks", async () => {
    const platform = await createUser({ role: "platform" });
    const { repo, target } = await newRepo({ "catalog-info.yaml": component("steady") });
    const { locationId } = await addLocation(platform, target);

    await commitFiles(repo, { "catalog-info.yaml": "kind: Component\nmetadata: [oops" }, "break it");
    const result = await refreshLocation(locationId);

    expect(result.ok).toBe(false);
    const location = await db.location.findUniqueOrThrow({ where: { id: locationId } });
    expect(location.lastError).toMatch(/document 1/i);
    const entity = await db.entity.findUniqueOrThrow({ where: { key: "component:default/steady" } });
    expect(entity.refreshError).toBe(location.lastError);

    await commitFiles(repo, { "catalog-info.yaml": component("steady") }, "fix it");
    expect((await refreshLocation(locationId)).ok).toBe(true);
    expect((await db.entity.findUniqueOrThrow({ where: { key: "component:default/steady" } })).refreshError).toBeNull();
    expect((await db.location.findUniqueOrThrow({ where: { id: locationId } })).lastError).toBeNull();
  });

  it("refuses a location outside the git root, an unreadable file, and entities another source owns", async () => {
    const platform = await createUser({ role: "platform" });
    await expect(addLocation(platform, "file:///etc/blob/main/passwd")).rejects.toThrow(/PAVE_GIT_ROOT/);

    const { target } = await newRepo({ "other.yaml": component("x") });
    await expect(addLocation(platform, target)).rejects.toMatchObject({ code: expect.any(String) });
    expect(await db.location.count()).toBe(0);

    const first = await newRepo({ "catalog-info.yaml": component("shared") });
    await addLocation(platform, first.target);
    const second = await newRepo({ "catalog-info.yaml": component("shared") });
    await expect(addLocation(platform, second.target)).rejects.toThrow(/problem/);
    expect(await db.location.count()).toBe(1);
  });

  it("needs the platform role", async () => {
    const member = await createUser({ role: "member" });
    const { target } = await newRepo({ "catalog-info.yaml": component("nope") });
    await expect(addLocation(member, target)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("the scheduled refresh job", () => {
  afterAll(async () => {
    const { stopJobs } = await import("@/lib/jobs/queue");
    await stopJobs();
  });

  it("refreshes every location and reports failures without stopping", async () => {
    await resetDatabase();
    const { refreshAllLocations } = await import("@/lib/catalog/mutations");
    const platform = await createUser({ role: "platform" });
    const good = await newRepo({ "catalog-info.yaml": component("job-a") });
    const bad = await newRepo({ "catalog-info.yaml": component("job-b") });
    await addLocation(platform, good.target);
    await addLocation(platform, bad.target);
    await commitFiles(good.repo, { "catalog-info.yaml": [component("job-a"), component("job-c")].join("---\n") }, "add job-c");
    await commitFiles(bad.repo, { "catalog-info.yaml": "not: [valid" }, "break");

    expect(await refreshAllLocations()).toEqual({ refreshed: 1, failed: 1, changed: 1, docsQueued: 0 });
    expect((await db.entity.findMany({ orderBy: { key: "asc" }, select: { key: true } })).map((e) => e.key)).toEqual([
      "component:default/job-a",
      "component:default/job-b",
      "component:default/job-c",
    ]);
    // A location whose file changed sends its docs to be rebuilt (and then re-graded).
    const queued = await db.$queryRaw<{ data: { trigger: string } }[]>`SELECT data FROM pgboss.job WHERE name = 'docs.refresh'`;
    expect(queued.map((job) => job.data)).toEqual([{ trigger: "catalog-refresh" }]);
  });

  it("queues a docs build for entities that name their docs and were never read", async () => {
    await resetDatabase();
    const { refreshAllLocations } = await import("@/lib/catalog/mutations");
    const platform = await createUser({ role: "platform" });
    const documented = component("documented").replace("metadata:\n", "metadata:\n  annotations:\n    backstage.io/techdocs-ref: dir:.\n");
    const repo = await newRepo({ "catalog-info.yaml": [documented, component("plain")].join("---\n") });
    await addLocation(platform, repo.target);
    const entity = await db.entity.findUniqueOrThrow({ where: { key: "component:default/documented" }, select: { id: true } });

    expect(await refreshAllLocations()).toMatchObject({ docsQueued: 1 });
    const builds = await db.$queryRaw<{ data: { entityId: string } }[]>`SELECT data FROM pgboss.job WHERE name = 'docs.build'`;
    expect(builds.map((job) => job.data)).toEqual([{ entityId: entity.id }]);
    // Once its repository has been read, it is not queued again.
    await db.entityRepoFacts.create({ data: { entityId: entity.id, sourceUrl: repo.target, checkedAt: new Date() } });
    expect(await refreshAllLocations()).toMatchObject({ docsQueued: 0 });
  });
});
