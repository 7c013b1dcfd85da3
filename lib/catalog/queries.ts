import "server-only";
import { db, type DbClient } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CatalogEntity } from "@/lib/catalog/types";
import { FACETS, PAGE_SIZE, type CatalogQuery, type Facet, type SortColumn } from "@/lib/catalog/schemas";
import { createTtlCache } from "@/lib/ttl-cache";

/**
 * Catalog reads. Written in SQL because they are the portal's hot path: full-text
 * search on a GIN-indexed tsvector, keyset pagination on (sort column, name, id)
 * indexes, and all facet counts in one scan with GROUPING SETS.
 */

export type EntityRow = {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  title: string;
  description: string;
  type: string;
  lifecycle: string;
  owner: string;
  system: string;
  tags: string[];
};

export type CatalogPage = {
  rows: EntityRow[];
  /** Cursors for the neighbouring pages; null at either end. */
  next: string | null;
  prev: string | null;
};

const SORT_SQL: Record<SortColumn, Prisma.Sql> = {
  name: Prisma.sql`name`,
  kind: Prisma.sql`kind`,
  type: Prisma.sql`type`,
  owner: Prisma.sql`owner`,
  lifecycle: Prisma.sql`lifecycle`,
  updated: Prisma.sql`updated_at`,
};

const FACET_COLUMN: Record<Exclude<Facet, "tag">, Prisma.Sql> = {
  kind: Prisma.sql`kind`,
  type: Prisma.sql`type`,
  owner: Prisma.sql`owner`,
  lifecycle: Prisma.sql`lifecycle`,
  system: Prisma.sql`system`,
};

const MAX_FACET_VALUES = 50;

/**
 * Turns what a person typed into a prefix tsquery: "pay api" matches "payments-api".
 * Only letters and digits survive, so no input can break the query syntax.
 */
export function toPrefixTsquery(text: string): string | null {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** SQL conditions for the query's filters, optionally leaving one facet's own filter out. */
function whereClause(query: CatalogQuery, except?: Facet): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  const tsquery = query.q ? toPrefixTsquery(query.q) : null;
  if (tsquery) parts.push(Prisma.sql`search @@ to_tsquery('simple', ${tsquery})`);
  for (const facet of Object.keys(FACET_COLUMN) as Exclude<Facet, "tag">[]) {
    const values = query[facet];
    if (facet !== except && values.length) parts.push(Prisma.sql`${FACET_COLUMN[facet]} IN (${Prisma.join(values)})`);
  }
  if (except !== "tag" && query.tag.length) parts.push(Prisma.sql`tags && ${query.tag}::text[]`);
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

type Cursor = [sortValue: string, name: string, id: string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === "string")) return parsed as Cursor;
  } catch {
    // A mangled cursor is treated like no cursor: the first page.
  }
  return null;
}

type PageRow = EntityRow & { id: string; sort_value: string };

function toEntityRow(row: PageRow): EntityRow {
  const { key, kind, namespace, name, title, description, type, lifecycle, owner, system, tags } = row;
  return { key, kind, namespace, name, title, description, type, lifecycle, owner, system, tags };
}

