import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { gradeMetric } from "@/lib/dora/benchmarks";
import { BUCKET_COUNT, bucketIndex, DAY, HOUR } from "@/lib/dora/buckets";
import { getDoraReport, getTeamComparison, type DoraReport } from "@/lib/dora/metrics";
import { affectedDays, recomputeAllRollups, recomputeDailyRollups } from "@/lib/dora/rollups";
import { resetDatabase } from "@/tests/reset";

const A = "component:default/svc-a";
const B = "component:default/svc-b";
const C = "component:default/svc-c";
const D = "component:default/svc-d";
const TEAM_A = "group:default/team-a";
const TEAM_B = "group:default/team-b";
const TEAM_C = "group:default/team-c";

// Two ISO weeks, Monday 2024-03-04 to Monday 2024-03-18; the previous period starts 2024-02-19.
const RANGE = { from: new Date("2024-03-04T00:00:00Z"), to: new Date("2024-03-18T00:00:00Z") };
const t = (iso: string) => new Date(`${iso}Z`);

const deployments: [id: string, entityKey: string, finishedAt: string, status?: "success" | "failure"][] = [
  ["a0", A, "2024-02-20T10:00:00"], // previous period
  ["a1", A, "2024-03-05T10:00:00"],
  ["a-failed", A, "2024-03-06T10:00:00", "failure"], // not a deployment
  ["a2", A, "2024-03-10T23:30:00"], // Sunday: first week
  ["a3", A, "2024-03-11T00:30:00"], // Monday: second week
  ["a4", A, "2024-03-14T09:00:00"],
  ["b1", B, "2024-03-06T09:00:00"],
  ["b2", B, "2024-03-07T09:00:00"],
  ["c1", C, "2024-03-06T12:00:00"],
];
const changes: [deploymentId: string, entityKey: string, sha: string, lead: number | null][] = [
  ["a0", A, "s0", 4 * HOUR],
  ["a1", A, "s1", HOUR],
  ["a1", A, "s2", 2 * HOUR],
  ["a1", A, "s3", 10 * HOUR],
  ["a1", A, "s4", 0], // excluded
  ["a1", A, "s5", -50], // excluded
  ["a1", A, "s6", null], // unknown: excluded
  ["a-failed", A, "s7", 60], // failed deployment: excluded
  ["b1", B, "s8", 5 * HOUR],
  ["b2", B, "s9", 20 * HOUR],
  ["b2", B, "s10", 3 * DAY],
  ["c1", C, "s11", HOUR], // exactly the elite threshold
];
const incidents: [id: string, entityKey: string, openedAt: string, resolvedAt: string | null, deploymentId: string | null][] = [
  ["i0", A, "2024-02-21T00:00:00", "2024-02-21T02:00:00", "a0"], // previous period, 2h
  ["i1", A, "2024-03-05T12:00:00", "2024-03-05T12:30:00", "a1"], // 30 min
  ["i2", A, "2024-03-12T08:00:00", null, "a3"], // still open
  ["ib1", B, "2024-03-06T13:00:00", "2024-03-06T16:00:00", "b1"], // 3h
  ["ib2", B, "2024-03-07T12:00:00", "2024-03-08T14:00:00", "b2"], // 26h
  ["ic0", C, "2024-03-04T01:00:00", "2024-03-04T05:00:00", null], // before any deployment of C, 4h
];

async function seed() {
  await resetDatabase();
  await db.entity.createMany({
    data: [
      [A, TEAM_A],
      [B, TEAM_A],
      [C, TEAM_B],
      [D, TEAM_C],
    ].map(([key, owner]) => ({
      key: key as string,
      apiVersion: "backstage.io/v1alpha1",
      kind: "component",
      namespace: "default",
      name: (key as string).split("/")[1] as string,
      owner: owner as string,
      metadata: {},
      sourceType: "upload",
    })),
  });
  await db.doraDeployment.createMany({
    data: deployments.map(([id, entityKey, finishedAt, status]) => ({ id, entityKey, finishedAt: t(finishedAt), status: status ?? "success", environment: "production", source: "test" })),
  });
  await db.doraDeploymentChange.createMany({
    data: changes.map(([deploymentId, entityKey, sha, leadTimeSeconds]) => ({ deploymentId, entityKey, sha, leadTimeSeconds })),
  });
  await db.doraIncident.createMany({
    data: incidents.map(([id, entityKey, openedAt, resolvedAt, deploymentId]) => ({
      id,
      entityKey,
      openedAt: t(openedAt),
      resolvedAt: resolvedAt ? t(resolvedAt) : null,
      deploymentId,
      source: "test",
    })),
  });
  await recomputeAllRollups(db);
}

async function dailyRows() {
  const rows = await db.doraDaily.findMany({ orderBy: [{ entityKey: "asc" }, { day: "asc" }] });
  return rows.map((r) => ({ ...r, day: r.day.toISOString().slice(0, 10) }));
}

const values = (r: DoraReport) => Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, m.value]));
const tiers = (r: DoraReport) => Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, m.tier]));

