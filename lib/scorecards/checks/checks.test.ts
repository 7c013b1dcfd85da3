import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "@/lib/dora/buckets";
import { CHECK_TYPES, CHECKS, findCheck } from "@/lib/scorecards/checks";
import type { DoraWindow, EntityFacts } from "@/lib/scorecards/types";

function facts(overrides: Partial<Omit<EntityFacts, "entity">> & { entity?: Partial<EntityFacts["entity"]> } = {}): EntityFacts {
  const { entity, ...rest } = overrides;
  return {
    entity: {
      id: "e1",
      key: "component:default/checkout",
      kind: "Component",
      type: "service",
      lifecycle: "production",
      owner: "group:default/team-checkout",
      system: "system:default/shop",
      description: "Places orders",
      annotations: {},
      labels: {},
      ...entity,
    },
    ownerIsGroup: true,
    repo: null,
    docsReady: false,
    databases: [],
    dora: () => null,
    ...rest,
  };
}

const repo = (overrides: Partial<NonNullable<EntityFacts["repo"]>> = {}): NonNullable<EntityFacts["repo"]> => ({
  sourceUrl: "https://github.com/acme/checkout",
  hasCiWorkflow: false,
  hasCatalogInfo: false,
  hasDocs: false,
  error: null,
  checkedAt: new Date(),
  ...overrides,
});

/** Runs a check as the evaluation does: params parsed (defaults applied) by the check's own schema. */
function run(type: string, params: Record<string, unknown>, f: EntityFacts) {
  const check = findCheck(type);
  if (!check) throw new Error(`no check ${type}`);
  return check.evaluate(check.params.parse(params), f);
}

describe("the check registry", () => {
  it("registers every check under its own type", () => {
    expect(CHECK_TYPES).toEqual([
      "owner-is-group",
      "has-description",
      "lifecycle-set",
      "has-docs",
      "has-ci-workflow",
      "has-catalog-info",
      "has-flags-project",
      "database-with-backups",
      "dora-tier",
      "annotation",
      "label",
    ]);
    for (const [type, check] of Object.entries(CHECKS)) expect(check.type).toBe(type);
    expect(findCheck("toString")).toBeUndefined();
  });
});

describe("owner-is-group", () => {
  it("passes for a group in the catalog", () => {
    expect(run("owner-is-group", {}, facts())).toEqual({ passed: true, message: "Owned by group:default/team-checkout" });
  });
  it("fails without an owner, for a person, and for a group missing from the catalog", () => {
    expect(run("owner-is-group", {}, facts({ entity: { owner: "" }, ownerIsGroup: false }))).toEqual({ passed: false, message: "No owner is set" });
    expect(run("owner-is-group", {}, facts({ entity: { owner: "user:default/ada" }, ownerIsGroup: false }))).toEqual({ passed: false, message: "Owner user:default/ada is not a group" });
    expect(run("owner-is-group", {}, facts({ entity: { owner: "group:default/team-x" }, ownerIsGroup: false }))).toEqual({
      passed: false,
      message: "Owner group:default/team-x is not in the catalog",
    });
  });
});

describe("has-description", () => {
  it("passes with a description and fails with none or only spaces", () => {
    expect(run("has-description", {}, facts()).passed).toBe(true);
    expect(run("has-description", {}, facts({ entity: { description: "  " } }))).toEqual({ passed: false, message: "No description is set" });
  });
});

describe("lifecycle-set", () => {
  it("passes with any lifecycle, or one from the list", () => {
    expect(run("lifecycle-set", {}, facts())).toEqual({ passed: true, message: 'Lifecycle is "production"' });
    expect(run("lifecycle-set", { in: ["production", "experimental"] }, facts()).passed).toBe(true);
  });
  it("fails without a lifecycle or with one outside the list", () => {
    expect(run("lifecycle-set", {}, facts({ entity: { lifecycle: "" } }))).toEqual({ passed: false, message: "No lifecycle is set" });
    expect(run("lifecycle-set", { in: ["production"] }, facts({ entity: { lifecycle: "beta" } }))).toEqual({
      passed: false,
      message: 'Lifecycle is "beta"; expected one of production',
    });
  });
});