/** One page of catalog entities for the query, with cursors to its neighbours. */
export async function searchEntities(query: CatalogQuery, client: DbClient = db, pageSize = PAGE_SIZE): Promise<CatalogPage> {
  const after = decodeCursor(query.after);
  const before = after ? null : decodeCursor(query.before);
  const fromEnd = !after && !before && query.page === "last";
  // Walking backwards (a "before" cursor, or the last page) reads in reverse and flips the rows.
  const backwards = !!before || fromEnd;
  const ascending = (query.dir === "asc") !== backwards;
  const sort = SORT_SQL[query.sort];
  const sortValue = query.sort === "updated" ? Prisma.sql`to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS.US')` : sort;
  const cursor = after ?? before;

  const where = whereClause(query);
  const op = Prisma.raw(ascending ? ">" : "<");
  const keyset = !cursor
    ? null
    : query.sort === "name"
      ? Prisma.sql`(name, id) ${op} (${cursor[1]}, ${cursor[2]})`
      : Prisma.sql`(${sortValue}, name, id) ${op} (${cursor[0]}, ${cursor[1]}, ${cursor[2]})`;
  const filter = keyset ? (where === Prisma.empty ? Prisma.sql`WHERE ${keyset}` : Prisma.sql`${where} AND ${keyset}`) : where;
  const order = Prisma.raw(ascending ? "ASC" : "DESC");
  // The sort column is the updated_at text form only in the keyset comparison; ordering uses the column itself.
  const orderBy = query.sort === "name" ? Prisma.sql`name ${order}, id ${order}` : Prisma.sql`${sort} ${order}, name ${order}, id ${order}`;

  const rows = await client.$queryRaw<PageRow[]>`
    SELECT id, key, kind, namespace, name, title, description, type, lifecycle, owner, system, tags,
           ${sortValue}::text AS sort_value
    FROM entities
    ${filter}
    ORDER BY ${orderBy}
    LIMIT ${pageSize + 1}`;

  const hasMore = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const cursorOf = (row: PageRow) => encodeCursor([row.sort_value, row.name, row.id]);

  // Forwards: a previous page exists if we came from a cursor; a next one if we read more than a page.
  // Backwards: mirrored.
  const hasPrev = backwards ? hasMore : !!after;
  const hasNext = backwards ? !!before : hasMore;
  return {
    rows: page.map(toEntityRow),
    prev: hasPrev && first ? cursorOf(first) : null,
    next: hasNext && last ? cursorOf(last) : null,
  };
}

export type FacetValue = { value: string; count: number };
export type FacetCounts = Record<Facet, FacetValue[]> & { total: number };

/**
 * Counts for every facet value under the current filters. A facet's own selection is
 * left out of its counts, so its other values stay visible and selectable.
 */
export async function countFacets(query: CatalogQuery, client: DbClient = db): Promise<FacetCounts> {
  const columns = Object.keys(FACET_COLUMN) as Exclude<Facet, "tag">[];
  const result: FacetCounts = { kind: [], type: [], owner: [], lifecycle: [], system: [], tag: [], total: 0 };

  if (readsFacetCountTable(query)) {
    // No filter, or only a kind filter: counts kept current by triggers, no scan of the entities.
    // The kind facet ignores its own selection; every other facet counts the selected kinds.
    // Summed in SQL, keeping per facet the values that can reach the top MAX_FACET_VALUES
    // (rank() keeps every tie at the edge, so finishFacets orders and cuts exactly as before).
    const kinds = query.kind;
    const rows = await client.$queryRaw<{ facet: Facet; value: string; count: number }[]>`
      SELECT facet, value, count FROM (
        SELECT facet, value, sum(count)::int AS count, rank() OVER (PARTITION BY facet ORDER BY sum(count) DESC) AS rank
        FROM catalog_facet_counts
        ${kinds.length ? Prisma.sql`WHERE facet = 'kind' OR kind IN (${Prisma.join(kinds)})` : Prisma.empty}
        GROUP BY facet, value
      ) ranked
      WHERE rank <= ${MAX_FACET_VALUES} AND count > 0`;
    for (const { facet, value, count } of rows) result[facet]?.push({ value, count });
    return finishFacets(query, result);
  }

  // One scan for every facet without its own selection.
  const plain = columns.filter((f) => query[f].length === 0);
  const tasks: Promise<void>[] = [];
  if (plain.length) {
    tasks.push(
      (async () => {
        const sets = Prisma.join(
          plain.map((f) => Prisma.sql`(${FACET_COLUMN[f]})`),
          ", ",
        );
        const rows = await client.$queryRaw<Record<string, unknown>[]>`
          SELECT ${Prisma.join(plain.map((f) => Prisma.sql`${FACET_COLUMN[f]}`))}, count(*)::int AS count
          FROM entities ${whereClause(query)}
          GROUP BY GROUPING SETS (${sets})`;
        for (const facet of plain) {
          result[facet] = rows
            .filter((r) => r[facet] !== null && r[facet] !== "" && plain.every((other) => other === facet || r[other] === null))
            .map((r) => ({ value: r[facet] as string, count: r.count as number }));
        }
      })(),
    );
  }
  for (const facet of columns.filter((f) => query[f].length > 0)) {
    tasks.push(
      (async () => {
        const rows = await client.$queryRaw<FacetValue[]>`
          SELECT ${FACET_COLUMN[facet]} AS value, count(*)::int AS count
          FROM entities ${whereClause(query, facet)}
          GROUP BY 1`;
        result[facet] = rows.filter((r) => r.value !== "");
      })(),
    );
  }
  tasks.push(
    (async () => {
      const where = whereClause(query, "tag");
      result.tag = await client.$queryRaw<FacetValue[]>`
        SELECT t AS value, count(*)::int AS count
        FROM entities CROSS JOIN LATERAL unnest(tags) AS t
        ${where}
        GROUP BY t ORDER BY count(*) DESC, t LIMIT ${MAX_FACET_VALUES}`;
    })(),
  );
  await Promise.all(tasks);
  return finishFacets(query, result);
}

