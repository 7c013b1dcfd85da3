import { describe, expect, it } from "vitest";
import { CatalogRefError, entityRefKey, parseEntityRef, stringifyEntityRef } from "@/lib/catalog/refs";

describe("parseEntityRef", () => {
  it("reads the full kind:namespace/name form", () => {
    expect(parseEntityRef("component:payments/ledger")).toEqual({ kind: "component", namespace: "payments", name: "ledger" });
  });

  it("takes a missing kind from the context and a missing namespace from the context, then default", () => {
    expect(parseEntityRef("team-a", { defaultKind: "Group" })).toEqual({ kind: "Group", namespace: "default", name: "team-a" });
    expect(parseEntityRef("team-a", { defaultKind: "Group", defaultNamespace: "ops" })).toEqual({
      kind: "Group",
      namespace: "ops",
      name: "team-a",
    });
    expect(parseEntityRef("ops/team-a", { defaultKind: "Group", defaultNamespace: "other" })).toEqual({
      kind: "Group",
      namespace: "ops",
      name: "team-a",
    });
    // Backstage treats an empty default namespace as absent.
    expect(parseEntityRef("user:ada", { defaultNamespace: "" }).namespace).toBe("default");
  });

  it("keeps the case of every part", () => {
    expect(parseEntityRef("Component:Shop/CartService")).toEqual({ kind: "Component", namespace: "Shop", name: "CartService" });
  });

  it("splits on the first colon and slash the way Backstage does", () => {
    // A colon after the slash is part of the name.
    expect(parseEntityRef("ops/a:b", { defaultKind: "Component" })).toEqual({ kind: "Component", namespace: "ops", name: "a:b" });
    expect(parseEntityRef("a:b:c")).toEqual({ kind: "a", namespace: "default", name: "b:c" });
    expect(parseEntityRef("a:ns/b/c")).toEqual({ kind: "a", namespace: "ns", name: "b/c" });
  });

  it("accepts the object form", () => {
    expect(parseEntityRef({ name: "ada" }, { defaultKind: "User" })).toEqual({ kind: "User", namespace: "default", name: "ada" });
    expect(parseEntityRef({ kind: "API", namespace: "shop", name: "cart-api" })).toEqual({
      kind: "API",
      namespace: "shop",
      name: "cart-api",
    });
  });

  it.each([
    ["", "must not be empty"],
    [":ledger", "[kind:][namespace/]name"],
    ["component:", "[kind:][namespace/]name"],
    ["/ledger", "[kind:][namespace/]name"],
    ["component:/ledger", "[kind:][namespace/]name"],
    ["component:payments/", "[kind:][namespace/]name"],
  ])("rejects %j with a readable message", (ref, fragment) => {
    expect(() => parseEntityRef(ref, { defaultKind: "Component" })).toThrow(CatalogRefError);
    expect(() => parseEntityRef(ref, { defaultKind: "Component" })).toThrow(fragment);
  });

  it("rejects a reference without a kind when the context has no default kind", () => {
    expect(() => parseEntityRef("legacy-erp")).toThrow(CatalogRefError);
    expect(() => parseEntityRef("legacy-erp")).toThrow('"legacy-erp" has no kind');
    expect(() => parseEntityRef("legacy-erp")).toThrow('"component:legacy-erp"');
  });

  it("rejects empty parts in the object form", () => {
    expect(() => parseEntityRef({ kind: "", name: "x" })).toThrow("has no kind");
    expect(() => parseEntityRef({ kind: "Group", namespace: "", name: "x" })).toThrow("empty namespace");
    expect(() => parseEntityRef({ kind: "Group", name: "" })).toThrow("has no name");
  });
});

describe("stringifyEntityRef and entityRefKey", () => {
  const ref = { kind: "Component", namespace: "Shop", name: "CartService" };

  it("writes kind:namespace/name with only the kind lowercased", () => {
    expect(stringifyEntityRef(ref)).toBe("component:Shop/CartService");
  });

  it("makes a fully lowercased key, so refs differing only in case share one key", () => {
    expect(entityRefKey(ref)).toBe("component:shop/cartservice");
    expect(entityRefKey(parseEntityRef("COMPONENT:shop/cartSERVICE"))).toBe(entityRefKey(ref));
  });

  it("round-trips through parseEntityRef", () => {
    expect(parseEntityRef(stringifyEntityRef(ref))).toEqual({ ...ref, kind: "component" });
  });
});
