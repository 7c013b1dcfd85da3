import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogYaml, summarizeEntity } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { deriveRelations, inverseRelation, type Relation } from "@/lib/catalog/relations";
import { entityRefKey } from "@/lib/catalog/refs";

// The demo org Pave seeds: Acme Shop. Other code and the e2e tests rely on its names.
const DEMO_DIR = path.resolve(import.meta.dirname, "../../prisma/seed/catalog");
const files = readdirSync(DEMO_DIR).filter((file) => file.endsWith(".yaml")).sort();
const parsed = files.map((file) => ({ file, ...parseCatalogYaml(readFileSync(path.join(DEMO_DIR, file), "utf8")) }));
const entities = parsed.flatMap((result) => result.entities);
const summaries = entities.map(summarizeEntity);
const keys = new Set(summaries.map((summary) => summary.key));
const relations = entities.flatMap(deriveRelations);

const ofKind = (kind: string) => entities.filter((entity) => entity.kind === kind);
const byKey = (key: string): CatalogEntity => {
  const found = entities.find((entity) => summarizeEntity(entity).key === key);
  if (!found) throw new Error(`no demo entity ${key}`);
  return found;
};
const has = (source: string, type: Relation["type"], target: string) =>
  relations.some((r) => r.source === source && r.type === type && r.target === target);

// Targets the demo leaves unresolved on purpose, so the UI has a missing entity to show.
const DELIBERATELY_MISSING = new Set(["component:default/legacy-erp"]);