/** Whether the query's counts come from catalog_facet_counts: no search, and no filter but kinds. */
function readsFacetCountTable(query: CatalogQuery): boolean {
  return !(query.q && toPrefixTsquery(query.q)) && FACETS.every((f) => f === "kind" || query[f].length === 0);
}

// Counts under a search or a filter other than kind scan the entities: 0.1–0.3 s of database
// time at 100,000 entities, asked for again by everyone who opens the same link or pages on.
const scannedFacets = createTtlCache<FacetCounts>({ ttlMs: 15_000, staleMs: 15_000, maxEntries: 500 });

/**
 * countFacets for the catalog page. Counts that need a scan of the entities are kept per
 * process for 15 s, then served up to 15 s longer while they are recomputed, so they may be
 * about 30 s old; counts kept by triggers (no filter, or only kinds) are always current.
 */
export function countFacetsCached(query: CatalogQuery): Promise<FacetCounts> {
  if (readsFacetCountTable(query)) return countFacets(query);
  const key = JSON.stringify([query.q ? toPrefixTsquery(query.q) : null, ...FACETS.map((f) => [...query[f]].sort())]);
  return scannedFacets.get(key, () => countFacets(query));
}

/** Orders each facet by count, keeps the top values plus any selected, and derives the total. */
function finishFacets(query: CatalogQuery, result: FacetCounts): FacetCounts {
  const columns = Object.keys(FACET_COLUMN) as Exclude<Facet, "tag">[];
  result.tag = result.tag.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, MAX_FACET_VALUES);
  for (const facet of columns) {
    const selected = new Set(query[facet]);
    result[facet] = result[facet]
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
      .filter((v, i) => i < MAX_FACET_VALUES || selected.has(v.value));
  }
  // The total under all filters: the kind facet's counts, limited to the selected kinds.
  const kinds = new Set(query.kind);
  result.total = result.kind.filter((k) => kinds.size === 0 || kinds.has(k.value)).reduce((sum, k) => sum + k.count, 0);
  return result;
}

export type RelationView = {
  type: string;
  target: string;
  /** Null when no entity with that ref exists: an unresolved relation. */
  entity: { kind: string; namespace: string; name: string; title: string } | null;
};

export type EntityDetail = EntityRow & {
  id: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> | null;
  sourceType: string;
  refreshError: string | null;
  updatedAt: Date;
  location: { id: string; target: string; lastRefreshedAt: Date | null; lastError: string | null } | null;
  relations: RelationView[];
};

