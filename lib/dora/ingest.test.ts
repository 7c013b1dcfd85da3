import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { ingestEvents, resolveService } from "@/lib/dora/ingest";
import { resetDatabase } from "@/tests/reset";

const DAY = 86_400_000;
// Ten days ago, midnight UTC: every event of these tests happens after it, in the past.
const base = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
const at = (day: number, hour: number) => new Date(base + day * DAY + hour * 3_600_000).toISOString();
const dayOf = (day: number) => new Date(base + day * DAY).toISOString().slice(0, 10);
const sha = (n: number) => n.toString(16).padStart(40, "a");

const CATALOG = ["checkout", "ledger"]
  .map((name) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`)
  .join("---\n");

async function daily(entityKey: string, day: number) {
  const rows = await db.$queryRaw<{ deployments: number; failed: number; lead: number; resolved: number }[]>`
    SELECT deployments, failed_deployments AS failed,
           (SELECT coalesce(sum(n), 0)::int FROM unnest(lead_time_buckets) n) AS lead, incidents_resolved AS resolved
    FROM dora_daily WHERE entity_key = ${entityKey} AND day = ${dayOf(day)}::date`;
  return rows[0] ?? null;
}

beforeEach(async () => {
  await resetDatabase();
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(CATALOG).entities, { type: "upload" }));
});

const CHECKOUT = "component:default/checkout";

describe("ingestEvents", () => {
  it("resolves a service by name or full ref", async () => {
    expect(await resolveService("checkout")).toBe(CHECKOUT);
    expect(await resolveService("Component:default/Checkout")).toBe(CHECKOUT);
    expect(await resolveService("nope")).toBeNull();
    expect(await resolveService("a:b:/")).toBeNull();
  });

  it("accepts good events, rejects each bad one with a reason, and stores only production deployments", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const result = await ingestEvents(
      [
        { type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: at(1, 10) },
        { type: "deployment", id: "d2", service: "checkout", environment: "production", status: "success" },
        { type: "deployment", id: "d3", service: "unknown-svc", environment: "production", status: "success", finishedAt: at(1, 10) },
        { type: "deployment", id: "d4", service: "checkout", environment: "production", status: "success", finishedAt: future },
        { type: "change", id: sha(1), service: "checkout", committedAt: "1999-12-31T23:00:00Z" },
        { type: "incident", id: "i1", service: "checkout", openedAt: at(2, 10), resolvedAt: at(2, 9) },
        { type: "deployment", id: "d5", service: "checkout", environment: "staging", status: "success", finishedAt: at(1, 11) },
        "not an event",
        { type: "incident", id: "i2", service: "ledger", openedAt: at(2, 10) },
      ],
      "api",
      { productionEnvironments: ["production"] },
    );
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      { index: 1, id: "d2", reason: expect.stringMatching(/^malformed event: finishedAt: /) },
      { index: 2, id: "d3", reason: expect.stringContaining('unknown service "unknown-svc"') },
      { index: 3, id: "d4", reason: "finishedAt is in the future" },
      { index: 4, id: sha(1), reason: "committedAt is before 2000-01-01" },
      { index: 5, id: "i1", reason: "negative duration: resolvedAt is before openedAt" },
      { index: 6, id: "d5", reason: expect.stringContaining("not a production environment") },
      { index: 7, reason: expect.stringMatching(/^malformed event/) },
    ]);
    expect((await db.doraDeployment.findMany()).map((d) => d.id)).toEqual(["api:d1"]);
    expect((await db.doraIncident.findMany()).map((i) => i.id)).toEqual(["api:i2"]);
    expect(await daily(CHECKOUT, 1)).toMatchObject({ deployments: 1 });
  });

  it("refuses more than 1,000 events at once", async () => {
    const events = Array.from({ length: 1001 }, (_, i) => ({ type: "change", id: sha(i), service: "checkout", committedAt: at(1, 1) }));
    await expect(ingestEvents(events, "api")).rejects.toBeInstanceOf(AppError);
  });

  it("never stores part of an event: a deployment with one bad sha in its changes is rejected whole", async () => {
    const result = await ingestEvents(
      [{ type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: at(1, 10), changes: [sha(1), "not-a-sha"] }],
      "api",
    );
    expect(result.accepted).toBe(0);
    expect(result.rejected[0]?.reason).toMatch(/changes\.1/);
    expect(await db.doraDeployment.count()).toBe(0);
    expect(await db.doraDeploymentChange.count()).toBe(0);
  });

  it("is idempotent by type and id: sending an incident again resolves it, and the rollup follows", async () => {
    await ingestEvents([{ type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: at(1, 10) }], "api");
    const open = { type: "incident", id: "INC-1", service: "checkout", openedAt: at(2, 10) };
    expect((await ingestEvents([open], "api")).accepted).toBe(1);
    expect((await ingestEvents([open], "api")).accepted).toBe(1);
    expect(await db.doraIncident.findMany()).toMatchObject([{ id: "api:INC-1", resolvedAt: null, deploymentId: "api:d1", explicitDeployment: false }]);
    expect(await daily(CHECKOUT, 1)).toMatchObject({ deployments: 1, failed: 1 });
    expect(await daily(CHECKOUT, 3)).toBeNull();

    await ingestEvents([{ ...open, resolvedAt: at(3, 12) }], "api");
    expect(await db.doraIncident.count()).toBe(1);
    expect((await db.doraIncident.findUniqueOrThrow({ where: { id: "api:INC-1" } })).resolvedAt?.toISOString()).toBe(at(3, 12));
    expect(await daily(CHECKOUT, 3)).toMatchObject({ resolved: 1 });

    // Corrected resolution time: the old day is recomputed too.
    await ingestEvents([{ ...open, resolvedAt: at(4, 1) }], "api");
    expect(await daily(CHECKOUT, 3)).toBeNull();
    expect(await daily(CHECKOUT, 4)).toMatchObject({ resolved: 1 });
    // The same id from another source is another incident.
    await ingestEvents([open], "github");
    expect(await db.doraIncident.count()).toBe(2);
  });

  it("attributes incidents to the latest earlier deployment, re-attributes when one arrives in between, and keeps explicit links", async () => {
    await ingestEvents(
      [
        { type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: at(1, 10) },
        { type: "deployment", id: "failed", service: "checkout", environment: "production", status: "failure", finishedAt: at(2, 23) },
        { type: "deployment", id: "other", service: "ledger", environment: "production", status: "success", finishedAt: at(2, 23) },
        { type: "incident", id: "auto", service: "checkout", openedAt: at(3, 10) },
        { type: "incident", id: "named", service: "checkout", openedAt: at(3, 11), deploymentId: "d1" },
        { type: "incident", id: "before-any", service: "checkout", openedAt: at(0, 1) },
      ],
      "api",
    );
    const link = async (id: string) => (await db.doraIncident.findUniqueOrThrow({ where: { id: `api:${id}` } })).deploymentId;
    expect(await link("auto")).toBe("api:d1");
    expect(await link("named")).toBe("api:d1");
    expect(await link("before-any")).toBeNull();
    expect(await daily(CHECKOUT, 1)).toMatchObject({ deployments: 1, failed: 1 });

    // A deployment between d1 and the incident takes it; the explicit link stays.
    await ingestEvents([{ type: "deployment", id: "d2", service: "checkout", environment: "production", status: "success", finishedAt: at(2, 8) }], "api");
    expect(await link("auto")).toBe("api:d2");
    expect(await link("named")).toBe("api:d1");
    expect(await daily(CHECKOUT, 2)).toMatchObject({ deployments: 1, failed: 1 });
    expect(await daily(CHECKOUT, 1)).toMatchObject({ deployments: 1, failed: 1 });

    // Moving d2 after the incident gives it back to d1; only `named`'s link kept d1 failed before.
    await ingestEvents([{ type: "deployment", id: "d2", service: "checkout", environment: "production", status: "success", finishedAt: at(4, 8) }], "api");
    expect(await link("auto")).toBe("api:d1");
    expect(await daily(CHECKOUT, 2)).toBeNull();
    expect(await daily(CHECKOUT, 4)).toMatchObject({ deployments: 1, failed: 0 });
  });

  it("fills lead times when the change arrives after the deployment, and links commitSha alone", async () => {
    await ingestEvents(
      [
        { type: "change", id: sha(1), service: "checkout", committedAt: at(1, 6) },
        { type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: at(1, 10), changes: [sha(1), sha(2).toUpperCase()] },
        { type: "deployment", id: "d2", service: "checkout", environment: "production", status: "success", finishedAt: at(2, 10), commitSha: sha(3) },
      ],
      "api",
    );
    const links = async () =>
      (await db.doraDeploymentChange.findMany({ orderBy: [{ deploymentId: "asc" }, { sha: "asc" }] })).map((l) => [l.deploymentId, l.sha, l.leadTimeSeconds]);
    expect(await links()).toEqual([
      ["api:d1", sha(1), 4 * 3600],
      ["api:d1", sha(2), null],
      ["api:d2", sha(3), null],
    ]);
    expect(await daily(CHECKOUT, 1)).toMatchObject({ lead: 1 });

    await ingestEvents(
      [
        { type: "change", id: sha(2), service: "checkout", committedAt: at(0, 10) },
        { type: "change", id: sha(3), service: "checkout", committedAt: at(2, 9) },
      ],
      "api",
    );
    expect(await links()).toEqual([
      ["api:d1", sha(1), 4 * 3600],
      ["api:d1", sha(2), 24 * 3600],
      ["api:d2", sha(3), 3600],
    ]);
    expect(await daily(CHECKOUT, 1)).toMatchObject({ lead: 2 });
    expect(await daily(CHECKOUT, 2)).toMatchObject({ lead: 1 });
    expect(await db.doraChange.count()).toBe(3);
  });

  it("keeps the last of duplicate events in one batch", async () => {
    const result = await ingestEvents(
      [
        { type: "incident", id: "x", service: "checkout", openedAt: at(1, 1) },
        { type: "incident", id: "x", service: "checkout", openedAt: at(1, 1), resolvedAt: at(1, 2) },
      ],
      "api",
    );
    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect((await db.doraIncident.findUniqueOrThrow({ where: { id: "api:x" } })).resolvedAt?.toISOString()).toBe(at(1, 2));
  });
});

describe("organisation totals", () => {
  it("stay equal to the sum of every service's daily rollups as events arrive and change", async () => {
    const [first, second] = await db.entity.findMany({ where: { kind: "Component" }, take: 2, select: { name: true } });
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    await ingestEvents(
      [
        { type: "deployment", id: "t1", service: first!.name, environment: "production", status: "success", finishedAt: at(30), changes: ["abcdef1"] },
        { type: "change", id: "abcdef1", service: first!.name, committedAt: at(32) },
        { type: "deployment", id: "t2", service: second!.name, environment: "production", status: "success", finishedAt: at(30) },
        { type: "incident", id: "i1", service: second!.name, openedAt: at(29) },
      ],
      "api",
    );
    await ingestEvents([{ type: "incident", id: "i1", service: second!.name, openedAt: at(29), resolvedAt: at(2) }], "api");
    const sums = await db.$queryRaw<{ day: Date; deployments: number; failed: number; resolved: number }[]>`
      SELECT day, sum(deployments)::int AS deployments, sum(failed_deployments)::int AS failed, sum(incidents_resolved)::int AS resolved
      FROM dora_daily GROUP BY day ORDER BY day`;
    const totals = await db.doraDailyTotal.findMany({ orderBy: { day: "asc" }, select: { day: true, deployments: true, failedDeployments: true, incidentsResolved: true } });
    expect(totals.map((t) => [t.day.toISOString(), t.deployments, t.failedDeployments, t.incidentsResolved])).toEqual(
      sums.map((s) => [s.day.toISOString(), s.deployments, s.failed, s.resolved]),
    );
    expect(totals.reduce((n, t) => n + t.deployments, 0)).toBe(2);
    expect(totals.reduce((n, t) => n + t.failedDeployments, 0)).toBe(1);
    expect(totals.reduce((n, t) => n + t.incidentsResolved, 0)).toBe(1);
  });

  it("stay right when batches for the same day arrive at the same time", async () => {
    // As CI systems send them: one deployment per request, many at once, all finished today.
    const finishedAt = new Date(Date.now() - 60_000).toISOString();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        ingestEvents([{ type: "deployment", id: `c${i}`, service: i % 2 ? "ledger" : "checkout", environment: "production", status: "success", finishedAt }], "api"),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const day = finishedAt.slice(0, 10);
    const perService = await db.$queryRaw<{ entity_key: string; deployments: number }[]>`
      SELECT entity_key, deployments FROM dora_daily WHERE day = ${day}::date ORDER BY entity_key`;
    expect(perService.map((r) => [r.entity_key, r.deployments])).toEqual([
      [CHECKOUT, 6],
      ["component:default/ledger", 6],
    ]);
    const total = await db.doraDailyTotal.findUniqueOrThrow({ where: { day: new Date(`${day}T00:00:00Z`) }, select: { deployments: true } });
    expect(total.deployments).toBe(12);
  });
});