describe("demo org (prisma/seed/catalog)", () => {
  it.each(files)("%s parses with no errors", (file) => {
    expect(parsed.find((result) => result.file === file)?.errors).toEqual([]);
  });

  it("has no entity defined in two files", () => {
    expect(keys.size).toBe(entities.length);
  });

  it("is a realistic small company", () => {
    expect(ofKind("Domain")).toHaveLength(1);
    expect(ofKind("System").length).toBeGreaterThanOrEqual(3);
    expect(ofKind("System").length).toBeLessThanOrEqual(5);
    expect(ofKind("Component").length).toBeGreaterThanOrEqual(22);
    expect(ofKind("API").length).toBeGreaterThanOrEqual(8);
    expect(ofKind("Resource").length).toBeGreaterThanOrEqual(6);

    const componentTypes = new Set(ofKind("Component").map((e) => e.spec?.type));
    expect([...componentTypes]).toEqual(expect.arrayContaining(["service", "website", "library", "documentation"]));
    const lifecycles = new Set(ofKind("Component").map((e) => e.spec?.lifecycle));
    expect([...lifecycles]).toEqual(expect.arrayContaining(["production", "experimental", "deprecated"]));
    const apiTypes = new Set(ofKind("API").map((e) => e.spec?.type));
    expect([...apiTypes]).toEqual(expect.arrayContaining(["openapi", "grpc", "asyncapi"]));
    for (const api of ofKind("API")) expect(String(api.spec?.definition).length).toBeGreaterThan(20);
  });

  it("has the team groups under one root, and every component is owned by a team-* group", () => {
    for (const team of ["team-platform", "team-checkout", "team-payments", "team-storefront", "team-search"]) {
      expect(keys.has(`group:default/${team}`)).toBe(true);
    }
    for (const summary of summaries.filter((s) => s.kind === "Component")) {
      expect(summary.owner).toMatch(/^group:default\/team-[a-z]+$/);
      expect(keys.has(summary.owner ?? "")).toBe(true);
      expect(summary.system).not.toBeNull();
      expect(keys.has(summary.system ?? "")).toBe(true);
    }
    const roots = ofKind("Group").filter((g) => !g.spec?.parent && (g.spec?.children as string[]).length > 0);
    expect(roots.map((g) => g.metadata.name)).toEqual(["acme"]);
  });

  it("has the demo sign-in people with their emails and teams", () => {
    const expected = [
      ["ada", "ada@pave.local", "team-platform"],
      ["pat", "pat@pave.local", "team-platform"],
      ["max", "max@pave.local", "team-checkout"],
    ];
    for (const [name, email, team] of expected) {
      const user = byKey(`user:default/${name}`);
      expect((user.spec?.profile as { email?: string }).email).toBe(email);
      expect(user.spec?.memberOf).toContain(team);
    }
    expect(ofKind("User").length).toBeGreaterThan(3);
  });

  it("uses the well-known annotations on components", () => {
    for (const component of ofKind("Component")) {
      const annotations = component.metadata.annotations ?? {};
      expect(annotations["github.com/project-slug"]).toBe(`acme/${component.metadata.name}`);
      expect(annotations["backstage.io/techdocs-ref"]).toBe("dir:.");
      expect(annotations["backstage.io/source-location"]).toMatch(/^url:https:\/\/github\.com\/acme\//);
    }
  });

  it("has the platform handbook the scorecard's how-to-fix links point at", () => {
    const handbook = byKey("component:default/platform-handbook");
    expect(handbook.spec).toMatchObject({ type: "documentation", lifecycle: "production", owner: "team-platform", system: "platform" });
    expect(handbook.metadata.annotations?.["backstage.io/source-location"]).toBe("url:https://github.com/acme/platform-handbook/tree/main/");
    // The demo repositories (prisma/seed/repos) hold the handbook's pages.
    const pages = path.resolve(import.meta.dirname, "../../prisma/seed/repos/platform-handbook/docs/production-readiness");
    for (const topic of ["index", "ownership", "metadata", "catalog-info", "documentation", "ci", "feature-flags", "databases", "delivery", "on-call"]) {
      expect(readdirSync(pages)).toContain(`${topic}.md`);
    }
  });

  it("spreads flags projects and on-call annotations so scorecard levels differ", () => {
    // Silver asks for both; only some services have them, so the demo shows every level.
    const scored = ofKind("Component").filter((e) => ["service", "website"].includes(String(e.spec?.type)));
    const withFlags = scored.filter((e) => e.metadata.annotations?.["unleash.io/project-id"]);
    const withOnCall = scored.filter((e) => e.metadata.annotations?.["pagerduty.com/service-id"]);
    expect(withFlags.map((e) => e.metadata.name)).toContain("checkout-service");
    expect(withFlags.length).toBeGreaterThanOrEqual(3);
    expect(withFlags.length).toBeLessThan(scored.length / 2);
    expect(withOnCall.length).toBeGreaterThanOrEqual(3);
    expect(withOnCall.length).toBeLessThan(scored.length / 2);
    for (const e of withOnCall) expect(e.metadata.annotations?.["pagerduty.com/service-id"]).toMatch(/^P[A-Z0-9]{6}$/);
  });

  it("has every relation in both directions", () => {
    const all = new Set(relations.map((r) => `${r.source} ${r.type} ${r.target}`));
    for (const r of relations) {
      expect(all.has(`${r.target} ${inverseRelation(r.type)} ${r.source}`), `${r.source} ${r.type} ${r.target}`).toBe(true);
    }
  });

  it("points only at entities that exist, apart from the deliberately missing one", () => {
    const targets = new Set(relations.map((r) => r.target).filter((target) => !keys.has(target)));
    expect([...targets]).toEqual([...DELIBERATELY_MISSING]);
    expect(has("component:default/checkout-service", "dependsOn", "component:default/legacy-erp")).toBe(true);
  });

  it("states group membership the same way from both sides", () => {
    // A user's memberOf and a group's members describe one fact; the demo keeps them in step.
    const fromUsers = relations.filter((r) => r.type === "memberOf" && r.source.startsWith("user:"));
    const fromGroups = relations.filter((r) => r.type === "hasMember" && r.source.startsWith("group:"));
    const key = (user: string, group: string) => `${user} ${group}`;
    expect(new Set(fromUsers.map((r) => key(r.source, r.target)))).toEqual(new Set(fromGroups.map((r) => key(r.target, r.source))));
  });

  it("derives the relations the portal shows", () => {
    const checkout = "component:default/checkout-service";
    const teamCheckout = "group:default/team-checkout";
    expect(has(checkout, "ownedBy", teamCheckout)).toBe(true);
    expect(has(teamCheckout, "ownerOf", checkout)).toBe(true);
    expect(has(checkout, "partOf", "system:default/checkout")).toBe(true);
    expect(has("system:default/checkout", "hasPart", checkout)).toBe(true);
    expect(has(checkout, "providesApi", "api:default/checkout-api")).toBe(true);
    expect(has("api:default/checkout-api", "apiProvidedBy", checkout)).toBe(true);
    expect(has(checkout, "consumesApi", "api:default/payments-api")).toBe(true);
    expect(has("api:default/payments-api", "apiConsumedBy", checkout)).toBe(true);
    expect(has(checkout, "dependsOn", "resource:default/orders-db")).toBe(true);
    expect(has("resource:default/orders-db", "dependencyOf", checkout)).toBe(true);

    expect(has("user:default/ada", "memberOf", "group:default/team-platform")).toBe(true);
    expect(has("group:default/team-platform", "hasMember", "user:default/ada")).toBe(true);
    expect(has("user:default/max", "memberOf", teamCheckout)).toBe(true);

    expect(has(teamCheckout, "childOf", "group:default/engineering")).toBe(true);
    expect(has("group:default/engineering", "parentOf", teamCheckout)).toBe(true);
    expect(has("group:default/engineering", "childOf", "group:default/acme")).toBe(true);

    expect(has("component:default/fraud-scoring", "partOf", "component:default/payments-gateway")).toBe(true);
    expect(has("system:default/payments", "partOf", "domain:default/commerce")).toBe(true);
    expect(has("domain:default/commerce", "hasPart", "system:default/payments")).toBe(true);
    expect(has("api:default/payments-api", "partOf", "system:default/payments")).toBe(true);
    // dependencyOf written on the library shows up as dependsOn on the service.
    expect(has("component:default/checkout-service", "dependsOn", "component:default/tax-rules")).toBe(true);
    expect(has("resource:default/order-events-topic", "dependsOn", "resource:default/kafka-cluster")).toBe(true);
  });

  it("keys every entity the way refs to it are keyed", () => {
    for (const summary of summaries) {
      expect(summary.key).toBe(entityRefKey({ kind: summary.kind, namespace: summary.namespace, name: summary.name }));
    }
  });
});