/** The Backstage descriptor of a stored entity, as it would be exported. */
export function descriptorOf(entity: Pick<EntityDetail, "apiVersion" | "kind" | "metadata" | "spec">): CatalogEntity {
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: entity.metadata as CatalogEntity["metadata"],
    ...(entity.spec ? { spec: entity.spec } : {}),
  };
}

/**
 * Everything an entity page shows, or null when there is no such entity. Callers that
 * never show relations (the edit form, the export, permission checks) skip reading them.
 */
export async function getEntityDetail(key: string, options: { client?: DbClient; relations?: boolean } = {}): Promise<EntityDetail | null> {
  const client = options.client ?? db;
  const entity = await client.entity.findUnique({
    where: { key: key.toLowerCase() },
    select: {
      id: true,
      key: true,
      apiVersion: true,
      kind: true,
      namespace: true,
      name: true,
      title: true,
      description: true,
      type: true,
      lifecycle: true,
      owner: true,
      system: true,
      tags: true,
      metadata: true,
      spec: true,
      sourceType: true,
      refreshError: true,
      updatedAt: true,
      location: { select: { id: true, target: true, lastRefreshedAt: true, lastError: true } },
    },
  });
  if (!entity) return null;
  const relations = options.relations === false ? [] : await client.$queryRaw<
    { type: string; target: string; kind: string | null; namespace: string | null; name: string | null; title: string | null }[]
  >`
    SELECT DISTINCT r.type, r.target, e.kind, e.namespace, e.name, e.title
    FROM relations r LEFT JOIN entities e ON e.key = r.target
    WHERE r.source = ${entity.key}
    ORDER BY r.type, r.target
    LIMIT 1000`;
  return {
    ...entity,
    metadata: entity.metadata as Record<string, unknown>,
    spec: (entity.spec ?? null) as Record<string, unknown> | null,
    relations: relations.map((r) => ({
      type: r.type,
      target: r.target,
      entity: r.kind ? { kind: r.kind, namespace: r.namespace!, name: r.name!, title: r.title ?? "" } : null,
    })),
  };
}

export type LocationRow = {
  id: string;
  target: string;
  host: string;
  lastRefreshedAt: Date | null;
  lastError: string | null;
  /** Whether its Template entities are offered in Create (marked by a platform user). */
  templateSource: boolean;
  createdAt: Date;
  entityCount: number;
  templateCount: number;
};

/** Registered locations with how many entities each provides. */
export async function listLocations(client: DbClient = db): Promise<LocationRow[]> {
  const rows = await client.location.findMany({
    orderBy: { createdAt: "desc" },
    take: 500,
    select: {
      id: true,
      target: true,
      host: true,
      lastRefreshedAt: true,
      lastError: true,
      templateSource: true,
      createdAt: true,
      _count: { select: { entities: true } },
    },
  });
  const templates = await client.entity.groupBy({ by: ["locationId"], where: { kind: "Template", locationId: { in: rows.map((r) => r.id) } }, _count: true });
  const templateCount = new Map(templates.map((t) => [t.locationId, t._count]));
  return rows.map(({ _count, ...row }) => ({ ...row, entityCount: _count.entities, templateCount: templateCount.get(row.id) ?? 0 }));
}

/** Groups, for owner pickers: ref key and display name. */
export async function listGroups(client: DbClient = db): Promise<{ key: string; name: string; title: string }[]> {
  return client.entity.findMany({
    where: { kind: "Group" },
    orderBy: { name: "asc" },
    take: 2000,
    select: { key: true, name: true, title: true },
  });
}

/** Systems, for the component form. */
export async function listSystems(client: DbClient = db): Promise<{ key: string; name: string; title: string }[]> {
  return client.entity.findMany({
    where: { kind: "System" },
    orderBy: { name: "asc" },
    take: 2000,
    select: { key: true, name: true, title: true },
  });
}
