// The benchmark catalog: groups in a tree of teams, APIs, and components with owners,
// systems, tags and one more relation each. Deterministic, so every run seeds the same
// catalog. Used by bench:catalog and bench:load.
import { performance } from "node:perf_hooks";
import { db } from "../../lib/db.ts";
import { writeEntities } from "../../lib/catalog/store.ts";
import type { CatalogEntity } from "../../lib/catalog/types.ts";

export type CatalogSize = { components: number; apis: number; groups: number };

/** The catalog sizes from BENCH_COMPONENTS, BENCH_APIS and BENCH_GROUPS (default 100,000 / 20,000 / 2,000). */
export function catalogSizeFromEnv(): CatalogSize {
  return {
    components: Number(process.env.BENCH_COMPONENTS ?? 100_000),
    apis: Number(process.env.BENCH_APIS ?? 20_000),
    groups: Number(process.env.BENCH_GROUPS ?? 2_000),
  };
}

const WORDS = ["payments", "checkout", "search", "billing", "orders", "catalog", "shipping", "identity", "ledger", "pricing", "inventory", "fraud", "gateway", "notify", "reports", "loyalty"];
const TYPES = ["service", "website", "library", "worker"];
const LIFECYCLES = ["production", "experimental", "deprecated"];
const TAGS = ["java", "go", "node", "python", "kafka", "grpc", "rest", "pci", "gdpr", "tier-1", "tier-2", "beta"];
const SYSTEMS = Array.from({ length: 200 }, (_, i) => `system-${i}`);

/** The name of the i-th component: `svc-payments-0`, `svc-checkout-1`, … */
export const componentName = (prefix: string, i: number) => `${prefix}-${WORDS[i % WORDS.length]}-${i}`;

/**
 * A generator of the benchmark catalog. Its pseudo-random numbers continue from one call
 * to the next, so entities made after the catalog (an import) differ from it.
 */
export function createCatalogFixture(size: CatalogSize) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;

  const group = (i: number): CatalogEntity => ({
    apiVersion: "backstage.io/v1alpha1",
    kind: "Group",
    metadata: { name: `team-${i}`, title: `Team ${pick(WORDS)} ${i}` },
    spec: { type: "team", children: [], ...(i > 0 ? { parent: `team-${Math.floor(i / 10)}` } : {}) },
  });

  const api = (i: number): CatalogEntity => ({
    apiVersion: "backstage.io/v1alpha1",
    kind: "API",
    metadata: { name: `${pick(WORDS)}-api-${i}`, description: `The ${pick(WORDS)} API, version ${1 + (i % 4)}`, tags: [pick(TAGS)] },
    spec: { type: "openapi", lifecycle: pick(LIFECYCLES), owner: `team-${i % size.groups}`, definition: "openapi: 3.0.0" },
  });

  const component = (i: number, apiNames: string[], prefix = "svc"): CatalogEntity => {
    const link = rand();
    return {
      apiVersion: "backstage.io/v1alpha1",
      kind: "Component",
      metadata: {
        name: componentName(prefix, i),
        title: `${pick(WORDS)} ${pick(WORDS)} ${i}`,
        description: `Handles ${pick(WORDS)} and ${pick(WORDS)} for the ${pick(WORDS)} domain`,
        tags: [pick(TAGS), pick(TAGS)].filter((t, k, all) => all.indexOf(t) === k),
      },
      spec: {
        type: pick(TYPES),
        lifecycle: pick(LIFECYCLES),
        owner: `team-${Math.floor(rand() * size.groups)}`,
        system: pick(SYSTEMS),
        // One more relation per component: a dependency, or an API it provides or consumes.
        ...(link < 0.4
          ? { dependsOn: [`component:${componentName(prefix, Math.floor(rand() * size.components))}`] }
          : link < 0.7
            ? { providesApis: [pick(apiNames)] }
            : { consumesApis: [pick(apiNames)] }),
      },
    };
  };

  return { group, api, component };
}

async function insertChunks(label: string, entities: CatalogEntity[], chunk = 10_000) {
  const start = performance.now();
  for (let i = 0; i < entities.length; i += chunk) {
    await db.$transaction((tx) => writeEntities(tx, entities.slice(i, i + chunk), { type: "upload" }), { timeout: 600_000 });
  }
  console.log(`seeded ${entities.length.toLocaleString("en")} ${label} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

/**
 * Writes the benchmark catalog through the catalog's own store (relations and facet counts
 * included) into the database `db` points at. Returns the fixture, to make more entities
 * from the same sequence, and the API names components can refer to.
 */
export async function seedCatalog(size: CatalogSize) {
  const fixture = createCatalogFixture(size);
  const groups = Array.from({ length: size.groups }, (_, i) => fixture.group(i));
  const apis = Array.from({ length: size.apis }, (_, i) => fixture.api(i));
  const apiNames = apis.map((a) => a.metadata.name);
  const components = Array.from({ length: size.components }, (_, i) => fixture.component(i, apiNames));
  await insertChunks("groups", groups);
  await insertChunks("APIs", apis);
  await insertChunks("components", components);
  return { fixture, apiNames };
}
