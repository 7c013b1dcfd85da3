import { parseDocument } from "yaml";
import { dirnameOf, joinPath, toPagePath } from "@/lib/docs/render";
import { toBoundedJS } from "@/lib/yaml";

/**
 * The docs sidebar and the order pages are kept in when a tree is over its limits:
 * from mkdocs.yml's `nav` when there is one, else from the folder tree. Pure.
 */

/** One sidebar entry: a page (path), a section (children), or a section with its own page. */
export type DocsNavItem = { title: string; path?: string; children?: DocsNavItem[] };

/** What Pave uses of an mkdocs.yml. */
export interface MkdocsConfig {
  /** The docs folder relative to mkdocs.yml; "docs" when unset. */
  docsDir: string;
  /** The raw `nav` list, when there is one. */
  nav?: unknown[];
}

/** The largest mkdocs.yml Pave reads, as text and as JSON once its aliases are expanded; real ones are a few KiB. */
export const MAX_MKDOCS_BYTES = 256 * 1024;

/**
 * Reads an mkdocs.yml leniently: tags Pave does not know (`!!python/name:…`, `!ENV`) are
 * ignored rather than resolved, so nothing in the file is ever executed or looked up.
 * Throws an Error with a message fit for the docs page when the YAML is broken.
 */
export function parseMkdocsConfig(text: string): MkdocsConfig {
  const document = parseDocument(text, { strict: false, uniqueKeys: false, prettyErrors: false });
  const problem = document.errors[0];
  if (problem) throw new Error(`mkdocs.yml is not valid YAML: ${firstLine(problem.message)}`);
  const converted = toBoundedJS(document, { maxBytes: MAX_MKDOCS_BYTES });
  if (!converted.ok) throw new Error(`mkdocs.yml ${converted.message}.`);
  const value = converted.value;
  if (value === null || value === undefined) return { docsDir: "docs" };
  if (typeof value !== "object" || Array.isArray(value)) throw new Error("mkdocs.yml must be a mapping of settings (site_name: …, nav: …).");
  const settings = value as Record<string, unknown>;
  const docsDir = settings.docs_dir;
  if (docsDir !== undefined && docsDir !== null && (typeof docsDir !== "string" || docsDir.trim() === "")) {
    throw new Error("mkdocs.yml: docs_dir must be a folder name.");
  }
  const nav = settings.nav;
  if (nav !== undefined && nav !== null && !Array.isArray(nav)) throw new Error("mkdocs.yml: nav must be a list.");
  return { docsDir: typeof docsDir === "string" ? docsDir.trim() : "docs", ...(Array.isArray(nav) ? { nav } : {}) };
}

/**
 * The sidebar from mkdocs' nav: `- file.md`, `- Title: file.md`, `- Section: [ … ]`.
 * Entries for pages that were not built (missing, over the limits) and external links
 * are left out, and so are sections left empty.
 */
export function navFromMkdocs(nav: unknown[], pageTitles: Map<string, string>): DocsNavItem[] {
  const items: DocsNavItem[] = [];
  for (const entry of nav) {
    if (typeof entry === "string") {
      const page = navPage(entry, pageTitles);
      if (page) items.push({ title: pageTitles.get(page) ?? page, path: page });
      continue;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) continue;
    for (const [title, value] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof value === "string") {
        const page = navPage(value, pageTitles);
        if (page) items.push({ title: String(title), path: page });
      } else if (Array.isArray(value)) {
        const children = navFromMkdocs(value, pageTitles);
        if (children.length > 0) items.push({ title: String(title), children });
      }
    }
  }
  return items;
}

/** The page paths of a nav, in reading order (what the limits keep first). */
export function mkdocsNavOrder(nav: unknown[]): string[] {
  const order: string[] = [];
  const walk = (list: unknown[]) => {
    for (const entry of list) {
      if (typeof entry === "string") {
        const page = navPage(entry);
        if (page) order.push(page);
      } else if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
        for (const value of Object.values(entry as Record<string, unknown>)) {
          if (typeof value === "string") {
            const page = navPage(value);
            if (page) order.push(page);
          } else if (Array.isArray(value)) {
            walk(value);
          }
        }
      }
    }
  };
  walk(nav);
  return order;
}

