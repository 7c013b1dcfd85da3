import { describe, expect, it } from "vitest";
import { flagAccess, prefixCandidates, resolveFlagOwner, type FlagService } from "@/lib/flags/ownership";

const service = (name: string, owner: string, projectId = "default", namespace = "default"): FlagService => ({
  key: `component:${namespace}/${name}`.toLowerCase(),
  name,
  title: "",
  owner: `group:default/${owner}`,
  projectId,
});

// Two teams' services in one shared Unleash project, as the templates and the demo set them up.
const services = [
  service("checkout", "team-checkout"),
  service("checkout-service", "team-checkout"),
  service("payments", "team-payments"),
  service("search", "team-search"),
  service("ledger", "team-ledger", "finance"),
];
const member = (...groups: string[]) => ({ role: "member" as const, groups });

describe("flag ownership", () => {
  it("lists the prefixes a flag name could belong to", () => {
    expect(prefixCandidates("checkout-service.new-flow")).toEqual(["checkout", "checkout-service", "checkout-service.new"]);
    expect(prefixCandidates("plain")).toEqual([]);
  });

  it("gives a flag to the service whose name is its longest prefix in the same project", () => {
    expect(resolveFlagOwner({ name: "checkout-service.new-flow" }, "default", services)).toMatchObject({ service: { name: "checkout-service" }, via: "prefix" });
    expect(resolveFlagOwner({ name: "checkout.express" }, "default", services)).toMatchObject({ service: { name: "checkout" }, via: "prefix" });
    expect(resolveFlagOwner({ name: "Search-Ranking" }, "default", services)).toMatchObject({ service: { name: "search" } });
    // The prefix must end at "." or "-": "searchlight" is not search's.
    expect(resolveFlagOwner({ name: "searchlight" }, "default", services)).toEqual({ service: null, reason: "unowned" });
    // A service of another project cannot claim a flag by name.
    expect(resolveFlagOwner({ name: "ledger.close-month" }, "default", services)).toEqual({ service: null, reason: "unowned" });
  });

  it("lets a pave-service tag decide, and refuses tags naming no service of the project or two", () => {
    const tagged = resolveFlagOwner({ name: "checkout.express", tags: [{ type: "pave-service", value: "component:default/search" }] }, "default", services);
    expect(tagged).toMatchObject({ service: { name: "search" }, via: "tag" });
    expect(resolveFlagOwner({ name: "new-cart", tags: [{ type: "pave-service", value: "search" }] }, "default", services)).toMatchObject({ service: { name: "search" } });
    expect(resolveFlagOwner({ name: "search.x", tags: [{ type: "pave-service", value: "ledger" }] }, "default", services)).toMatchObject({ service: null, reason: "unknown-tag" });
    expect(
      resolveFlagOwner({ name: "x", tags: [{ type: "pave-service", value: "search" }, { type: "pave-service", value: "checkout" }] }, "default", services),
    ).toMatchObject({ service: null, reason: "ambiguous" });
    // Other tag types are ignored.
    expect(resolveFlagOwner({ name: "search.x", tags: [{ type: "simple", value: "checkout" }] }, "default", services)).toMatchObject({ service: { name: "search" } });
  });

  it("does not let a new service of another team take a flag by a longer name", () => {
    // team-checkout's checkout-service.x-y flags stay theirs only while no other team's name is a longer prefix.
    const withIntruder = [...services, service("checkout-new", "team-search")];
    expect(resolveFlagOwner({ name: "checkout-new-flow" }, "default", withIntruder)).toMatchObject({ service: null, reason: "ambiguous" });
    expect(flagAccess(member("team-search"), resolveFlagOwner({ name: "checkout-new-flow" }, "default", withIntruder)).editable).toBe(false);
    // The same team's longer name is fine.
    const sameTeam = [...services, service("checkout-new", "team-checkout")];
    expect(resolveFlagOwner({ name: "checkout-new-flow" }, "default", sameTeam)).toMatchObject({ service: { name: "checkout-new" }, via: "prefix" });
  });

  it("treats the same service name in two namespaces as ambiguous", () => {
    const twins = [service("billing", "team-a"), service("billing", "team-b", "default", "other")];
    expect(resolveFlagOwner({ name: "billing.v2" }, "default", twins)).toMatchObject({ service: null, reason: "ambiguous" });
  });

  it("lets members switch only their team's flags; flags of no service are read-only for them", () => {
    const theirs = resolveFlagOwner({ name: "payments.new-flow" }, "default", services);
    const unowned = resolveFlagOwner({ name: "global-banner" }, "default", services);
    // Owning "checkout" must not open "payments"' flags, though both share the project.
    expect(flagAccess(member("team-checkout"), theirs)).toMatchObject({ editable: false, reason: expect.stringContaining("owned by team-payments") });
    expect(flagAccess(member("team-payments"), theirs)).toEqual({ ownership: theirs, editable: true, reason: null });
    expect(flagAccess(member("team-checkout", "team-search"), unowned)).toMatchObject({ editable: false, reason: expect.stringContaining("belongs to no service") });
    expect(flagAccess({ role: "platform", groups: [] }, unowned).editable).toBe(true);
    expect(flagAccess({ role: "admin", groups: [] }, theirs).editable).toBe(true);
  });
});
