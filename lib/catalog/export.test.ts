import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { toCatalogYaml } from "@/lib/catalog/export";

const DEMO_DIR = path.resolve(import.meta.dirname, "../../prisma/seed/catalog");

function readDemoEntities(): CatalogEntity[] {
  return readdirSync(DEMO_DIR)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) => parseCatalogYaml(readFileSync(path.join(DEMO_DIR, file), "utf8")).entities);
}

const component: CatalogEntity = {
  apiVersion: "backstage.io/v1alpha1",
  kind: "Component",
  metadata: { name: "cart-service" },
  spec: { type: "service", lifecycle: "production", owner: "team-checkout" },
};

describe("toCatalogYaml", () => {
  it("round-trips the demo org exactly", () => {
    const entities = readDemoEntities();
    expect(entities.length).toBeGreaterThan(50);
    const again = parseCatalogYaml(toCatalogYaml(entities));
    expect(again.errors).toEqual([]);
    expect(again.entities).toEqual(entities);
  });

  it("writes one YAML document per entity", () => {
    const text = toCatalogYaml([component, { ...component, metadata: { name: "other" } }]);
    expect(parseAllDocuments(text)).toHaveLength(2);
    expect(toCatalogYaml([])).toBe("");
  });

  it("writes keys in Backstage's order: envelope first, then name and the other metadata", () => {
    const scrambled = {
      spec: { type: "service", owner: "t", lifecycle: "production" },
      metadata: { "acme.example/extra": "x", tags: ["go"], description: "Carts.", name: "cart-service", title: "Cart" },
      kind: "Component",
      apiVersion: "backstage.io/v1alpha1",
    } as CatalogEntity;
    const text = toCatalogYaml([scrambled]);
    expect(text.split("\n").filter((line) => /^\S/.test(line))).toEqual(["apiVersion: backstage.io/v1alpha1", "kind: Component", "metadata:", "spec:"]);
    const metadataKeys = Object.keys(parse(text).metadata);
    expect(metadataKeys).toEqual(["name", "title", "description", "tags", "acme.example/extra"]);
    // The spec keeps the order its author chose.
    expect(Object.keys(parse(text).spec)).toEqual(["type", "owner", "lifecycle"]);
  });

  it("leaves out empty and undefined values Pave may have filled in", () => {
    const withBlanks = {
      ...component,
      metadata: { name: "cart-service", namespace: undefined, title: "", description: undefined, tags: [], labels: {}, annotations: {}, links: [] },
      spec: { ...component.spec, system: undefined },
    } as CatalogEntity;
    const text = toCatalogYaml([withBlanks]);
    expect(parse(text)).toEqual(component);
    expect(text).not.toMatch(/null|\[\]|\{\}|system|tags|title/);
  });

  it("writes nothing Backstage would not: no extra root keys, no invented namespace or spec", () => {
    const stored = { ...component, relations: [{ type: "ownedBy" }], id: "cuid123", status: {} } as CatalogEntity;
    expect(Object.keys(parse(toCatalogYaml([stored])))).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(parse(toCatalogYaml([component])).metadata).toEqual({ name: "cart-service" });
    const noSpec = { apiVersion: "backstage.io/v1alpha1", kind: "Location", metadata: { name: "l" } } as CatalogEntity;
    expect(parse(toCatalogYaml([noSpec]))).toEqual(noSpec);
  });

  it("keeps text that looks like other YAML types as text, and multi-line text exactly", () => {
    const tricky: CatalogEntity = {
      ...component,
      metadata: {
        name: "tricky",
        description: "yes: no # not a comment",
        labels: { version: "1.0", enabled: "true" },
        annotations: { "acme.example/empty": "", "acme.example/null": "null", "acme.example/number": "0x1F", "acme.example/long": "x".repeat(300) },
      },
      spec: { ...component.spec, definition: "line one\n  indented: true\n\ntrailing\n", flag: true, count: 3, nothing: null },
    };
    const again = parseCatalogYaml(toCatalogYaml([tricky]));
    expect(again.errors).toEqual([]);
    expect(again.entities).toEqual([tricky]);
    // Long values stay on one line rather than being folded.
    expect(toCatalogYaml([tricky])).toContain(`acme.example/long: ${"x".repeat(300)}`);
  });

  it("writes each shared object in full rather than as a YAML alias", () => {
    const shared = ["team-a", "team-b"];
    const group: CatalogEntity = {
      apiVersion: "backstage.io/v1alpha1",
      kind: "Group",
      metadata: { name: "g" },
      spec: { type: "team", children: shared, members: shared },
    };
    const text = toCatalogYaml([group]);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parseCatalogYaml(text).entities).toEqual([group]);
  });
});