describe("has-docs", () => {
  it("passes with built docs, docs in the repository, or a techdocs-ref annotation", () => {
    expect(run("has-docs", {}, facts({ docsReady: true })).message).toBe("Docs are built and shown on the Docs tab");
    expect(run("has-docs", {}, facts({ repo: repo({ hasDocs: true }) })).message).toBe("Docs found in https://github.com/acme/checkout");
    expect(run("has-docs", {}, facts({ entity: { annotations: { "backstage.io/techdocs-ref": "dir:." } } })).passed).toBe(true);
  });
  it("fails and says why", () => {
    expect(run("has-docs", {}, facts())).toEqual({ passed: false, message: "No backstage.io/techdocs-ref annotation and no repository Pave could read" });
    expect(run("has-docs", {}, facts({ repo: repo() }))).toEqual({ passed: false, message: "No docs/ folder or README found in https://github.com/acme/checkout" });
    expect(run("has-docs", {}, facts({ repo: repo({ error: "repository not found" }) })).message).toContain("repository not found");
    // Declared docs in a repository Pave cannot read do not count.
    const declared = { entity: { annotations: { "backstage.io/techdocs-ref": "dir:." } } };
    expect(run("has-docs", {}, facts({ ...declared, repo: repo({ error: "repository not found" }) })).passed).toBe(false);
  });
});

