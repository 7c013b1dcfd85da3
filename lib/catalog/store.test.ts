import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { toCatalogYaml } from "@/lib/catalog/export";
import { inverseRelation, type RelationType } from "@/lib/catalog/relations";
import { importCatalogYaml } from "@/lib/catalog/mutations";
import { CatalogImportError, writeEntities } from "@/lib/catalog/store";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const demoDir = path.resolve(import.meta.dirname, "../../prisma/seed/catalog");
const demoYaml = readdirSync(demoDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => readFileSync(path.join(demoDir, f), "utf8"))
  .join("\n---\n");

async function resetCatalog() {
  await resetDatabase();
}

async function storedRelations() {
  const rows = await db.$queryRaw<{ source: string; type: string; target: string }[]>`SELECT DISTINCT source, type, target FROM relations`;
  return new Set(rows.map((r) => `${r.source}|${r.type}|${r.target}`));
}

async function storedDescriptors(): Promise<CatalogEntity[]> {
  const rows = await db.entity.findMany({ orderBy: { key: "asc" }, select: { apiVersion: true, kind: true, metadata: true, spec: true } });
  return rows.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, metadata: r.metadata as CatalogEntity["metadata"], ...(r.spec ? { spec: r.spec as Record<string, unknown> } : {}) }));
}

describe("the demo org in Postgres", () => {
  beforeAll(async () => {
    await resetCatalog();
    const { entities, errors } = parseCatalogYaml(demoYaml);
    expect(errors).toEqual([]);
    await db.$transaction((tx) => writeEntities(tx, entities, { type: "upload" }), { timeout: 60_000 });
  });

  it("is a realistic small org: systems, 20+ components, APIs, resources, groups and users", async () => {
    const counts = Object.fromEntries(
      (await db.entity.groupBy({ by: ["kind"], _count: { _all: true } })).map((g) => [g.kind, g._count._all]),
    );
    expect(counts.Component).toBeGreaterThanOrEqual(20);
    expect(counts.System).toBeGreaterThanOrEqual(3);
    expect(counts.API).toBeGreaterThanOrEqual(5);
    expect(counts.Resource).toBeGreaterThanOrEqual(3);
    expect(counts.Group).toBeGreaterThanOrEqual(3);
    expect(counts.User).toBeGreaterThanOrEqual(3);
  });

  it("stores every relation in both directions", async () => {
    const relations = await storedRelations();
    expect(relations.size).toBeGreaterThan(50);
    const missing = [...relations].filter((r) => {
      const [source, type, target] = r.split("|") as [string, RelationType, string];
      return !relations.has(`${target}|${inverseRelation(type)}|${source}`);
    });
    expect(missing).toEqual([]);
    for (const type of ["ownedBy", "ownerOf", "partOf", "hasPart", "providesApi", "apiProvidedBy", "consumesApi", "apiConsumedBy", "dependsOn", "dependencyOf", "childOf", "parentOf", "memberOf", "hasMember"]) {
      expect([...relations].some((r) => r.split("|")[1] === type), `no ${type} relation in the demo org`).toBe(true);
    }
  });

  it("keeps relations to entities that do not exist, as unresolved", async () => {
    const unresolved = await db.$queryRaw<{ target: string }[]>`
      SELECT DISTINCT r.target FROM relations r LEFT JOIN entities e ON e.key = r.target WHERE e.id IS NULL`;
    expect(unresolved.length).toBeGreaterThan(0);
  });

  it("round-trips: exporting every entity and importing the export changes nothing", async () => {
    const before = await storedDescriptors();
    const relationsBefore = await storedRelations();
    const exported = toCatalogYaml(before);
    const reparsed = parseCatalogYaml(exported);
    expect(reparsed.errors).toEqual([]);
    await db.$transaction((tx) => writeEntities(tx, reparsed.entities, { type: "upload" }), { timeout: 60_000 });
    expect(await storedDescriptors()).toEqual(before);
    expect(await storedRelations()).toEqual(relationsBefore);
  });
});

describe("importCatalogYaml", () => {
  const good = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-a
`;

  it("is all or nothing: one bad document means nothing is written, and each problem is named", async () => {
    await resetCatalog();
    const platform = await createUser({ role: "platform" });
    const yaml = [good("first-ok"), good("Bad Name!"), good("third-ok").replace("  owner: team-a\n", "")].join("---\n");
    const error = await importCatalogYaml(platform, yaml).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogImportError);
    const details = (error as CatalogImportError).details.join("\n");
    expect(details).toMatch(/Document 2, metadata\.name/);
    expect(details).toMatch(/Document 3, spec\.owner/);
    expect(await db.entity.count()).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "catalog.import", actorId: platform.id } })).toBe(0);
  });

  it("writes a valid file with an audit entry, and refuses members", async () => {
    await resetCatalog();
    const platform = await createUser({ role: "platform" });
    const summary = await importCatalogYaml(platform, [good("svc-one"), good("svc-two")].join("---\n"));
    expect(summary.created.sort()).toEqual(["component:default/svc-one", "component:default/svc-two"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "catalog.import", actorId: platform.id } });
    expect(audit.data).toMatchObject({ created: 2 });

    const member = await createUser({ role: "member", groups: ["team-a"] });
    await expect(importCatalogYaml(member, good("svc-three"))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.entity.count({ where: { name: "svc-three" } })).toBe(0);
  });
});
