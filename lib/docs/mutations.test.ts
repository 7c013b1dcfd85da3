import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { requestDocsBuild } from "@/lib/docs/mutations";
import { stopJobs } from "@/lib/jobs/queue";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

afterAll(async () => {
  await stopJobs();
});

beforeEach(async () => {
  await resetDatabase();
});

describe("requestDocsBuild", () => {
  it("queues one build per entity at a time and audits the request", async () => {
    const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
    const member = await createUser();

    const first = await requestDocsBuild(member, "Component:default/Checkout");
    expect(first.queued).toBe(true);
    // Asked again within seconds: the queued build will do.
    expect(await requestDocsBuild(member, "component:default/checkout")).toEqual({ entityId: first.entityId, queued: false });

    const jobs = await db.$queryRaw<{ data: { entityId: string; force?: boolean } }[]>`SELECT data FROM pgboss.job WHERE name = 'docs.build' AND singleton_key = ${`docs.build:${first.entityId}`}`;
    // A build a person asks for runs even when the commit is unchanged.
    expect(jobs.map((job) => job.data)).toEqual([{ entityId: first.entityId, force: true }]);
    const audit = await db.auditEvent.findMany({ where: { action: "docs.build.request", actorId: member.id }, select: { targetId: true } });
    expect(audit).toEqual([{ targetId: "component:default/checkout" }, { targetId: "component:default/checkout" }]);
  });

  it("limits how many builds one person may ask for, counted in Postgres", async () => {
    const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: busy\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
    const eager = await createUser();
    for (let i = 0; i < 5; i++) await requestDocsBuild(eager, "component:default/busy");
    await expect(requestDocsBuild(eager, "component:default/busy")).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("try again in") });
    expect(await db.auditEvent.count({ where: { action: "docs.build.request", actorId: eager.id } })).toBe(5);
    // Someone else still may.
    await expect(requestDocsBuild(await createUser(), "component:default/busy")).resolves.toMatchObject({ entityId: expect.any(String) });
  });

  it("refuses an entity that is not in the catalog", async () => {
    const member = await createUser();
    await expect(requestDocsBuild(member, "component:default/nothing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