describe("has-ci-workflow and has-catalog-info", () => {
  it("pass when the repository has the file", () => {
    expect(run("has-ci-workflow", {}, facts({ repo: repo({ hasCiWorkflow: true }) }))).toEqual({ passed: true, message: "CI workflow found in https://github.com/acme/checkout" });
    expect(run("has-catalog-info", {}, facts({ repo: repo({ hasCatalogInfo: true }) }))).toEqual({
      passed: true,
      message: "catalog-info.yaml found in https://github.com/acme/checkout",
    });
  });
  it("fail when it is missing, when the repository was never read, or could not be read", () => {
    expect(run("has-ci-workflow", {}, facts({ repo: repo() }))).toEqual({ passed: false, message: "No CI workflow found in https://github.com/acme/checkout" });
    expect(run("has-catalog-info", {}, facts({ repo: repo() })).message).toBe("No catalog-info.yaml found in https://github.com/acme/checkout");
    expect(run("has-ci-workflow", {}, facts()).message).toMatch(/has not read this entity's repository/);
    const unreadable = facts({ repo: repo({ hasCiWorkflow: true, error: "GitHub answered 404 for acme/checkout" }) });
    expect(run("has-ci-workflow", {}, unreadable)).toEqual({ passed: false, message: "The repository could not be read: GitHub answered 404 for acme/checkout" });
    expect(run("has-catalog-info", {}, unreadable).passed).toBe(false);
  });
});

describe("has-flags-project", () => {
  it("passes with an unleash.io/project-id annotation and fails without", () => {
    expect(run("has-flags-project", {}, facts({ entity: { annotations: { "unleash.io/project-id": "default" } } }))).toEqual({
      passed: true,
      message: 'Flags live in the Unleash project "default"',
    });
    expect(run("has-flags-project", {}, facts())).toEqual({ passed: false, message: "No unleash.io/project-id annotation" });
  });
});

describe("database-with-backups", () => {
  const db = (environment: string, status: string, backupRetentionDays: number) => ({ environment, status, backupRetentionDays });
  it("passes for a provisioned prod database with enough backups (prod and 7 days by default)", () => {
    expect(run("database-with-backups", {}, facts({ databases: [db("prod", "provisioned", 7)] }))).toEqual({
      passed: true,
      message: "The prod database keeps backups for 7 days",
    });
    expect(run("database-with-backups", { environment: "production", minRetentionDays: 14 }, facts({ databases: [db("prod", "provisioned", 7), db("prod", "provisioned", 14)] })).passed).toBe(true);
    expect(run("database-with-backups", { environment: "staging", minRetentionDays: 1 }, facts({ databases: [db("staging", "provisioned", 1)] })).passed).toBe(true);
  });
  it("fails without a request, before provisioning, in another environment, or with too few days", () => {
    expect(run("database-with-backups", {}, facts())).toEqual({ passed: false, message: "No prod database requested through self-service" });
    expect(run("database-with-backups", {}, facts({ databases: [db("prod", "pr_opened", 14)] }))).toEqual({ passed: false, message: "The prod database request is not provisioned yet" });
    expect(run("database-with-backups", {}, facts({ databases: [db("staging", "provisioned", 14)] })).passed).toBe(false);
    expect(run("database-with-backups", { minRetentionDays: 14 }, facts({ databases: [db("prod", "provisioned", 7)] }))).toEqual({
      passed: false,
      message: "The prod database keeps backups for 7 days; at least 14 are required",
    });
  });
});

describe("dora-tier", () => {
  const window = (w: Partial<DoraWindow>) => (days: number) => ({ days, deployments: 0, failedDeployments: 0, leadTimeSeconds: null, restoreSeconds: null, ...w });

  it("passes when the tier is the one asked for or better", () => {
    // 30 deployments in 90 days: a third a day, between daily and weekly = high.
    expect(run("dora-tier", { metric: "deploymentFrequency", atLeast: "high" }, facts({ dora: window({ deployments: 30 }) }))).toEqual({
      passed: true,
      message: "Deployment frequency is high (2.3 deployments per week) over the last 90 days",
    });
    expect(run("dora-tier", { metric: "leadTime", atLeast: "high" }, facts({ dora: window({ deployments: 5, leadTimeSeconds: 30 * 60 }) })).message).toBe(
      "Lead time for changes is elite (median 30 minutes) over the last 90 days",
    );
    expect(run("dora-tier", { metric: "changeFailureRate", atLeast: "high", days: 30 }, facts({ dora: window({ deployments: 20, failedDeployments: 2 }) })).passed).toBe(true);
    expect(run("dora-tier", { metric: "timeToRestore", atLeast: "medium" }, facts({ dora: window({ restoreSeconds: 3 * HOUR }) })).passed).toBe(true);
  });

  it("fails below the tier, and without data", () => {
    expect(run("dora-tier", { metric: "leadTime", atLeast: "high" }, facts({ dora: window({ deployments: 5, leadTimeSeconds: 9 * DAY }) }))).toEqual({
      passed: false,
      message: "Lead time for changes is medium (median 9 days) over the last 90 days; high or better is required",
    });
    expect(run("dora-tier", { metric: "changeFailureRate", atLeast: "high" }, facts({ dora: window({ deployments: 10, failedDeployments: 3 }) })).message).toBe(
      "Change failure rate is low (30% of deployments failed) over the last 90 days; high or better is required",
    );
    expect(run("dora-tier", { metric: "deploymentFrequency", atLeast: "low", days: 30 }, facts())).toEqual({ passed: false, message: "No deployments recorded in the last 30 days" });
    expect(run("dora-tier", { metric: "leadTime", atLeast: "low" }, facts({ dora: window({ deployments: 0, restoreSeconds: HOUR }) })).message).toBe(
      "No deployments recorded in the last 90 days",
    );
    expect(run("dora-tier", { metric: "timeToRestore", atLeast: "low" }, facts({ dora: window({ deployments: 3 }) })).message).toBe(
      "No incidents resolved in the last 90 days, so time to restore service has no value",
    );
  });

  it("grades with the profile asked for", () => {
    // 12 hours: high by the common thresholds, elite by DORA 2023 (< 1 day).
    const f = facts({ dora: window({ deployments: 5, leadTimeSeconds: 12 * HOUR }) });
    expect(run("dora-tier", { metric: "leadTime", atLeast: "elite" }, f).passed).toBe(false);
    expect(run("dora-tier", { metric: "leadTime", atLeast: "elite", profile: "dora-2023" }, f).passed).toBe(true);
  });

  it("asks for the window it grades", () => {
    const check = findCheck("dora-tier")!;
    expect(check.needs?.(check.params.parse({ metric: "leadTime", atLeast: "high", days: 30 }))).toEqual({ doraDays: 30 });
    expect(check.needs?.(check.params.parse({ metric: "leadTime", atLeast: "high" }))).toEqual({ doraDays: 90 });
  });
});

describe("annotation and label", () => {
  const f = facts({ entity: { annotations: { "pagerduty.com/service-id": "P123", empty: "" }, labels: { tier: "1" } } });
  it("pass when the key is present, equal, or one of the values", () => {
    expect(run("annotation", { key: "pagerduty.com/service-id" }, f)).toEqual({ passed: true, message: 'Annotation pagerduty.com/service-id is "P123"' });
    expect(run("label", { key: "tier", equals: "1" }, f).passed).toBe(true);
    expect(run("label", { key: "tier", oneOf: ["1", "2"] }, f).passed).toBe(true);
  });
  it("fail when the key is missing or empty, or the value differs", () => {
    expect(run("annotation", { key: "opsgenie.com/team" }, f)).toEqual({ passed: false, message: "Annotation opsgenie.com/team is not set" });
    expect(run("annotation", { key: "empty" }, f).passed).toBe(false);
    expect(run("label", { key: "tier", equals: "2" }, f)).toEqual({ passed: false, message: 'Label tier is "1"; expected "2"' });
    expect(run("label", { key: "tier", oneOf: ["2", "3"] }, f)).toEqual({ passed: false, message: 'Label tier is "1"; expected one of "2", "3"' });
    expect(run("label", { key: "toString" }, f).passed).toBe(false);
  });
  it("refuse both equals and oneOf", () => {
    expect(findCheck("label")!.params.safeParse({ key: "tier", equals: "1", oneOf: ["1"] }).success).toBe(false);
  });
});
