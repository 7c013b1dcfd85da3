import "server-only";
import { db, type DbClient } from "@/lib/db";
import { addBuckets, medianFromBuckets } from "@/lib/dora/buckets";
import { bucketSumsSql } from "@/lib/dora/rollups";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ScorecardDefinition } from "@/lib/scorecards/schemas";
import type { DoraWindow, EntityFacts } from "@/lib/scorecards/types";

export type { DoraWindow, EntityFacts } from "@/lib/scorecards/types";

/*
 * Facts for a batch of entities in at most three queries whatever the batch size: one
 * for the entities with their owner, repository and docs facts, one for database
 * requests, and one for every DORA window the scorecard uses. Never a query per entity.
 */

const DAY_MS = 86_400_000;

type EntityRow = {
  id: string;
  key: string;
  kind: string;
  type: string;
  lifecycle: string;
  owner: string;
  system: string;
  description: string;
  annotations: unknown;
  labels: unknown;
  owner_is_group: boolean;
  source_url: string | null;
  has_ci_workflow: boolean | null;
  has_catalog_info: boolean | null;
  has_docs: boolean | null;
  repo_error: string | null;
  checked_at: Date | null;
  docs_ready: boolean;
};

/** The SQL condition for a scorecard's appliesTo on `entities e`. */
export function appliesToSql(appliesTo: ScorecardDefinition["appliesTo"]): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (appliesTo.kind) parts.push(Prisma.sql`e.kind = ANY(${appliesTo.kind}::text[])`);
  if (appliesTo.type) parts.push(Prisma.sql`e.type = ANY(${appliesTo.type}::text[])`);
  if (appliesTo.lifecycle) parts.push(Prisma.sql`e.lifecycle = ANY(${appliesTo.lifecycle}::text[])`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

/**
 * The next batch of entities a scorecard applies to, in id order after `afterId`,
 * with every fact the checks read. `doraDays` lists the DORA windows to load.
 */
export async function loadFactsBatch(
  options: { appliesTo: ScorecardDefinition["appliesTo"]; afterId: string | null; limit: number; doraDays: readonly number[]; now?: Date },
  client: DbClient = db,
): Promise<EntityFacts[]> {
  const after = options.afterId === null ? Prisma.sql`TRUE` : Prisma.sql`e.id > ${options.afterId}`;
  const rows = await client.$queryRaw<EntityRow[]>`
    SELECT e.id, e.key, e.kind, e.type, e.lifecycle, e.owner, e.system, e.description,
           e.metadata -> 'annotations' AS annotations, e.metadata -> 'labels' AS labels,
           (e.owner LIKE 'group:%' AND EXISTS (SELECT 1 FROM entities g WHERE g.key = e.owner AND g.kind = 'Group')) AS owner_is_group,
           f.source_url, f.has_ci_workflow, f.has_catalog_info, f.has_docs, f.error AS repo_error, f.checked_at,
           (s.built_at IS NOT NULL) AS docs_ready
    FROM entities e
    LEFT JOIN entity_repo_facts f ON f.entity_id = e.id
    LEFT JOIN docs_sites s ON s.entity_id = e.id
    WHERE ${after} AND ${appliesToSql(options.appliesTo)}
    ORDER BY e.id
    LIMIT ${options.limit}`;
  if (!rows.length) return [];

  const keys = rows.map((r) => r.key);
  const databases = await loadDatabases(client, keys);
  const now = options.now ?? new Date();
  const dora = options.doraDays.length ? await loadDoraWindows(client, keys, options.doraDays, now) : new Map<number, Map<string, DoraWindow>>();

  return rows.map((row) => ({
    entity: {
      id: row.id,
      key: row.key,
      kind: row.kind,
      type: row.type,
      lifecycle: row.lifecycle,
      owner: row.owner,
      system: row.system,
      description: row.description,
      annotations: stringMap(row.annotations),
      labels: stringMap(row.labels),
    },
    ownerIsGroup: row.owner_is_group,
    repo:
      row.source_url === null
        ? null
        : {
            sourceUrl: row.source_url,
            hasCiWorkflow: row.has_ci_workflow === true,
            hasCatalogInfo: row.has_catalog_info === true,
            hasDocs: row.has_docs === true,
            error: row.repo_error,
            checkedAt: row.checked_at ?? new Date(0),
          },
    docsReady: row.docs_ready,
    databases: databases.get(row.key) ?? [],
    dora: (days: number) => dora.get(days)?.get(row.key) ?? null,
  }));
}

// Annotations and labels are string maps in Backstage; anything else in the JSON is ignored.
function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

async function loadDatabases(client: DbClient, keys: string[]): Promise<Map<string, EntityFacts["databases"]>> {
  const rows = await client.$queryRaw<{ entity_key: string; environment: string; status: string; backup_retention_days: number }[]>`
    SELECT entity_key, environment, status, backup_retention_days
    FROM database_requests WHERE entity_key = ANY(${keys}::text[])`;
  const byKey = new Map<string, EntityFacts["databases"]>();
  for (const r of rows) {
    const list = byKey.get(r.entity_key) ?? [];
    list.push({ environment: r.environment, status: r.status, backupRetentionDays: r.backup_retention_days });
    byKey.set(r.entity_key, list);
  }
  return byKey;
}

/**
 * DORA figures per service over each window (the last `days` whole UTC days up to and
 * including today, what the DORA pages call "last N days"), in one scan of the longest
 * window: every daily row is summed into the band between two consecutive windows, and
 * a window adds up the bands inside it. Medians come from the summed histograms
 * (lib/dora/buckets.ts), as for teams on the DORA dashboards.
 */
async function loadDoraWindows(client: DbClient, keys: string[], windows: readonly number[], now: Date): Promise<Map<number, Map<string, DoraWindow>>> {
  const days = [...new Set(windows)].sort((a, b) => a - b);
  const to = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
  const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const starts = days.map((d) => isoDay(to - d * DAY_MS));
  const band = Prisma.join(
    starts.map((start, i) => Prisma.sql`WHEN d.day >= ${start}::date THEN ${i}`),
    " ",
  );
  const rows = await client.$queryRaw<{ entity_key: string; band: number; deployments: number; failed: number; lead: number[]; restore: number[] }[]>`
    SELECT d.entity_key, CASE ${band} END AS band,
           sum(d.deployments)::int AS deployments, sum(d.failed_deployments)::int AS failed,
           ${bucketSumsSql("d.lead_time_buckets")} AS lead, ${bucketSumsSql("d.restore_buckets")} AS restore
    FROM dora_daily d
    WHERE d.entity_key = ANY(${keys}::text[]) AND d.day >= ${starts[starts.length - 1]}::date AND d.day < ${isoDay(to)}::date
    GROUP BY 1, 2`;

  const bands = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) {
    const list = bands.get(row.entity_key) ?? [];
    list.push(row);
    bands.set(row.entity_key, list);
  }
  const out = new Map<number, Map<string, DoraWindow>>(days.map((d) => [d, new Map()]));
  for (const [key, list] of bands) {
    days.forEach((d, i) => {
      const inside = list.filter((row) => row.band <= i);
      if (!inside.length) return;
      const lead = inside.reduce<number[]>((sum, row) => addBuckets(sum, row.lead), []);
      const restore = inside.reduce<number[]>((sum, row) => addBuckets(sum, row.restore), []);
      out.get(d)!.set(key, {
        days: d,
        deployments: inside.reduce((sum, row) => sum + row.deployments, 0),
        failedDeployments: inside.reduce((sum, row) => sum + row.failed, 0),
        leadTimeSeconds: medianFromBuckets(lead),
        restoreSeconds: medianFromBuckets(restore),
      });
    });
  }
  return out;
}
