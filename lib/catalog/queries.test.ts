import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { CatalogEntity } from "@/lib/catalog/types";
import { countFacets, getEntityDetail, searchEntities, toPrefixTsquery } from "@/lib/catalog/queries";
import { catalogQuerySchema } from "@/lib/catalog/schemas";
import { writeEntities } from "@/lib/catalog/store";
import { resetDatabase } from "@/tests/reset";

const OWNERS = ["team-a", "team-b", "team-c"];
const TYPES = ["service", "website", "library"];

function component(i: number): CatalogEntity {
  return {
    apiVersion: "backstage.io/v1alpha1",
    kind: "Component",
    metadata: {
      name: `svc-${String(i).padStart(3, "0")}`,
      title: i === 7 ? "Payments Gateway" : undefined,
      description: i % 10 === 0 ? "Handles refunds and chargebacks" : `Service number ${i}`,
      tags: i % 2 === 0 ? ["java", "even"] : ["go"],
    } as CatalogEntity["metadata"],
    spec: { type: TYPES[i % 3], lifecycle: i % 5 === 0 ? "experimental" : "production", owner: OWNERS[i % 3], ...(i === 1 ? { dependsOn: ["component:svc-002", "resource:missing-db"] } : {}) },
  };
}

const query = (params: Record<string, string | string[]>) => catalogQuerySchema.parse(params);

