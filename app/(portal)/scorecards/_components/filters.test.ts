import { describe, expect, it } from "vitest";
import { csvHref, overviewHref, parseOverviewState, scorecardFilterSchema, scorecardHref, scorecardNameSchema } from "./filters";

describe("scorecard overview URL state", () => {
  it("reads filters, level and page, and drops what it can't read", () => {
    expect(parseOverviewState({ owner: "Group:default/Team-Checkout", system: "", lifecycle: "production", level: "gold", page: "3" })).toEqual({
      owner: "group:default/team-checkout",
      system: undefined,
      lifecycle: "production",
      level: "gold",
      page: 3,
    });
    expect(parseOverviewState({ owner: "not a ref", lifecycle: "prod\u0000uction", level: "Gold!", page: "-2" })).toEqual({
      owner: undefined,
      system: undefined,
      lifecycle: undefined,
      level: undefined,
      page: 1,
    });
    expect(parseOverviewState({ owner: ["group:default/a", "group:default/b"] }).owner).toBe("group:default/a");
  });

  it("keeps the filters in links and goes back to page one when they change", () => {
    const state = parseOverviewState({ owner: "group:default/team-a", level: "silver", page: "2" });
    expect(overviewHref("production-readiness", state, { page: 3 })).toBe(
      "/scorecards/production-readiness?owner=group%3Adefault%2Fteam-a&level=silver&page=3",
    );
    expect(overviewHref("production-readiness", state, { level: undefined })).toBe("/scorecards/production-readiness?owner=group%3Adefault%2Fteam-a");
    expect(overviewHref("production-readiness", parseOverviewState({}))).toBe("/scorecards/production-readiness");
    expect(csvHref("production-readiness", state)).toBe("/api/scorecards/production-readiness/csv?owner=group%3Adefault%2Fteam-a");
  });

  it("refuses malformed CSV filters and names", () => {
    expect(scorecardFilterSchema.safeParse({ owner: "group:default/team-a", lifecycle: "production" })).toEqual({
      success: true,
      data: { owner: "group:default/team-a", lifecycle: "production" },
    });
    expect(scorecardFilterSchema.safeParse({ system: "oops" }).error?.issues).toEqual([expect.objectContaining({ path: ["system"] })]);
    expect(scorecardFilterSchema.safeParse({ owner: "" })).toEqual({ success: true, data: {} });
    expect(scorecardNameSchema.safeParse("production-readiness").success).toBe(true);
    expect(scorecardNameSchema.safeParse("../etc").success).toBe(false);
  });
});

describe("the list's link to a scorecard", () => {
  const lastRun = { status: "succeeded" };
  it("links a scorecard that has a page", () => {
    expect(scorecardHref({ name: "production-readiness", error: null, lastRun: null })).toBe("/scorecards/production-readiness");
    expect(scorecardHref({ name: "production-readiness", error: null, lastRun })).toBe("/scorecards/production-readiness");
    // Refused after it ran: its last results are still worth a look.
    expect(scorecardHref({ name: "production-readiness", error: "x.yaml: spec: is required", lastRun })).toBe("/scorecards/production-readiness");
  });

  it("does not link a refused file stored under its file name, nor a refused scorecard that never ran", () => {
    expect(scorecardHref({ name: "x.yaml", error: "x.yaml: (yaml): invalid YAML", lastRun: null })).toBeNull();
    expect(scorecardHref({ name: "x.yaml", error: "x.yaml: (yaml): invalid YAML", lastRun })).toBeNull();
    expect(scorecardHref({ name: "readiness", error: "readiness.yaml: spec: is required", lastRun: null })).toBeNull();
  });
});
