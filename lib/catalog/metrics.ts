import "server-only";
import { Gauge, type Registry } from "prom-client";
import { db, type DbClient } from "@/lib/db";

/**
 * Catalog metrics for /api/metrics, read from the database (every replica reports the
 * same values): entities per kind, from the facet counts triggers keep exact, so a large
 * catalog is not counted row by row at every scrape; and locations, with those whose last
 * refresh failed.
 */

/** Registers the catalog gauges in `registry`. */
export async function registerCatalogMetrics(registry: Registry, client: DbClient = db): Promise<void> {
  const entities = new Gauge({ name: "pave_catalog_entities", help: "Entities in the catalog, per kind.", labelNames: ["kind"] as const, registers: [registry] });
  const locations = new Gauge({
    name: "pave_catalog_locations",
    help: "Registered catalog locations, by whether their last refresh failed (state=failing) or not (state=ok).",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const [kinds, [located]] = await Promise.all([
    client.$queryRaw<{ kind: string; count: number }[]>`SELECT kind, count FROM catalog_facet_counts WHERE facet = 'kind' ORDER BY kind`,
    client.$queryRaw<{ ok: number; failing: number }[]>`
      SELECT count(*) FILTER (WHERE last_error IS NULL)::int AS ok, count(*) FILTER (WHERE last_error IS NOT NULL)::int AS failing FROM locations`,
  ]);
  for (const { kind, count } of kinds) entities.set({ kind }, count);
  locations.set({ state: "ok" }, located?.ok ?? 0);
  locations.set({ state: "failing" }, located?.failing ?? 0);
}
