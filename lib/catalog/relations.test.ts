import { describe, expect, it } from "vitest";
import type { CatalogEntity } from "@/lib/catalog/types";
import { RELATION_TYPES, deriveRelations, inverseRelation, type Relation } from "@/lib/catalog/relations";

const entity = (kind: string, name: string, spec: Record<string, unknown>, namespace?: string): CatalogEntity => ({
  apiVersion: kind === "Template" ? "scaffolder.backstage.io/v1beta3" : "backstage.io/v1alpha1",
  kind,
  metadata: namespace ? { name, namespace } : { name },
  spec,
});

const sorted = (relations: Relation[]) =>
  relations.map((r) => `${r.source} ${r.type} ${r.target}`).sort();

describe("relation types", () => {
  it("are Backstage's well-known pairs", () => {
    expect([...RELATION_TYPES].sort()).toEqual(
      [
        "ownedBy",
        "ownerOf",
        "partOf",
        "hasPart",
        "providesApi",
        "apiProvidedBy",
        "consumesApi",
        "apiConsumedBy",
        "dependsOn",
        "dependencyOf",
        "childOf",
        "parentOf",
        "memberOf",
        "hasMember",
      ].sort(),
    );
  });

  it("each has an inverse that leads back to it", () => {
    for (const type of RELATION_TYPES) {
      expect(inverseRelation(inverseRelation(type))).toBe(type);
      expect(inverseRelation(type)).not.toBe(type);
    }
    expect(inverseRelation("ownedBy")).toBe("ownerOf");
    expect(inverseRelation("dependencyOf")).toBe("dependsOn");
  });
});

describe("deriveRelations", () => {
  it("derives every component field in both directions with Backstage's default kinds", () => {
    const relations = deriveRelations(
      entity("Component", "checkout-service", {
        type: "service",
        lifecycle: "production",
        owner: "team-checkout",
        system: "checkout",
        subcomponentOf: "shop",
        providesApis: ["checkout-api"],
        consumesApis: ["cart-api"],
        dependsOn: ["resource:orders-db"],
        dependencyOf: ["component:checkout-web"],
      }),
    );
    const self = "component:default/checkout-service";
    expect(sorted(relations)).toEqual(
      [
        `${self} ownedBy group:default/team-checkout`,
        `group:default/team-checkout ownerOf ${self}`,
        `${self} partOf system:default/checkout`,
        `system:default/checkout hasPart ${self}`,
        `${self} partOf component:default/shop`,
        `component:default/shop hasPart ${self}`,
        `${self} providesApi api:default/checkout-api`,
        `api:default/checkout-api apiProvidedBy ${self}`,
        `${self} consumesApi api:default/cart-api`,
        `api:default/cart-api apiConsumedBy ${self}`,
        `${self} dependsOn resource:default/orders-db`,
        `resource:default/orders-db dependencyOf ${self}`,
        `${self} dependencyOf component:default/checkout-web`,
        `component:default/checkout-web dependsOn ${self}`,
      ].sort(),
    );
  });

  it("uses the entity's namespace for refs without one, and lowercases keys", () => {
    const relations = deriveRelations(
      entity("Component", "Cart", { type: "service", lifecycle: "production", owner: "Team-Checkout", system: "default/Shop" }, "eu"),
    );
    expect(sorted(relations)).toEqual(
      [
        "component:eu/cart ownedBy group:eu/team-checkout",
        "group:eu/team-checkout ownerOf component:eu/cart",
        "component:eu/cart partOf system:default/shop",
        "system:default/shop hasPart component:eu/cart",
      ].sort(),
    );
  });

  it("lets a ref name another kind than the default", () => {
    const relations = deriveRelations(entity("API", "cart-api", { type: "openapi", lifecycle: "production", owner: "user:max", definition: "x" }));
    expect(relations).toContainEqual({ source: "api:default/cart-api", type: "ownedBy", target: "user:default/max" });
    expect(relations).toContainEqual({ source: "user:default/max", type: "ownerOf", target: "api:default/cart-api" });
  });

  it("deduplicates refs that point at the same entity", () => {
    const relations = deriveRelations(
      entity("Component", "bff", {
        type: "service",
        lifecycle: "production",
        owner: "t",
        consumesApis: ["cart-api", "API:default/Cart-API", "api:cart-api"],
      }),
    );
    expect(relations.filter((r) => r.type === "consumesApi")).toEqual([
      { source: "component:default/bff", type: "consumesApi", target: "api:default/cart-api" },
    ]);
    expect(relations.filter((r) => r.type === "apiConsumedBy")).toHaveLength(1);
  });

  it("skips refs that do not parse, leaving them to validation", () => {
    const relations = deriveRelations(
      entity("Component", "c", { type: "service", lifecycle: "production", owner: "group:", dependsOn: ["legacy-erp", 7] }),
    );
    expect(relations).toEqual([]);
  });

  it("derives the relations of the other kinds", () => {
    const cases: [CatalogEntity, string[]][] = [
      [entity("API", "a", { owner: "t", system: "s" }), ["api:default/a ownedBy group:default/t", "api:default/a partOf system:default/s"]],
      [
        entity("Resource", "r", { owner: "t", system: "s", dependsOn: ["resource:k8s"], dependencyOf: ["component:c"] }),
        [
          "resource:default/r ownedBy group:default/t",
          "resource:default/r partOf system:default/s",
          "resource:default/r dependsOn resource:default/k8s",
          "resource:default/r dependencyOf component:default/c",
        ],
      ],
      [entity("System", "s", { owner: "t", domain: "d" }), ["system:default/s ownedBy group:default/t", "system:default/s partOf domain:default/d"]],
      [entity("Domain", "d", { owner: "t", subdomainOf: "top" }), ["domain:default/d ownedBy group:default/t", "domain:default/d partOf domain:default/top"]],
      [
        entity("Group", "g", { type: "team", parent: "p", children: ["c1"], members: ["ada"] }),
        ["group:default/g childOf group:default/p", "group:default/g parentOf group:default/c1", "group:default/g hasMember user:default/ada"],
      ],
      [entity("User", "ada", { memberOf: ["team-platform"] }), ["user:default/ada memberOf group:default/team-platform"]],
      [entity("Template", "tpl", { type: "service", owner: "team-platform", steps: [] }), ["template:default/tpl ownedBy group:default/team-platform"]],
      [entity("Location", "loc", { target: "./a.yaml" }), []],
    ];
    for (const [subject, outgoing] of cases) {
      const self = `${subject.kind.toLowerCase()}:default/${subject.metadata.name}`;
      const relations = deriveRelations(subject);
      expect(sorted(relations.filter((r) => r.source === self))).toEqual([...outgoing].sort());
      // And each one comes back the other way.
      expect(relations).toHaveLength(outgoing.length * 2);
    }
  });

  it("derives nothing from fields that a kind does not have", () => {
    // Backstage only reads system on Component, API and Resource; a Group has no owner.
    expect(deriveRelations(entity("Group", "g", { type: "team", children: [], owner: "x", system: "s" }))).toEqual([]);
  });
});
