import { beforeAll, describe, expect, it } from "vitest";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { db } from "@/lib/db";
import { bucketIndex, DAY, emptyBuckets, HOUR } from "@/lib/dora/buckets";
import { loadFactsBatch } from "@/lib/scorecards/facts";
import { resetDatabase } from "@/tests/reset";

const catalog = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: ada }
spec: { memberOf: [team-a] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: one
  description: First.
  annotations: { unleash.io/project-id: default }
  labels: { tier: "1" }
spec: { type: service, lifecycle: production, owner: team-a, system: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: two }
spec: { type: service, lifecycle: production, owner: user:ada }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: three }
spec: { type: library, lifecycle: production, owner: team-gone }
`;

const DAY_MS = 86_400_000;
const now = new Date("2026-03-10T15:00:00Z");
const daysAgo = (n: number) => new Date(Date.UTC(2026, 2, 10) - n * DAY_MS).toISOString().slice(0, 10);

async function daily(entityKey: string, day: string, deployments: number, failed: number, leadSeconds: number | null, restoreSeconds: number | null) {
  const lead = emptyBuckets();
  if (leadSeconds !== null) lead[bucketIndex(leadSeconds)] = deployments;
  const restore = emptyBuckets();
  if (restoreSeconds !== null) restore[bucketIndex(restoreSeconds)] = 1;
  await db.$executeRaw`
    INSERT INTO dora_daily (entity_key, day, deployments, failed_deployments, lead_time_buckets, incidents_resolved, restore_buckets)
    VALUES (${entityKey}, ${day}::date, ${deployments}, ${failed}, ${lead}::int[], ${restoreSeconds === null ? 0 : 1}, ${restore}::int[])`;
}

beforeAll(async () => {
  await resetDatabase();
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
  const one = await db.entity.findUniqueOrThrow({ where: { key: "component:default/one" } });
  await db.entityRepoFacts.create({ data: { entityId: one.id, sourceUrl: "https://github.com/acme/one", hasCiWorkflow: true, hasDocs: true, checkedAt: now } });
  await db.docsSite.create({ data: { entityId: one.id, sourceUrl: "https://github.com/acme/one", status: "failed", builtAt: now, attemptedAt: now, error: "boom", nav: [] } });
  for (const [environment, status, days] of [["prod", "provisioned", 14], ["staging", "pr_opened", 3]] as const) {
    await db.databaseRequest.create({
      data: {
        entityKey: "component:default/one", serviceName: "one", owner: "group:default/team-a", environment, engine: "postgres", engineVersion: "16",
        tier: "small", backupRetentionDays: days, multiAz: false, justification: "Needs a database.", status, branch: `b-${environment}`,
        filePath: `f-${environment}.tf`, hcl: "#",
      },
    });
  }
  // one: today, 20 days ago and 60 days ago; 100 days ago is outside every window asked for.
  await daily("component:default/one", daysAgo(0), 2, 1, 2 * HOUR, null);
  await daily("component:default/one", daysAgo(20), 2, 0, 2 * DAY, 3 * HOUR);
  await daily("component:default/one", daysAgo(60), 4, 0, 20 * DAY, null);
  await daily("component:default/one", daysAgo(100), 50, 50, 200 * DAY, null);
  // two: only before the shortest window.
  await daily("component:default/two", daysAgo(10), 1, 0, HOUR, null);
});

describe("loadFactsBatch", () => {
  it("loads an entity's catalog, repository, docs and database facts", async () => {
    const [one] = await loadFactsBatch({ appliesTo: { kind: ["Component"] }, afterId: null, limit: 10, doraDays: [], now }).then((all) => all.filter((f) => f.entity.key === "component:default/one"));
    expect(one!.entity).toMatchObject({
      kind: "Component",
      type: "service",
      lifecycle: "production",
      owner: "group:default/team-a",
      system: "system:default/shop",
      description: "First.",
      annotations: { "unleash.io/project-id": "default" },
      labels: { tier: "1" },
    });
    expect(one!.ownerIsGroup).toBe(true);
    expect(one!.repo).toEqual({ sourceUrl: "https://github.com/acme/one", hasCiWorkflow: true, hasCatalogInfo: false, hasDocs: true, error: null, checkedAt: now });
    expect(one!.docsReady).toBe(true); // the last build failed, but the last good pages are still shown
    expect(one!.databases).toEqual([
      { environment: "prod", status: "provisioned", backupRetentionDays: 14 },
      { environment: "staging", status: "pr_opened", backupRetentionDays: 3 },
    ]);
  });

  it("resolves owners: a group in the catalog, a user, a group that is gone", async () => {
    const all = await loadFactsBatch({ appliesTo: {}, afterId: null, limit: 10, doraDays: [], now });
    const byName = new Map(all.map((f) => [f.entity.key, f]));
    expect(byName.get("component:default/one")!.ownerIsGroup).toBe(true);
    expect(byName.get("component:default/two")).toMatchObject({ ownerIsGroup: false, repo: null, docsReady: false, databases: [], entity: { owner: "user:default/ada", annotations: {}, labels: {} } });
    expect(byName.get("component:default/three")!.ownerIsGroup).toBe(false);
  });

  it("filters by appliesTo and pages by id", async () => {
    const services = await loadFactsBatch({ appliesTo: { kind: ["Component"], type: ["service"], lifecycle: ["production"] }, afterId: null, limit: 10, doraDays: [], now });
    expect(services.map((f) => f.entity.key).sort()).toEqual(["component:default/one", "component:default/two"]);
    const first = await loadFactsBatch({ appliesTo: { kind: ["Component"] }, afterId: null, limit: 2, doraDays: [], now });
    const rest = await loadFactsBatch({ appliesTo: { kind: ["Component"] }, afterId: first[1]!.entity.id, limit: 2, doraDays: [], now });
    expect(first).toHaveLength(2);
    expect(rest).toHaveLength(1);
    expect(new Set([...first, ...rest].map((f) => f.entity.key)).size).toBe(3);
  });

  it("sums DORA rollups per window in one pass, counting today", async () => {
    const all = await loadFactsBatch({ appliesTo: { kind: ["Component"] }, afterId: null, limit: 10, doraDays: [7, 30, 90], now });
    const one = all.find((f) => f.entity.key === "component:default/one")!;
    expect(one.dora(7)).toEqual({ days: 7, deployments: 2, failedDeployments: 1, leadTimeSeconds: expect.any(Number), restoreSeconds: null });
    expect(one.dora(7)!.leadTimeSeconds).toBeGreaterThanOrEqual(2 * HOUR);
    expect(one.dora(7)!.leadTimeSeconds).toBeLessThan(3 * HOUR);
    expect(one.dora(30)).toMatchObject({ deployments: 4, failedDeployments: 1, restoreSeconds: expect.any(Number) });
    expect(one.dora(90)).toMatchObject({ deployments: 8, failedDeployments: 1 });
    // 8 changes: 2 at 2 hours, 2 at 2 days, 4 at 20 days; the median falls at the top of the 2-day bucket.
    expect(one.dora(90)!.leadTimeSeconds).toBeGreaterThan(DAY);
    expect(one.dora(90)!.leadTimeSeconds).toBeLessThan(7 * DAY);
    expect(one.dora(365)).toBeNull(); // not asked for

    const two = all.find((f) => f.entity.key === "component:default/two")!;
    expect(two.dora(7)).toBeNull();
    expect(two.dora(30)).toMatchObject({ deployments: 1 });
    expect(all.find((f) => f.entity.key === "component:default/three")!.dora(90)).toBeNull();
  });
});
