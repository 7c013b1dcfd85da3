// npm run bench:catalog — seeds a catalog of 100,000 components, 20,000 APIs and 2,000
// groups (about 440,000 relation rows) into a fresh database on the local PostgreSQL,
// then times the catalog's hot queries and a 10,000-entity import.
// Prints p50/p95 and throughput per operation. Never part of the test suite.
import { performance } from "node:perf_hooks";
import pg from "pg";

const BENCH_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pave_bench";
const target = new URL(BENCH_URL);
if (!["127.0.0.1", "localhost"].includes(target.hostname)) throw new Error("The benchmark only runs against a local PostgreSQL.");
process.env.DATABASE_URL = BENCH_URL;

const RUNS = Number(process.env.BENCH_RUNS ?? 60);

const { createMigratedDatabase } = await import("../../tests/database.ts");
const { db } = await import("../../lib/db.ts");
const { writeEntities } = await import("../../lib/catalog/store.ts");
const { catalogSizeFromEnv, seedCatalog } = await import("./seed-catalog.ts");
const { parseCatalogYaml } = await import("../../lib/catalog/descriptor.ts");
const { toCatalogYaml } = await import("../../lib/catalog/export.ts");
const { countFacets, getEntityDetail, searchEntities } = await import("../../lib/catalog/queries.ts");
const { catalogQuerySchema } = await import("../../lib/catalog/schemas.ts");

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const total = samples.reduce((s, v) => s + v, 0);
  return { p50: at(0.5), p95: at(0.95), perSecond: (samples.length / total) * 1000 };
}

const results: { name: string; p50: number; p95: number; perSecond: number; target: string }[] = [];

async function measure(name: string, targetMs: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await run(i); // warm caches and plans
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  const s = stats(samples);
  results.push({ name, ...s, target: `p95 ≤ ${targetMs} ms ${s.p95 <= targetMs ? "✓" : "✗"}` });
}

console.log(`Fresh database ${target.pathname.slice(1)} on ${target.host}`);
await createMigratedDatabase(target.pathname.slice(1));

const { fixture, apiNames } = await seedCatalog(catalogSizeFromEnv());

const admin = new pg.Client({ connectionString: BENCH_URL });
await admin.connect();
await admin.query("VACUUM ANALYZE entities");
await admin.query("VACUUM ANALYZE relations");
const counts = (await admin.query("SELECT (SELECT count(*) FROM entities) AS entities, (SELECT count(*) FROM relations) AS relations")).rows[0];
console.log(`catalog: ${Number(counts.entities).toLocaleString("en")} entities, ${Number(counts.relations).toLocaleString("en")} relation rows\n`);

const q = (params: Record<string, string | string[]>) => catalogQuerySchema.parse(params);
const searches = ["payments", "check", "billing gateway", "svc-ledger-12", "fraud notify", "tier", "orders api", "invent"];
await measure("full-text search (page 1 of results)", 50, (i) => searchEntities(q({ q: searches[i % searches.length]! })));
await measure("facet counts, no filter", 100, () => countFacets(q({})));
await measure("facet counts, search + 2 filters", 100, (i) => countFacets(q({ q: searches[i % searches.length]!, kind: "Component", lifecycle: "production" })));
await measure("facet counts, one broad filter (kind=Component)", 100, () => countFacets(q({ kind: "Component" })));
await measure("facet counts, one broad filter (lifecycle=production)", 100, () => countFacets(q({ lifecycle: "production" })));
await measure("list page 1", 50, () => searchEntities(q({})));

// The cursor of page 400 (rows 9,976–10,000 by name), found once outside the timing.
const row = (await admin.query("SELECT id, name FROM entities ORDER BY name, id OFFSET $1 LIMIT 1", [399 * 25 - 1])).rows[0];
const page400 = Buffer.from(JSON.stringify([row.name, row.name, row.id])).toString("base64url");
await measure("list page 400 (keyset cursor)", 50, () => searchEntities(q({ after: page400 })));
await measure("list last page", 50, () => searchEntities(q({ page: "last" })));
await measure("list page 1 sorted by owner, filtered by kind", 50, () => searchEntities(q({ sort: "owner", kind: "Component" })));
const keys = (await admin.query("SELECT key FROM entities WHERE kind = 'Component' ORDER BY random() LIMIT 100")).rows.map((r) => r.key as string);
await measure("entity page data", 30, (i) => getEntityDetail(keys[i % keys.length]!));

// A 10,000-entity import: YAML text in, parsed, validated and written in one transaction.
const fresh = Array.from({ length: 10_000 }, (_, i) => fixture.component(i, apiNames, "imp"));
const yaml = toCatalogYaml(fresh);
const importStart = performance.now();
const parsed = parseCatalogYaml(yaml, { maxDocuments: 10_000, maxBytes: 64 * 1024 * 1024, maxImportBytes: 64 * 1024 * 1024 });
if (parsed.errors.length) throw new Error(`import data invalid: ${JSON.stringify(parsed.errors[0])}`);
const parsedMs = performance.now() - importStart;
await db.$transaction((tx) => writeEntities(tx, parsed.entities, { type: "upload" }), { timeout: 600_000 });
const importMs = performance.now() - importStart;
await admin.end();

console.log("operation".padEnd(48), "p50 ms".padStart(8), "p95 ms".padStart(8), "ops/s".padStart(8), "  target");
for (const r of results) {
  console.log(r.name.padEnd(48), r.p50.toFixed(1).padStart(8), r.p95.toFixed(1).padStart(8), r.perSecond.toFixed(0).padStart(8), " ", r.target);
}
console.log(
  `\nimport of 10,000 entities: ${(importMs / 1000).toFixed(2)} s (parse and validate ${(parsedMs / 1000).toFixed(2)} s), ` +
    `${Math.round(10_000 / (importMs / 1000)).toLocaleString("en")} entities/s  target ≤ 20 s ${importMs <= 20_000 ? "✓" : "✗"}`,
);
console.log(`runs per operation: ${RUNS} after 5 warm-ups; machine: ${(await import("node:os")).cpus().length} cores`);
await db.$disconnect();
