import { describe, expect, it } from "vitest";
import { canEditEntity, isOwnerTeamMember, teamOwnerKeys } from "@/lib/catalog/permissions";

describe("team membership", () => {
  const member = { role: "member" as const, groups: ["Team-Checkout", "finance/ledger"] };

  it("matches an identity-provider group to the group of that name in the default namespace only", () => {
    expect(isOwnerTeamMember(member, "group:default/team-checkout")).toBe(true);
    // The same name in another namespace is another team.
    expect(isOwnerTeamMember(member, "group:other/team-checkout")).toBe(false);
    expect(canEditEntity(member, { owner: "group:other/team-checkout" })).toBe(false);
  });

  it("matches a namespaced group name to its namespace", () => {
    expect(isOwnerTeamMember(member, "group:finance/ledger")).toBe(true);
    expect(isOwnerTeamMember(member, "group:default/ledger")).toBe(false);
  });

  it("never matches a non-group owner", () => {
    expect(isOwnerTeamMember({ role: "member", groups: ["ada"] }, "user:default/ada")).toBe(false);
    expect(teamOwnerKeys(member)).toEqual(["group:default/team-checkout", "group:finance/ledger"]);
  });
});
