import { describe, expect, it } from "vitest";
import { hasRole, readGroupsClaim, resolveRole } from "@/lib/auth/roles";

const config = {
  adminEmails: ["Boss@Example.com"],
  adminGroups: ["pave-admins"],
  platformEmails: [],
  platformGroups: ["Platform-Team"],
};

describe("resolveRole", () => {
  it("grants admin by email (any case) or by group", () => {
    expect(resolveRole({ email: "boss@example.com", groups: [] }, config)).toBe("admin");
    expect(resolveRole({ email: "x@example.com", groups: ["pave-admins", "platform-team"] }, config)).toBe("admin");
  });

  it("grants platform by group, ignoring case", () => {
    expect(resolveRole({ email: "x@example.com", groups: ["platform-team"] }, config)).toBe("platform");
  });

  it("gives everyone else member, including people without an email", () => {
    expect(resolveRole({ email: "x@example.com", groups: ["team-checkout"] }, config)).toBe("member");
    expect(resolveRole({ email: null, groups: [] }, config)).toBe("member");
  });
});

describe("hasRole", () => {
  it("orders member < platform < admin", () => {
    expect(hasRole("admin", "platform")).toBe(true);
    expect(hasRole("platform", "platform")).toBe(true);
    expect(hasRole("platform", "admin")).toBe(false);
    expect(hasRole("member", "platform")).toBe(false);
  });
});

describe("readGroupsClaim", () => {
  it("reads a list, a comma string, or nothing", () => {
    expect(readGroupsClaim({ groups: ["a", "b", "a", 3] }, "groups")).toEqual(["a", "b"]);
    expect(readGroupsClaim({ roles: "a, b,," }, "roles")).toEqual(["a", "b"]);
    expect(readGroupsClaim({}, "groups")).toEqual([]);
    expect(readGroupsClaim(undefined, "groups")).toEqual([]);
  });
});
