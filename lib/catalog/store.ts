import "server-only";
import { randomUUID } from "node:crypto";
import type { DbClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { DocumentError } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { summarizeEntity } from "@/lib/catalog/descriptor";
import { deriveRelations } from "@/lib/catalog/relations";

/**
 * Writing entities and their relations in bulk: one statement per table whatever the
 * number of entities, so a 10,000-entity import is a handful of round trips.
 */

export type EntitySource = { type: "upload" | "form" } | { type: "location"; locationId: string };

export type WriteSummary = { created: string[]; updated: string[]; deleted: string[] };

/** An import that was refused, with what is wrong in each document. Nothing was written. */
export class CatalogImportError extends AppError {
  constructor(readonly documents: DocumentError[]) {
    super(
      "INVALID",
      documents.length === 1 ? "The catalog file has 1 problem. Nothing was imported." : `The catalog file has ${documents.length} problems. Nothing was imported.`,
      documents.map((d) => (d.document > 0 ? `Document ${d.document}, ${d.field}: ${d.message}` : d.message)),
    );
  }
}

const sameSource = (source: EntitySource, row: { source_type: string; location_id: string | null }) =>
  source.type === "location" ? row.source_type === "location" && row.location_id === source.locationId : row.source_type !== "location";

/**
 * Upserts entities from one source and replaces the relations they imply. With a
 * location source, the location's entities missing from `entities` are deleted (no
 * orphans). Entities owned by another source are refused, per document. Run it inside
 * a transaction: callers add their audit entry to the same one.
 */
export async function writeEntities(tx: DbClient, entities: CatalogEntity[], source: EntitySource): Promise<WriteSummary> {
  const rows = entities.map((entity) => ({ entity, summary: summarizeEntity(entity) }));
  const keys = rows.map((r) => r.summary.key);

  const existing = keys.length
    ? await tx.$queryRaw<{ key: string; source_type: string; location_id: string | null; target: string | null }[]>`
        SELECT e.key, e.source_type, e.location_id, l.target
        FROM entities e LEFT JOIN locations l ON l.id = e.location_id
        WHERE e.key = ANY(${keys}::text[])`
    : [];
  const conflicts: DocumentError[] = [];
  for (const row of existing) {
    if (sameSource(source, row)) continue;
    const index = keys.indexOf(row.key);
    const from = row.source_type === "location" ? `the location ${row.target}` : "a pasted file or the form";
    conflicts.push({ document: index + 1, field: "metadata.name", message: `${row.key} is already registered from ${from}; change it there, or remove it first` });
  }
  if (conflicts.length) throw new CatalogImportError(conflicts);

  const locationId = source.type === "location" ? source.locationId : null;
  const payload = rows.map(({ entity, summary }) => ({
    id: randomUUID(),
    key: summary.key,
    api_version: entity.apiVersion,
    kind: summary.kind,
    namespace: summary.namespace,
    name: summary.name,
    title: summary.title ?? "",
    description: summary.description ?? "",
    type: summary.type ?? "",
    lifecycle: summary.lifecycle ?? "",
    owner: summary.owner ?? "",
    system: summary.system ?? "",
    tags: summary.tags,
    metadata: entity.metadata,
    spec: entity.spec ?? null,
    source_type: source.type,
    location_id: locationId,
  }));

  const written = payload.length
    ? await tx.$queryRaw<{ key: string; inserted: boolean }[]>`
        INSERT INTO entities (id, key, api_version, kind, namespace, name, title, description, type, lifecycle,
                              owner, system, tags, metadata, spec, source_type, location_id, refresh_error, created_at, updated_at)
        SELECT r.id, r.key, r.api_version, r.kind, r.namespace, r.name, r.title, r.description, r.type, r.lifecycle,
               r.owner, r.system, coalesce(r.tags, '{}'), r.metadata, r.spec, r.source_type, r.location_id, NULL, now(), now()
        FROM json_to_recordset(${JSON.stringify(payload)}::json) AS r(
          id text, key text, api_version text, kind text, namespace text, name text, title text, description text,
          type text, lifecycle text, owner text, system text, tags text[], metadata jsonb, spec jsonb,
          source_type text, location_id text)
        ON CONFLICT (key) DO UPDATE SET
          api_version = EXCLUDED.api_version, kind = EXCLUDED.kind, namespace = EXCLUDED.namespace, name = EXCLUDED.name,
          title = EXCLUDED.title, description = EXCLUDED.description, type = EXCLUDED.type, lifecycle = EXCLUDED.lifecycle,
          owner = EXCLUDED.owner, system = EXCLUDED.system, tags = EXCLUDED.tags, metadata = EXCLUDED.metadata,
          spec = EXCLUDED.spec, source_type = EXCLUDED.source_type, location_id = EXCLUDED.location_id,
          refresh_error = NULL, updated_at = now()
        RETURNING key, (xmax = 0) AS inserted`
    : [];

  // Relations are owned by the entity whose descriptor implies them: replace them wholesale.
  if (keys.length) {
    await tx.$executeRaw`DELETE FROM relations WHERE origin_id IN (SELECT id FROM entities WHERE key = ANY(${keys}::text[]))`;
    const relations = rows.flatMap(({ entity, summary }) => deriveRelations(entity).map((r) => ({ origin: summary.key, ...r })));
    if (relations.length) {
      await tx.$executeRaw`
        INSERT INTO relations (origin_id, source, type, target)
        SELECT e.id, r.source, r.type, r.target
        FROM json_to_recordset(${JSON.stringify(relations)}::json) AS r(origin text, source text, type text, target text)
        JOIN entities e ON e.key = r.origin
        ON CONFLICT DO NOTHING`;
    }
  }

  let deleted: string[] = [];
  if (locationId) {
    const gone = await tx.$queryRaw<{ key: string }[]>`
      DELETE FROM entities WHERE location_id = ${locationId} AND NOT (key = ANY(${keys}::text[])) RETURNING key`;
    deleted = gone.map((g) => g.key);
  }

  return {
    created: written.filter((w) => w.inserted).map((w) => w.key),
    updated: written.filter((w) => !w.inserted).map((w) => w.key),
    deleted,
  };
}