describe("catalog queries", () => {
  beforeAll(async () => {
    await resetDatabase();
    const entities = Array.from({ length: 103 }, (_, i) => component(i));
    // JSON drops undefined titles, as YAML would.
    await db.$transaction((tx) => writeEntities(tx, JSON.parse(JSON.stringify(entities)), { type: "upload" }));
  });

  it("builds prefix tsqueries from anything typed, without syntax leaking through", () => {
    expect(toPrefixTsquery("Pay gate")).toBe("pay:* & gate:*");
    expect(toPrefixTsquery("a|b & !c:*")).toBe("a:* & b:* & c:*");
    expect(toPrefixTsquery("  --- ")).toBeNull();
  });

  it("finds by name prefix, title, description and tag", async () => {
    expect((await searchEntities(query({ q: "payments gat" }))).rows.map((r) => r.name)).toEqual(["svc-007"]);
    expect((await searchEntities(query({ q: "chargeback" }))).rows).toHaveLength(11);
    expect((await searchEntities(query({ q: "svc-10" }))).rows.map((r) => r.name)).toEqual(["svc-100", "svc-101", "svc-102"]);
    const facets = await countFacets(query({ q: "even" }));
    expect(facets.total).toBe(52);
  });

  it("counts facets under the filters, leaving a facet's own selection out of its counts", async () => {
    const all = await countFacets(query({}));
    expect(all.total).toBe(103);
    expect(all.owner).toEqual(
      expect.arrayContaining([
        { value: "group:default/team-a", count: 35 },
        { value: "group:default/team-b", count: 34 },
        { value: "group:default/team-c", count: 34 },
      ]),
    );
    const filtered = await countFacets(query({ owner: "group:default/team-a", type: "service" }));
    // type=service and owner=team-a select the same rows (i % 3 == 0): 35.
    expect(filtered.total).toBe(35);
    // The owner facet ignores the owner filter but applies type=service.
    expect(filtered.owner).toEqual([{ value: "group:default/team-a", count: 35 }]);
    // The type facet ignores the type filter but applies owner=team-a.
    expect(filtered.type).toEqual([{ value: "service", count: 35 }]);
    expect(filtered.tag.find((t) => t.value === "java")?.count).toBe(18);
  });

  it("pages with keyset cursors: next walks every row once, previous and last agree", async () => {
    const seen: string[] = [];
    let page = await searchEntities(query({}), db, 10);
    expect(page.prev).toBeNull();
    const pages = [page];
    for (;;) {
      seen.push(...page.rows.map((r) => r.name));
      if (!page.next) break;
      page = await searchEntities(query({ after: page.next }), db, 10);
      pages.push(page);
    }
    expect(seen).toHaveLength(103);
    expect(seen).toEqual([...seen].sort());
    expect(pages).toHaveLength(11);

    const back = await searchEntities(query({ before: pages[5]!.prev! }), db, 10);
    expect(back.rows).toEqual(pages[4]!.rows);

    const last = await searchEntities(query({ page: "last" }), db, 10);
    expect(last.rows.map((r) => r.name)).toEqual(seen.slice(-10));
    expect(last.next).toBeNull();
    expect(last.prev).not.toBeNull();
  });

  it("sorts by other columns, both directions, with stable keyset pages", async () => {
    const first = await searchEntities(query({ sort: "owner", dir: "desc" }), db, 40);
    const second = await searchEntities(query({ sort: "owner", dir: "desc", after: first.next! }), db, 40);
    const owners = [...first.rows, ...second.rows].map((r) => r.owner);
    expect(owners).toEqual([...owners].sort().reverse());
    expect(new Set([...first.rows, ...second.rows].map((r) => r.name)).size).toBe(80);
  });

  it("treats a mangled cursor as the first page", async () => {
    const page = await searchEntities(query({ after: "not-a-cursor" }), db, 5);
    expect(page.rows[0]!.name).toBe("svc-000");
  });

  it("loads an entity page with relations both resolved and unresolved", async () => {
    const detail = await getEntityDetail("Component:default/SVC-001");
    expect(detail?.name).toBe("svc-001");
    expect(detail?.relations).toEqual(
      expect.arrayContaining([
        { type: "dependsOn", target: "component:default/svc-002", entity: expect.objectContaining({ name: "svc-002" }) },
        { type: "dependsOn", target: "resource:default/missing-db", entity: null },
        { type: "ownedBy", target: "group:default/team-b", entity: null },
      ]),
    );
    const dependency = await getEntityDetail("component:default/svc-002");
    expect(dependency?.relations).toContainEqual({ type: "dependencyOf", target: "component:default/svc-001", entity: expect.objectContaining({ name: "svc-001" }) });
    expect(await getEntityDetail("component:default/nope")).toBeNull();
  });

  it("keeps the landing page's facet counts exact through inserts, updates and deletes", async () => {
    const direct = async () => {
      const rows = await db.$queryRaw<{ facet: string; value: string; count: number }[]>`
        SELECT 'owner' AS facet, owner AS value, count(*)::int AS count FROM entities WHERE owner <> '' GROUP BY owner
        UNION ALL SELECT 'tag', t, count(*)::int FROM entities CROSS JOIN LATERAL unnest(tags) t GROUP BY t
        UNION ALL SELECT 'kind', kind, count(*)::int FROM entities GROUP BY kind`;
      return rows.map((r) => `${r.facet}|${r.value}|${r.count}`).sort();
    };
    const stored = async () => {
      const rows = await db.catalogFacetCount.groupBy({ by: ["facet", "value"], where: { facet: { in: ["owner", "tag", "kind"] } }, _sum: { count: true } });
      return rows.map((r) => `${r.facet}|${r.value}|${r._sum.count}`).sort();
    };

    expect(await stored()).toEqual(await direct());
    const moved = component(200);
    moved.spec!.owner = "team-new";
    await db.$transaction((tx) => writeEntities(tx, JSON.parse(JSON.stringify([moved, { ...component(5), spec: { ...component(5).spec, owner: "team-new" } }])), { type: "upload" }));
    await db.entity.deleteMany({ where: { name: { in: ["svc-010", "svc-011"] } } });
    expect(await stored()).toEqual(await direct());
    const facets = await countFacets(query({}));
    expect(facets.owner).toContainEqual({ value: "group:default/team-new", count: 2 });
    expect(facets.total).toBe(103 + 1 - 2);
  });

  it("answers a kind-only filter from the kept counts, the same as a scan would", async () => {
    const api: CatalogEntity = {
      apiVersion: "backstage.io/v1alpha1",
      kind: "API",
      metadata: { name: "svc-api", tags: ["rest"] },
      spec: { type: "openapi", lifecycle: "production", owner: "team-z", definition: "openapi: 3.0.0" },
    };
    await db.$transaction((tx) => writeEntities(tx, [api], { type: "upload" }));
    const fromCounts = await countFacets(query({ kind: "API" }));
    expect(fromCounts.owner).toEqual([{ value: "group:default/team-z", count: 1 }]);
    expect(fromCounts.tag).toEqual([{ value: "rest", count: 1 }]);
    expect(fromCounts.kind.map((k) => k.value).sort()).toEqual(["API", "Component"]);
    expect(fromCounts.total).toBe(1);
    // The same filter plus a search goes through the scan path: it must agree.
    const scanned = await countFacets(query({ kind: "API", q: "svc" }));
    expect(scanned.owner).toEqual(fromCounts.owner);
    expect(scanned.total).toBe(1);
  });
});

