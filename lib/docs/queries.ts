import "server-only";
import { db } from "@/lib/db";
import type { DocsNavItem } from "@/lib/docs/nav";
import type { RenderedHeading } from "@/lib/docs/render";

/**
 * Reads of built docs. Everything here comes from Postgres (written by lib/docs/build.ts);
 * no git host is asked while a person reads.
 */

export type { DocsNavItem };

export type DocsSiteSummary = {
  status: "ready" | "failed";
  sourceUrl: string;
  builtAt: Date | null;
  attemptedAt: Date;
  error: string | null;
  notice: string | null;
  nav: DocsNavItem[];
  pageCount: number;
};

export type DocsPageView = { path: string; title: string; html: string; headings: RenderedHeading[] };

export type DocsSearchHit = {
  entityKey: string;
  entityTitle: string;
  kind: string;
  namespace: string;
  name: string;
  path: string;
  title: string;
  /** The snippet in pieces; `match` marks the words that matched. Plain text: render it, never as HTML. */
  snippet: { text: string; match: boolean }[];
};

export type DocsSiteListItem = {
  entityKey: string;
  kind: string;
  namespace: string;
  name: string;
  title: string;
  description: string;
  owner: string;
  status: "ready" | "failed";
  builtAt: Date | null;
  pageCount: number;
};

/** The state of an entity's docs (last build, sidebar, page count), or null when it has none. */
export async function getDocsSite(entityId: string): Promise<DocsSiteSummary | null> {
  const site = await db.docsSite.findUnique({
    where: { entityId },
    select: {
      status: true,
      sourceUrl: true,
      builtAt: true,
      attemptedAt: true,
      error: true,
      notice: true,
      nav: true,
      _count: { select: { pages: true } },
    },
  });
  if (!site) return null;
  return {
    status: site.status === "ready" ? "ready" : "failed",
    sourceUrl: site.sourceUrl,
    builtAt: site.builtAt,
    attemptedAt: site.attemptedAt,
    error: site.error,
    notice: site.notice,
    nav: Array.isArray(site.nav) ? (site.nav as DocsNavItem[]) : [],
    pageCount: site._count.pages,
  };
}

/** One page of an entity's docs; "" or "index" is the index page (else the first page), any other missing path is null. */
export async function getDocsPage(entityId: string, path: string): Promise<DocsPageView | null> {
  const select = { path: true, title: true, html: true, headings: true } as const;
  const wanted = path.replace(/^\/+|\/+$/g, "");
  const isIndex = wanted === "" || wanted === "index";
  const page =
    (await db.docsPage.findUnique({ where: { entityId_path: { entityId, path: isIndex ? "index" : wanted } }, select })) ??
    (isIndex ? await db.docsPage.findFirst({ where: { entityId }, orderBy: { path: "asc" }, select }) : null);
  if (!page) return null;
  return { path: page.path, title: page.title, html: page.html, headings: Array.isArray(page.headings) ? (page.headings as RenderedHeading[]) : [] };
}

/** An image of an entity's docs (path relative to its docs root), or null. */
export async function getDocsAsset(entityId: string, path: string): Promise<{ contentType: string; bytes: Uint8Array } | null> {
  return db.docsAsset.findUnique({ where: { entityId_path: { entityId, path } }, select: { contentType: true, bytes: true } });
}

// Unusual control characters as match markers: they cannot come from page text (the
// build removes them), so the snippet is split without ever parsing HTML.
const START = "\u0002";
const STOP = "\u0003";
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
const MAX_QUERY_LENGTH = 200;

/** Full-text search over every built page (English stemming), best first, with marked snippets. */
export async function searchDocs(q: string, options: { limit?: number } = {}): Promise<DocsSearchHit[]> {
  const query = q.replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, MAX_QUERY_LENGTH);
  if (query === "") return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), 100);
  // websearch_to_tsquery accepts any text (quotes, OR, -word) without syntax errors.
  // The headline is computed for the page of results only: it re-parses each text.
  const rows = await db.$queryRaw<
    { key: string; entity_title: string; kind: string; namespace: string; name: string; path: string; title: string; snippet: string }[]
  >`
    WITH q AS (SELECT websearch_to_tsquery('english', ${query}) AS query),
    hits AS (
      SELECT p.entity_id, p.path, p.title, p.text, ts_rank(p.search, q.query) AS rank
      FROM docs_pages p, q
      WHERE p.search @@ q.query
      ORDER BY rank DESC, p.entity_id, p.path
      LIMIT ${limit}
    )
    SELECT e.key, e.title AS entity_title, e.kind, e.namespace, e.name, h.path, h.title,
           ts_headline('english', h.text, q.query, ${HEADLINE_OPTIONS}) AS snippet
    FROM hits h JOIN entities e ON e.id = h.entity_id, q
    ORDER BY h.rank DESC, e.key, h.path`;
  return rows.map((row) => ({
    entityKey: row.key,
    entityTitle: row.entity_title || row.name,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    path: row.path,
    title: row.title,
    snippet: splitSnippet(row.snippet),
  }));
}

/** Every entity with docs (built or failed), by title, with its page count. */
export async function listDocsSites(): Promise<DocsSiteListItem[]> {
  const sites = await db.docsSite.findMany({
    select: {
      status: true,
      builtAt: true,
      _count: { select: { pages: true } },
      entity: { select: { key: true, kind: true, namespace: true, name: true, title: true, description: true, owner: true } },
    },
  });
  return sites
    .map((site) => ({
      entityKey: site.entity.key,
      kind: site.entity.kind,
      namespace: site.entity.namespace,
      name: site.entity.name,
      title: site.entity.title || site.entity.name,
      description: site.entity.description,
      owner: site.entity.owner,
      status: site.status === "ready" ? ("ready" as const) : ("failed" as const),
      builtAt: site.builtAt,
      pageCount: site._count.pages,
    }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.entityKey.localeCompare(b.entityKey));
}

/** "a \u0002b\u0003 c" → [{a, false}, {b, true}, {c, false}]. */
function splitSnippet(snippet: string): { text: string; match: boolean }[] {
  const segments: { text: string; match: boolean }[] = [];
  let match = false;
  let text = "";
  const flush = () => {
    if (text) {
      const last = segments[segments.length - 1];
      if (last && last.match === match) last.text += text;
      else segments.push({ text, match });
    }
    text = "";
  };
  for (const char of snippet) {
    if (char === START || char === STOP) {
      flush();
      match = char === START;
    } else {
      text += char;
    }
  }
  flush();
  return segments;
}