describe("DORA metrics", () => {
  beforeAll(seed);

  it("rolls base events up per service and UTC day", async () => {
    const rows = await dailyRows();
    const a1 = rows.find((r) => r.entityKey === A && r.day === "2024-03-05");
    expect(a1).toMatchObject({ deployments: 1, failedDeployments: 1, incidentsResolved: 1 });
    expect(a1?.leadTimeBuckets).toHaveLength(BUCKET_COUNT);
    expect(a1?.leadTimeBuckets.reduce((s, n) => s + n, 0)).toBe(3);
    expect(a1?.leadTimeBuckets[bucketIndex(HOUR)]).toBe(1);
    expect(a1?.restoreBuckets[bucketIndex(30 * 60)]).toBe(1);
    // The failed deployment's day has no successful deployment and no resolution: no row.
    expect(rows.find((r) => r.entityKey === A && r.day === "2024-03-06")).toBeUndefined();
    // An incident with no deployment still counts as resolved on its day.
    expect(rows.find((r) => r.entityKey === C && r.day === "2024-03-04")).toMatchObject({ deployments: 0, failedDeployments: 0, incidentsResolved: 1 });
  });

  it("recomputes touched days incrementally to the same rows as a full rebuild, dropping emptied days", async () => {
    const full = await dailyRows();
    const pairs = await affectedDays(db, { deploymentIds: ["a1", "b2"], incidentIds: ["ib2", "i0"] });
    expect(pairs).toEqual(
      expect.arrayContaining([
        { entityKey: A, day: "2024-03-05" },
        { entityKey: A, day: "2024-02-21" },
        { entityKey: A, day: "2024-02-20" },
        { entityKey: B, day: "2024-03-07" },
        { entityKey: B, day: "2024-03-08" },
      ]),
    );
    await db.$executeRaw`UPDATE dora_daily SET deployments = 99, lead_time_buckets = '{}'`;
    await db.$executeRaw`INSERT INTO dora_daily (entity_key, day, deployments, lead_time_buckets, restore_buckets) VALUES (${D}, '2024-03-09', 3, '{}', '{}')`;
    await recomputeDailyRollups(db, [...full.map((r) => ({ entityKey: r.entityKey, day: r.day })), { entityKey: D, day: "2024-03-09" }, { entityKey: A, day: "2024-03-05" }]);
    expect(await dailyRows()).toEqual(full);
    await recomputeDailyRollups(db, []);
  });

  it("computes a service's metrics exactly from the base tables", async () => {
    const r = await getDoraReport({ kind: "service", entityKey: A }, RANGE);
    expect(r.exact).toBe(true);
    expect(r.from).toBe("2024-03-04");
    expect(r.to).toBe("2024-03-18");
    expect(values(r)).toEqual({
      deploymentFrequency: 4 / 14,
      leadTime: 2 * HOUR, // median of 1h, 2h, 10h; 0, negative and unknown lead times excluded
      changeFailureRate: 0.5, // a1 and a3 caused incidents
      timeToRestore: 30 * 60, // the open incident does not count
    });
    expect(tiers(r)).toEqual({ deploymentFrequency: "high", leadTime: "high", changeFailureRate: "low", timeToRestore: "elite" });
    expect(r.openIncidents).toBe(1);
    expect(r.metrics.deploymentFrequency.previous).toBe(1 / 14);
    expect(r.metrics.leadTime.previous).toBe(4 * HOUR);
    expect(r.metrics.changeFailureRate.previous).toBe(1);
    expect(r.metrics.timeToRestore.previous).toBe(2 * HOUR);
    expect(r.leadTimeDistribution).toHaveLength(BUCKET_COUNT);
    expect(r.leadTimeDistribution[bucketIndex(10 * HOUR)]).toMatchObject({ fromSeconds: 8 * HOUR, toSeconds: 12 * HOUR, count: 1 });
    expect(r.leadTimeDistribution.reduce((s, b) => s + b.count, 0)).toBe(3);
    expect(r.leadTimeDistribution.at(-1)?.toSeconds).toBeNull();
  });

  it("splits weeks at Monday 00:00 UTC", async () => {
    const service = await getDoraReport({ kind: "service", entityKey: A }, RANGE);
    expect(service.weekly).toEqual([
      { week: "2024-03-04", deployments: 2, leadTimeSeconds: 2 * HOUR, changeFailureRate: 0.5, timeToRestoreSeconds: 30 * 60 },
      { week: "2024-03-11", deployments: 2, leadTimeSeconds: null, changeFailureRate: 0.5, timeToRestoreSeconds: null },
    ]);
    const org = await getDoraReport({ kind: "organisation" }, RANGE);
    expect(org.weekly.map((w) => [w.week, w.deployments])).toEqual([
      ["2024-03-04", 5],
      ["2024-03-11", 2],
    ]);
  });

  it("grades the 1 hour lead time threshold as high, under both profiles differently", async () => {
    const r = await getDoraReport({ kind: "service", entityKey: C }, RANGE);
    expect(r.metrics.leadTime).toMatchObject({ value: HOUR, tier: "high" });
    // An incident before the service's first deployment counts against no deployment.
    expect(r.metrics.changeFailureRate).toMatchObject({ value: 0, tier: "elite" });
    expect(r.metrics.timeToRestore.value).toBe(4 * HOUR);
    const r2023 = await getDoraReport({ kind: "service", entityKey: C }, RANGE, "dora-2023");
    expect(r2023.profile).toBe("dora-2023");
    expect(r2023.metrics.leadTime.tier).toBe("elite");
    expect(r2023.metrics.changeFailureRate.tier).toBe("elite");
  });

  it("reports no deployments as frequency 0 (low) and everything else as null", async () => {
    for (const scope of [{ kind: "service", entityKey: D } as const, { kind: "team", owner: TEAM_C } as const]) {
      const r = await getDoraReport(scope, RANGE);
      expect(values(r)).toEqual({ deploymentFrequency: 0, leadTime: null, changeFailureRate: null, timeToRestore: null });
      expect(tiers(r)).toEqual({ deploymentFrequency: "low", leadTime: null, changeFailureRate: null, timeToRestore: null });
      expect(r.metrics.leadTime.previous).toBeNull();
      expect(r.weekly).toHaveLength(2);
      expect(r.weekly.every((w) => w.deployments === 0 && w.leadTimeSeconds === null)).toBe(true);
      expect(r.openIncidents).toBe(0);
    }
  });

  it("estimates team and organisation medians from the rollups in the same tier as the exact median", async () => {
    const team = await getDoraReport({ kind: "team", owner: TEAM_A }, RANGE);
    expect(team.exact).toBe(false);
    expect(team.metrics.deploymentFrequency.value).toBe(6 / 14);
    expect(team.metrics.changeFailureRate.value).toBe(4 / 6);
    expect(team.openIncidents).toBe(1);
    // Exact: lead times 1h 2h 5h 10h 20h 3d → 7.5h; restores 30m 3h 26h → 3h.
    expect(team.metrics.leadTime.tier).toBe(gradeMetric("dora-default", "leadTime", 7.5 * HOUR));
    expect(team.metrics.leadTime.value).toBeGreaterThanOrEqual(5 * HOUR);
    expect(team.metrics.leadTime.value).toBeLessThanOrEqual(10 * HOUR);
    expect(team.metrics.timeToRestore.tier).toBe(gradeMetric("dora-default", "timeToRestore", 3 * HOUR));
    expect(team.metrics.timeToRestore.value).toBeGreaterThanOrEqual(3 * HOUR);
    expect(team.metrics.timeToRestore.value).toBeLessThan(4 * HOUR);
    expect(team.metrics.deploymentFrequency.previous).toBe(1 / 14);
    expect(team.metrics.leadTime.previous).toBeGreaterThanOrEqual(4 * HOUR);
    expect(team.metrics.leadTime.previous).toBeLessThan(6 * HOUR);
    expect(team.leadTimeDistribution.reduce((s, b) => s + b.count, 0)).toBe(6);

    const org = await getDoraReport({ kind: "organisation" }, RANGE);
    expect(org.metrics.deploymentFrequency.value).toBe(7 / 14);
    expect(org.metrics.changeFailureRate.value).toBe(4 / 7);
    expect(org.openIncidents).toBe(1);
    // Exact org lead times: 1h 1h 2h 5h 10h 20h 3d → 5h.
    expect(org.metrics.leadTime.tier).toBe("high");
    expect(org.leadTimeDistribution.reduce((s, b) => s + b.count, 0)).toBe(7);
  });

  it("rounds ranges out to whole UTC days", async () => {
    const r = await getDoraReport({ kind: "service", entityKey: A }, { from: new Date("2024-03-04T15:00:00Z"), to: new Date("2024-03-17T01:00:00Z") });
    expect([r.from, r.to]).toEqual(["2024-03-04", "2024-03-18"]);
    await expect(getDoraReport({ kind: "organisation" }, { from: RANGE.to, to: RANGE.from })).rejects.toThrow();
  });

  it("compares teams from the rollups", async () => {
    const rows = await getTeamComparison(RANGE, "dora-default");
    expect(rows.map((r) => [r.owner, r.services])).toEqual([
      [TEAM_A, 2],
      [TEAM_B, 1],
    ]);
    const a = rows[0]?.metrics;
    expect(a?.deploymentFrequency).toMatchObject({ value: 6 / 14, previous: 1 / 14, tier: "high" });
    expect(a?.changeFailureRate).toMatchObject({ value: 4 / 6, previous: 1, tier: "low" });
    const b = rows[1]?.metrics;
    expect(b?.changeFailureRate).toMatchObject({ value: 0, previous: null, tier: "elite" });
    expect(b?.leadTime.tier).toBe("high");
    expect(b?.timeToRestore.tier).toBe("high");
    const team = await getDoraReport({ kind: "team", owner: TEAM_A }, RANGE);
    expect(a).toEqual(team.metrics);
  });
});
