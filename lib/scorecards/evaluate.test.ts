import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { db } from "@/lib/db";
import { bucketIndex, emptyBuckets, HOUR } from "@/lib/dora/buckets";
import { findCheck } from "@/lib/scorecards/checks";
import { evaluateScorecards } from "@/lib/scorecards/evaluate";
import { csvCell, getEntityScorecards, getScorecardForEdit, getScorecardOverview, listScorecardEntities, listScorecards, scorecardCsv } from "@/lib/scorecards/queries";
import { resetDatabase } from "@/tests/reset";

const catalog = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-a }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-b }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: alpha
  title: Alpha
  description: Takes orders.
  annotations:
    backstage.io/techdocs-ref: dir:.
    unleash.io/project-id: default
  labels: { tier: "1" }
spec: { type: service, lifecycle: production, owner: team-a, system: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: beta
  title: "=HYPERLINK(\\"https://evil.example\\")"
spec: { type: service, lifecycle: production, owner: team-b, system: shop }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: gamma
  title: Gamma, the site
  description: The shop front.
spec: { type: website, lifecycle: experimental, owner: team-ghost }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: delta
  description: Shared code.
  labels: { tier: "3" }
spec: { type: library, lifecycle: production, owner: team-a }
`;

const readiness = `apiVersion: pave.dev/v1
kind: Scorecard
metadata: { name: readiness, title: Readiness, description: Ready for traffic. }
spec:
  appliesTo: { kind: [Component], type: [service, website] }
  levels: [{ id: bronze, title: Bronze }, { id: silver, title: Silver }, { id: gold, title: Gold }]
  rules:
    - { id: owned, title: Owned by a team, level: bronze, check: owner-is-group, howToFix: Set spec.owner to a group., link: /handbook/ownership }
    - { id: described, title: Has a description, level: bronze, check: has-description, howToFix: Add metadata.description. }
    - { id: ci, title: Has CI, level: silver, check: has-ci-workflow, howToFix: Add a workflow. }
    - { id: catalog-info, title: Has catalog-info.yaml, level: silver, check: has-catalog-info, howToFix: Commit catalog-info.yaml. }
    - { id: docs, title: Has docs, level: silver, check: has-docs, howToFix: Write docs. }
    - { id: deploys, title: Deploys weekly, level: gold, check: { type: dora-tier, metric: deploymentFrequency, atLeast: high }, howToFix: Deploy more often. }
    - { id: lead-time, title: Lead time, level: gold, check: { type: dora-tier, metric: leadTime, atLeast: high, days: 30 }, howToFix: Ship smaller changes. }
    - { id: backups, title: Backups, level: gold, check: { type: database-with-backups, minRetentionDays: 14 }, howToFix: Keep 14 days of backups. }
`;

const flags = `apiVersion: pave.dev/v1
kind: Scorecard
metadata: { name: flags-basics, title: Flags basics }
spec:
  appliesTo: { kind: [Component] }
  levels: [{ id: ok, title: OK }]
  rules:
    - { id: flags, title: Has a flags project, level: ok, check: has-flags-project, howToFix: Add unleash.io/project-id. }
    - { id: tier, title: Tier label, level: ok, check: { type: label, key: tier, oneOf: ["1", "2"] }, howToFix: Label the tier. }
`;

const broken = `apiVersion: pave.dev/v1
kind: Scorecard
metadata: { name: broken, title: Broken }
spec:
  levels: [{ id: one, title: One }]
  rules:
    - { id: r, title: R, level: one, check: owner-is-team, howToFix: x }
`;

const DAY_MS = 86_400_000;
const dir = mkdtempSync(path.join(os.tmpdir(), "pave-scorecards-"));
const idOf = async (name: string) => (await db.entity.findUniqueOrThrow({ where: { key: `component:default/${name}` }, select: { id: true } })).id;
const resultOf = async (scorecard: string, entity: string) =>
  db.scorecardResult.findFirst({ where: { scorecard: { name: scorecard }, entity: { key: `component:default/${entity}` } }, select: { level: true, levelRank: true, passed: true, total: true, failed: true } });
const historyCount = (scorecard: string) => db.scorecardHistory.count({ where: { scorecard: { name: scorecard } } });

beforeAll(async () => {
  // Before the first getEnv() of this file's module graph.
  process.env.PAVE_SCORECARDS_DIR = dir;
  await resetDatabase();
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));

  const alpha = await idOf("alpha");
  const beta = await idOf("beta");
  await db.entityRepoFacts.createMany({
    data: [
      { entityId: alpha, sourceUrl: "https://github.com/acme/alpha", hasCiWorkflow: true, hasCatalogInfo: true, hasDocs: true, checkedAt: new Date() },
      { entityId: beta, sourceUrl: "https://github.com/acme/beta", error: "GitHub answered 404 for acme/beta", checkedAt: new Date() },
    ],
  });
  await db.databaseRequest.create({
    data: {
      entityKey: "component:default/alpha",
      serviceName: "alpha",
      owner: "group:default/team-a",
      environment: "prod",
      engine: "postgres",
      engineVersion: "16",
      tier: "small",
      backupRetentionDays: 14,
      multiAz: true,
      justification: "Orders need a relational store.",
      status: "provisioned",
      branch: "pave/db/alpha-prod",
      filePath: "terraform/envs/prod/databases/alpha.tf",
      hcl: "# test",
    },
  });
  // alpha: one deployment a day for the last 20 days (high), each change 2 hours from commit (high).
  const lead = emptyBuckets();
  lead[bucketIndex(2 * HOUR)] = 3;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  for (let i = 0; i < 20; i++) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
    await db.$executeRaw`
      INSERT INTO dora_daily (entity_key, day, deployments, failed_deployments, lead_time_buckets, incidents_resolved, restore_buckets)
      VALUES ('component:default/alpha', ${day}::date, 1, 0, ${lead}::int[], 0, ${emptyBuckets()}::int[])`;
  }

  writeFileSync(path.join(dir, "readiness.yaml"), readiness);
  writeFileSync(path.join(dir, "flags.yml"), flags);
  writeFileSync(path.join(dir, "broken.yaml"), broken);
  writeFileSync(path.join(dir, "notes.txt"), "not a scorecard");
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("evaluating scorecards", () => {
  it("grades every matching entity, stores the refused file's reasons, and still evaluates the others", async () => {
    const { runs } = await evaluateScorecards({ trigger: "manual" });
    expect(runs).toEqual([
      { scorecard: "broken.yaml", status: "refused", entities: 0, error: expect.stringContaining("broken.yaml: spec.rules[0].check: unknown check type \"owner-is-team\"") },
      { scorecard: "flags-basics", status: "succeeded", entities: 4 },
      { scorecard: "readiness", status: "succeeded", entities: 3 },
    ]);

    const refused = await db.scorecard.findFirstOrThrow({ where: { path: "broken.yaml" } });
    expect(refused).toMatchObject({ source: "file", definition: null });
    expect(refused.error).toMatch(/^broken\.yaml: spec\.rules\[0\]\.check: unknown check type "owner-is-team"; known types are owner-is-group/);

    expect(await resultOf("readiness", "alpha")).toEqual({ level: "gold", levelRank: 3, passed: 8, total: 8, failed: [] });
    expect(await resultOf("readiness", "beta")).toEqual({ level: "", levelRank: 0, passed: 1, total: 8, failed: ["described", "ci", "catalog-info", "docs", "deploys", "lead-time", "backups"] });
    expect(await resultOf("readiness", "gamma")).toMatchObject({ level: "", failed: ["owned", "ci", "catalog-info", "docs", "deploys", "lead-time", "backups"] });
    expect(await resultOf("readiness", "delta")).toBeNull();
    expect(await resultOf("flags-basics", "alpha")).toMatchObject({ level: "ok", passed: 2 });
    expect(await resultOf("flags-basics", "delta")).toMatchObject({ level: "", failed: ["flags", "tier"] });

    const run = await db.scorecardRun.findFirstOrThrow({ where: { scorecard: { name: "readiness" } } });
    expect(run).toMatchObject({ status: "succeeded", trigger: "manual", entities: 3, levelCounts: { "": 2, bronze: 0, silver: 0, gold: 1 } });
    expect(await historyCount("readiness")).toBe(3);

    const beta = await db.scorecardResult.findFirstOrThrow({ where: { scorecard: { name: "readiness" }, entity: { key: "component:default/beta" } } });
    expect(beta.checks).toContainEqual({ id: "ci", passed: false, message: "The repository could not be read: GitHub answered 404 for acme/beta" });
  });

  it("adds no history when nothing changed, and one row for the entity whose facts changed", async () => {
    const alphaBefore = await db.scorecardResult.findFirstOrThrow({ where: { scorecard: { name: "readiness" }, entity: { key: "component:default/alpha" } } });
    await evaluateScorecards({ trigger: "schedule" });
    // An unchanged result is not rewritten, yet reads as evaluated by the latest run.
    const alphaAfter = await db.scorecardResult.findFirstOrThrow({ where: { scorecard: { name: "readiness" }, entity: { key: "component:default/alpha" } } });
    expect(alphaAfter.runId).toBe(alphaBefore.runId);
    const latestRun = await db.scorecardRun.findFirstOrThrow({ where: { scorecard: { name: "readiness" } }, orderBy: { startedAt: "desc" } });
    const [view] = (await getEntityScorecards(alphaAfter.entityId)).filter((v) => v.scorecard.name === "readiness");
    expect(view!.evaluatedAt).toEqual(latestRun.startedAt);
    expect(await historyCount("readiness")).toBe(3);
    expect(await historyCount("flags-basics")).toBe(4);
    expect(await db.scorecardRun.count({ where: { scorecard: { name: "readiness" } } })).toBe(2);

    const before = await getScorecardOverview("readiness", {});
    expect(before!.distribution.map((d) => d.count)).toEqual([2, 0, 0, 1]);

    await db.entity.update({ where: { key: "component:default/beta" }, data: { description: "Searches the shop." } });
    await evaluateScorecards({ trigger: "fact-change" });
    expect(await historyCount("readiness")).toBe(4);
    expect(await historyCount("flags-basics")).toBe(4);
    expect(await resultOf("readiness", "beta")).toMatchObject({ level: "bronze", levelRank: 1, passed: 2 });
    // The overview's in-memory copy follows the new run.
    expect((await getScorecardOverview("readiness", {}))!.distribution.map((d) => d.count)).toEqual([1, 1, 0, 1]);
  });

  it("removes the result of an entity that no longer matches", async () => {
    await db.entity.update({ where: { key: "component:default/gamma" }, data: { type: "library" } });
    const { runs } = await evaluateScorecards({ trigger: "catalog-refresh", scorecard: "readiness" });
    expect(runs).toEqual([{ scorecard: "readiness", status: "succeeded", entities: 2 }]);
    expect(await resultOf("readiness", "gamma")).toBeNull();
    await db.entity.update({ where: { key: "component:default/gamma" }, data: { type: "website" } });
    await evaluateScorecards({ trigger: "catalog-refresh", scorecard: "readiness" });
    expect(await resultOf("readiness", "gamma")).not.toBeNull();
  });
});

describe("scorecard queries", () => {
  it("lists scorecards with their last run and distribution", async () => {
    const list = await listScorecards();
    const names = list.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["readiness", "flags-basics", "broken.yaml"]));
    const card = list.find((s) => s.name === "readiness")!;
    expect(card).toMatchObject({ title: "Readiness", source: "file", path: "readiness.yaml", error: null, ruleCount: 8, lastRun: { status: "succeeded", entities: 3 } });
    expect(card.levels).toEqual([
      { id: "bronze", title: "Bronze", rank: 1 },
      { id: "silver", title: "Silver", rank: 2 },
      { id: "gold", title: "Gold", rank: 3 },
    ]);
    expect(card.distribution).toEqual([
      { level: "", title: "No level", rank: 0, count: 1 },
      { level: "bronze", title: "Bronze", rank: 1, count: 1 },
      { level: "silver", title: "Silver", rank: 2, count: 0 },
      { level: "gold", title: "Gold", rank: 3, count: 1 },
    ]);
    expect(list.find((s) => s.name === "broken.yaml")).toMatchObject({ error: expect.stringContaining("unknown check type"), levels: [], lastRun: null });
  });

  it("aggregates the overview, with filters", async () => {
    const all = await getScorecardOverview("readiness", {});
    expect(all).not.toBeNull();
    expect(all!.total).toBe(3);
    expect(all!.distribution.map((d) => [d.level, d.count])).toEqual([
      ["", 1],
      ["bronze", 1],
      ["silver", 0],
      ["gold", 1],
    ]);
    expect(all!.leaderboard).toEqual([
      { owner: "group:default/team-a", entities: 1, averageScore: 1, levels: { gold: 1 }, topLevelCount: 1 },
      { owner: "group:default/team-b", entities: 1, averageScore: 2 / 8, levels: { bronze: 1 }, topLevelCount: 0 },
      { owner: "group:default/team-ghost", entities: 1, averageScore: 1 / 8, levels: { "": 1 }, topLevelCount: 0 },
    ]);
    expect(all!.failingRules.map((r) => [r.id, r.failed])).toEqual([
      ["ci", 2],
      ["catalog-info", 2],
      ["docs", 2],
      ["deploys", 2],
      ["lead-time", 2],
      ["backups", 2],
      ["owned", 1],
    ]);
    expect(all!.failingRules[6]).toEqual({ id: "owned", title: "Owned by a team", level: "bronze", levelTitle: "Bronze", failed: 1, howToFix: "Set spec.owner to a group.", link: "/handbook/ownership" });
    expect(all!.options).toEqual({
      owners: ["group:default/team-a", "group:default/team-b", "group:default/team-ghost"],
      systems: ["system:default/shop"],
      lifecycles: ["experimental", "production"],
    });
    expect(all!.trend.length).toBe(5);
    expect(all!.trend[0]!.levelCounts).toEqual({ "": 2, bronze: 0, silver: 0, gold: 1 });
    expect(all!.trend[0]!.at.getTime()).toBeLessThan(all!.trend[4]!.at.getTime());

    const teamB = await getScorecardOverview("readiness", { owner: "group:default/team-b" });
    expect(teamB).toMatchObject({ total: 1, filter: { owner: "group:default/team-b" } });
    expect(teamB!.failingRules.map((r) => r.id)).not.toContain("owned");
    expect(teamB!.options.owners).toHaveLength(3); // options ignore the filter

    const shopProduction = await getScorecardOverview("readiness", { system: "system:default/shop", lifecycle: "production", owner: "" });
    expect(shopProduction!.total).toBe(2);
    expect(shopProduction!.filter).toEqual({ system: "system:default/shop", lifecycle: "production" });
    expect((await getScorecardOverview("readiness", { lifecycle: "deprecated" }))!.total).toBe(0);
    expect(await getScorecardOverview("no-such-scorecard", {})).toBeNull();
  });

  it("pages through graded entities, filtered by level", async () => {
    const page = await listScorecardEntities("readiness", {}, 1);
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 50 });
    expect(page.rows.map((r) => r.name)).toEqual(["alpha", "beta", "gamma"]);
    expect(page.rows[0]).toEqual({
      entityKey: "component:default/alpha",
      kind: "Component",
      namespace: "default",
      name: "alpha",
      title: "Alpha",
      owner: "group:default/team-a",
      level: "gold",
      levelTitle: "Gold",
      passed: 8,
      total: 8,
      failed: [],
    });
    const none = await listScorecardEntities("readiness", { level: "" }, 1);
    expect(none.rows.map((r) => [r.name, r.levelTitle])).toEqual([["gamma", "No level"]]);
    expect(none.total).toBe(1);
    expect((await listScorecardEntities("readiness", { owner: "group:default/team-a", level: "gold" }, 1)).total).toBe(1);
    expect((await listScorecardEntities("readiness", {}, 2)).rows).toEqual([]);
  });

  it("exports CSV with quoting and formula cells defused", async () => {
    const csv = await scorecardCsv("readiness", {});
    const lines = csv!.trimEnd().split("\r\n");
    expect(lines[0]).toBe("entity,title,owner,system,lifecycle,level,passed,total,failed_rules");
    expect(lines[1]).toBe("component:default/alpha,Alpha,group:default/team-a,system:default/shop,production,gold,8,8,");
    expect(lines[2]).toBe(
      `component:default/beta,"'=HYPERLINK(""https://evil.example"")",group:default/team-b,system:default/shop,production,bronze,2,8,ci catalog-info docs deploys lead-time backups`,
    );
    expect(lines[3]).toMatch(/^component:default\/gamma,"Gamma, the site",group:default\/team-ghost,,experimental,,1,8,owned /);
    expect((await scorecardCsv("readiness", { owner: "group:default/team-a" }))!.trimEnd().split("\r\n")).toHaveLength(2);
    expect(await scorecardCsv("nope", {})).toBeNull();
    expect(["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "plain", 'say "hi"', "a\nb"].map(csvCell)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", '"say ""hi"""', '"a\nb"']);
  });

  it("shows an entity's scorecards with how to fix each rule and its trend", async () => {
    const views = await getEntityScorecards(await idOf("beta"));
    expect(views.map((v) => v.scorecard.name)).toEqual(["flags-basics", "readiness"]);
    const view = views[1]!;
    expect(view).toMatchObject({ level: { id: "bronze", title: "Bronze", rank: 1 }, passed: 2, total: 8 });
    expect(view.rules).toHaveLength(8);
    expect(view.rules.find((r) => r.id === "ci")).toEqual({
      id: "ci",
      title: "Has CI",
      level: "silver",
      levelTitle: "Silver",
      passed: false,
      message: "The repository could not be read: GitHub answered 404 for acme/beta",
      howToFix: "Add a workflow.",
      link: null,
    });
    expect(view.trend.map((t) => [t.levelRank, t.passed])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(await getEntityScorecards(await idOf("delta"))).toHaveLength(1);
  });

  it("returns a scorecard's YAML for editing", async () => {
    expect(await getScorecardForEdit("readiness")).toEqual({ name: "readiness", source: "file", yaml: readiness, error: null });
    expect(await getScorecardForEdit("nope")).toBeNull();
  });
});

describe("syncing scorecard files", () => {
  it("refuses a file whose name is taken, and deletes the scorecard of a removed file", async () => {
    await db.scorecard.create({ data: { name: "ui-made", title: "UI made", source: "ui", yaml: "x" } });
    writeFileSync(path.join(dir, "clash.yaml"), flags.replace("name: flags-basics", "name: ui-made"));
    writeFileSync(path.join(dir, "another.yaml"), flags);
    const { runs } = await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics" });
    expect(runs).toEqual([{ scorecard: "flags-basics", status: "succeeded", entities: 4 }]);
    expect((await db.scorecard.findFirstOrThrow({ where: { path: "clash.yaml" } })).error).toBe(
      'clash.yaml: metadata.name: "ui-made" is already the name of a scorecard created in Pave; rename one of them',
    );
    // flags.yml already held the name, so the newcomer is the one refused.
    expect(await db.scorecard.findFirstOrThrow({ where: { path: "another.yaml" } })).toMatchObject({
      name: "another.yaml",
      error: 'another.yaml: metadata.name: "flags-basics" is already used by flags.yml; scorecard names must be unique',
    });

    rmSync(path.join(dir, "readiness.yaml"));
    await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics" });
    expect(await db.scorecard.findUnique({ where: { name: "readiness" } })).toBeNull();
    expect(await db.scorecardResult.count({ where: { scorecard: { name: "readiness" } } })).toBe(0);
    expect(await db.scorecard.findUnique({ where: { name: "ui-made" } })).not.toBeNull();
  });
});

describe("evaluating in batches", () => {
  it("keeps exactly the matching entities' results across batch boundaries", async () => {
    const ordered = (await db.entity.findMany({ where: { kind: "Component" }, orderBy: { id: "asc" }, select: { id: true, key: true } })).map((e) => e.key);
    expect(ordered).toHaveLength(4);
    const graded = async () =>
      (await db.scorecardResult.findMany({ where: { scorecard: { name: "flags-basics" } }, select: { entity: { select: { key: true } } } })).map((r) => r.entity.key).sort();
    const setKind = (keys: string[], kind: string) => db.entity.updateMany({ where: { key: { in: keys } }, data: { kind } });

    // The first and the last entity stop matching: one is before the first batch's end, one after the last batch.
    await setKind([ordered[0]!, ordered[3]!], "Resource");
    const { runs } = await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics", batchSize: 1 });
    expect(runs).toEqual([{ scorecard: "flags-basics", status: "succeeded", entities: 2 }]);
    expect(await graded()).toEqual([ordered[1]!, ordered[2]!].sort());

    // A middle one stops matching: it falls inside a batch's range.
    await setKind([ordered[0]!, ordered[3]!], "Component");
    await setKind([ordered[1]!], "Resource");
    await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics", batchSize: 2 });
    expect(await graded()).toEqual([ordered[0]!, ordered[2]!, ordered[3]!].sort());

    await setKind([ordered[1]!], "Component");
    await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics", batchSize: 3 });
    expect(await graded()).toEqual([...ordered].sort());
  });
});

describe("a scorecard that fails", () => {
  it("is recorded as failed with a message fit to show, and the others still run", async () => {
    writeFileSync(path.join(dir, "owners.yaml"), flags.replace("name: flags-basics", "name: owners").replace("check: has-flags-project", "check: owner-is-group"));
    const spy = vi.spyOn(findCheck("label")!, "evaluate").mockImplementation(() => {
      throw new Error("internal detail: SELECT * FROM secrets");
    });
    try {
      const { runs } = await evaluateScorecards({ trigger: "manual" });
      const byName = Object.fromEntries(runs.map((r) => [r.scorecard, r]));
      expect(byName["flags-basics"]).toMatchObject({ status: "failed", entities: 0, error: expect.stringMatching(/^The evaluation failed unexpectedly \(run .+\); the details are in the server log\.$/) });
      expect(byName["owners"]).toMatchObject({ status: "failed" }); // it has a label rule too
      expect(byName["ui-made"]).toMatchObject({ status: "refused", error: expect.stringContaining("ui-made: (document)") });
      const failedRun = await db.scorecardRun.findFirstOrThrow({ where: { scorecard: { name: "flags-basics" } }, orderBy: { startedAt: "desc" } });
      expect(failedRun).toMatchObject({ status: "failed", finishedAt: expect.any(Date) });
      expect(failedRun.error).not.toContain("secrets");
    } finally {
      spy.mockRestore();
    }
    writeFileSync(path.join(dir, "owners.yaml"), flags.replace("name: flags-basics", "name: owners").replace(/\n    - \{ id: tier.*\n/, "\n"));
    const { runs } = await evaluateScorecards({ trigger: "manual" });
    expect(runs.filter((r) => r.status === "succeeded").map((r) => r.scorecard)).toEqual(["flags-basics", "owners"]);
  });
});

describe("a run that fails part-way", () => {
  it("leaves the previous results and history untouched", async () => {
    const snapshot = async () => ({
      results: await db.scorecardResult.findMany({ where: { scorecard: { name: "flags-basics" } }, orderBy: { entityId: "asc" } }),
      history: await historyCount("flags-basics"),
    });
    const before = await snapshot();
    expect(before.results).toHaveLength(4);

    // The first batch's outcomes all change, so it would write results and history; the second batch throws.
    const label = findCheck("label")!;
    const evaluate = label.evaluate.bind(label);
    let calls = 0;
    const spy = vi.spyOn(label, "evaluate").mockImplementation((params, facts) => {
      calls++;
      if (calls > 2) throw new Error("second batch fails");
      const outcome = evaluate(params, facts);
      return { passed: !outcome.passed, message: "flipped" };
    });
    try {
      const { runs } = await evaluateScorecards({ trigger: "manual", scorecard: "flags-basics", batchSize: 2 });
      expect(runs).toEqual([{ scorecard: "flags-basics", status: "failed", entities: 0, error: expect.any(String) }]);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(3);

    const failedRun = await db.scorecardRun.findFirstOrThrow({ where: { scorecard: { name: "flags-basics" } }, orderBy: { startedAt: "desc" } });
    expect(failedRun.status).toBe("failed");
    expect(await db.scorecardResult.count({ where: { runId: failedRun.id } })).toBe(0);
    expect(await db.scorecardHistory.count({ where: { runId: failedRun.id } })).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the overview's in-memory copy", () => {
  it("drops a deleted entity without a new run", async () => {
    const totalOf = async () => (await getScorecardOverview("flags-basics", {}))!.total;
    expect(await totalOf()).toBe(4);
    // The entity updated longest ago: deleting it leaves the catalog's latest update time as it was.
    const newest = async () => (await db.entity.aggregate({ _max: { updatedAt: true } }))._max.updatedAt;
    const newestBefore = await newest();
    const oldest = await db.entity.findFirstOrThrow({ where: { kind: "Component" }, orderBy: { updatedAt: "asc" }, select: { id: true } });
    const runsBefore = await db.scorecardRun.count();
    await db.entity.delete({ where: { id: oldest.id } });
    expect(await newest()).toEqual(newestBefore);
    expect(await db.scorecardRun.count()).toBe(runsBefore);
    expect(await totalOf()).toBe(3);
  });
});