/** A page of the docs as the tree nav needs it. */
export interface NavPage {
  path: string;
  /** The Markdown file relative to the docs root. */
  sourcePath: string;
  title: string;
}

/**
 * The sidebar from the folder tree: each folder is a section (titled by its index
 * page, else its name, and linking to that index page), the root's index comes first,
 * then pages, then sub-folders, each in path order.
 */
export function navFromTree(pages: NavPage[]): DocsNavItem[] {
  interface Folder {
    index?: NavPage;
    pages: NavPage[];
    folders: Map<string, Folder>;
  }
  const root: Folder = { pages: [], folders: new Map() };
  for (const page of pages) {
    const folderPath = dirnameOf(page.sourcePath);
    let folder = root;
    for (const segment of folderPath ? folderPath.split("/") : []) {
      let next = folder.folders.get(segment);
      if (!next) {
        next = { pages: [], folders: new Map() };
        folder.folders.set(segment, next);
      }
      folder = next;
    }
    if (page.path === (folderPath || "index")) folder.index = page;
    else folder.pages.push(page);
  }
  const byPath = (a: { sourcePath: string }, b: { sourcePath: string }) => (a.sourcePath < b.sourcePath ? -1 : a.sourcePath > b.sourcePath ? 1 : 0);
  const items = (folder: Folder): DocsNavItem[] => [
    ...folder.pages.sort(byPath).map((page) => ({ title: page.title, path: page.path })),
    ...[...folder.folders.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, sub]) => {
        const children = items(sub);
        return {
          title: sub.index?.title ?? humanize(name),
          ...(sub.index ? { path: sub.index.path } : {}),
          ...(children.length > 0 ? { children } : {}),
        };
      }),
  ];
  return [...(root.index ? [{ title: root.index.title, path: root.index.path }] : []), ...items(root)];
}

/**
 * Markdown files (relative to the docs root) in the order the limits keep them: the
 * index first, then the nav's order, then the rest by path. When two files would be the
 * same page (README.md and index.md of a folder), the first one wins: index.md over
 * README.md, then path order.
 */
export function orderMarkdownFiles(files: string[], navOrder: string[] = []): { sourcePath: string; pagePath: string }[] {
  const navRank = new Map<string, number>();
  navOrder.forEach((page, index) => {
    if (!navRank.has(page)) navRank.set(page, index);
  });
  const baseRank = (file: string) => (/(^|\/)index\.(md|markdown)$/i.test(file) ? 0 : /(^|\/)readme\.(md|markdown)$/i.test(file) ? 1 : 2);
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // One file per page first, then the order.
  const winners = new Map<string, string>();
  for (const sourcePath of [...files].sort((a, b) => baseRank(a) - baseRank(b) || byPath(a, b))) {
    const pagePath = toPagePath(sourcePath);
    if (!winners.has(pagePath)) winners.set(pagePath, sourcePath);
  }
  const rank = (pagePath: string) => (pagePath === "index" ? -1 : (navRank.get(pagePath) ?? Number.MAX_SAFE_INTEGER));
  return [...winners]
    .map(([pagePath, sourcePath]) => ({ sourcePath, pagePath }))
    .sort((a, b) => rank(a.pagePath) - rank(b.pagePath) || byPath(a.sourcePath, b.sourcePath));
}

/** A nav target → page path, or undefined for URLs and paths outside the docs root. */
function navPage(target: string, pages?: Map<string, string>): string | undefined {
  const value = target.trim();
  if (value === "" || /^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith("//")) return undefined;
  const file = joinPath(value.split("#")[0] ?? "");
  if (file === "" || file === ".." || file.startsWith("../")) return undefined;
  const page = toPagePath(file);
  return pages && !pages.has(page) ? undefined : page;
}

function humanize(name: string): string {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.slice(0, 200) ?? "";
}
