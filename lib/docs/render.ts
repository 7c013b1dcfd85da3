import type { Element, Root } from "hast";
import { toString } from "hast-util-to-string";
import rehypeHighlight from "rehype-highlight";
import rehypeRaw from "rehype-raw";
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import rehypeSlug from "rehype-slug";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { SKIP, visit } from "unist-util-visit";

/**
 * Markdown → safe HTML for the Docs tab. Pure: no I/O, no server-only imports.
 *
 * Everything a repository author wrote, raw HTML included, goes through rehype-sanitize
 * with GitHub's rules. Only after that do our own transforms run (heading ids and
 * anchors, code highlighting, Mermaid blocks, link rewriting): they add markup we
 * trust and never re-introduce anything the author supplied unchecked.
 */

export interface RenderContext {
  /** The page being rendered, e.g. "guides/deploy" or "index". */
  pagePath: string;
  /** The URL of another page of the same docs. */
  pageHref: (pagePath: string) => string;
  /** The URL of an image of the same docs (path relative to the docs root). */
  assetHref: (assetPath: string) => string;
  /** Every page path that exists. */
  pages: Set<string>;
  /** Every asset path (relative to the docs root) that exists. */
  assets: Set<string>;
  /** The page's file relative to the docs root ("guides/index.md"); defaults to `${pagePath}.md`. */
  sourcePath?: string;
  /**
   * Where a relative link to a file that is neither a page nor an image goes (e.g. that
   * file on GitHub); the path is relative to the docs root and may start with "../".
   * Without it, or when it answers undefined, such a link keeps its text but loses its href.
   */
  fileHref?: (docsRelativePath: string) => string | undefined;
}

// A type, not an interface, so it is assignable to Prisma's JSON input.
export type RenderedHeading = { depth: number; id: string; text: string };

export interface RenderedPage {
  title: string;
  html: string;
  /** The page as plain text, for search. */
  text: string;
  /** h1–h3, in order. */
  headings: RenderedHeading[];
}

// GitHub's rules, plus: elements whose content must not leak out as text when the
// element itself is dropped (CSS, embedded documents).
const schema: SanitizeSchema = {
  ...defaultSchema,
  strip: [...(defaultSchema.strip ?? []), "style", "iframe", "object", "embed", "noscript", "noembed", "noframes", "template", "frame", "frameset", "applet"],
};

/** What every id and name in rendered docs starts with (rehype-sanitize's clobber prefix, also used for heading ids). */
const ID_PREFIX = "user-content-";
const MARKDOWN_EXTENSION = /\.(md|markdown)$/i;
const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
};

/** Whether a file is a Markdown page (.md, .markdown). */
export function isMarkdownPath(filePath: string): boolean {
  return MARKDOWN_EXTENSION.test(filePath);
}

/** The content type of an image the docs serve (png, jpg, jpeg, gif, webp, svg), or undefined for any other file. */
export function imageContentType(filePath: string): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(filePath)?.[1]?.toLowerCase() ?? "";
  return Object.hasOwn(IMAGE_TYPES, extension) ? IMAGE_TYPES[extension] : undefined;
}

/**
 * The page path of a Markdown file relative to the docs root: no extension, and an
 * index.md or README.md stands for its folder ("guides/index.md" → "guides"; the root's → "index").
 */
export function toPagePath(filePath: string): string {
  const withoutExtension = filePath.replace(MARKDOWN_EXTENSION, "");
  const base = basenameOf(withoutExtension).toLowerCase();
  const folder = base === "index" || base === "readme" ? dirnameOf(withoutExtension) : withoutExtension;
  return folder === "" ? "index" : folder;
}

/** Renders one Markdown page to sanitised HTML, with its title, plain text and headings. */
export function renderMarkdown(markdown: string, ctx: RenderContext): RenderedPage {
  const sourcePath = ctx.sourcePath ?? `${ctx.pagePath}.md`;
  const collected: Omit<RenderedPage, "html"> = { title: "", text: "", headings: [] };

  const html = unified()
    .use(remarkParse)
    .use(remarkGfm)
    // No prefix here: the sanitiser adds "user-content-" to every id, footnotes' included.
    .use(remarkRehype, { allowDangerousHtml: true, clobberPrefix: "" })
    .use(rehypeRaw)
    .use(rehypeSanitize, schema)
    // Trusted transforms from here on.
    .use(() => convertMermaid)
    // Heading ids get the sanitiser's prefix too, so no heading can take an id the page
    // around the docs uses (or clobber a global through it).
    .use(rehypeSlug, { prefix: ID_PREFIX })
    .use(() => (tree: Root) => collect(tree, collected))
    .use(() => addHeadingAnchors)
    .use(rehypeHighlight, { plainText: ["mermaid"] })
    .use(() => (tree: Root) => rewriteUrls(tree, ctx, sourcePath))
    .use(rehypeStringify)
    .processSync(markdown)
    .toString();

  const fileName = basenameOf(sourcePath).replace(MARKDOWN_EXTENSION, "");
  return { ...collected, title: collected.title || fileName, html };
}

/** ```mermaid blocks become <pre class="mermaid">source</pre>, drawn in the browser by mermaid. */
function convertMermaid(tree: Root): void {
  visit(tree, "element", (node: Element) => {
    if (node.tagName !== "pre") return;
    const code = node.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
    const classes = code?.properties.className;
    if (!code || !Array.isArray(classes) || !classes.includes("language-mermaid")) return;
    node.properties = { className: ["mermaid"] };
    node.children = [{ type: "text", value: toString(code) }];
    return SKIP;
  });
}

function collect(tree: Root, out: Omit<RenderedPage, "html">): void {
  visit(tree, "element", (node: Element) => {
    const depth = headingDepth(node);
    if (depth === undefined || depth > 3 || isScreenReaderOnly(node)) return;
    const text = squash(toString(node));
    if (depth === 1 && !out.title) out.title = text;
    const id = typeof node.properties.id === "string" ? node.properties.id : "";
    if (id) out.headings.push({ depth, id, text });
  });
  out.text = squash(toString(tree));
}

function addHeadingAnchors(tree: Root): void {
  visit(tree, "element", (node: Element) => {
    if (headingDepth(node) === undefined || typeof node.properties.id !== "string" || isScreenReaderOnly(node)) return;
    node.children.push({
      type: "element",
      tagName: "a",
      properties: { href: `#${node.properties.id}`, className: ["heading-anchor"], ariaLabel: "Link to this section" },
      children: [{ type: "text", value: "#" }],
    });
    return SKIP;
  });
}

function rewriteUrls(tree: Root, ctx: RenderContext, sourcePath: string): void {
  const ids = new Set<string>();
  visit(tree, "element", (node: Element) => {
    if (typeof node.properties.id === "string") ids.add(node.properties.id);
    if (node.tagName === "a" && typeof node.properties.name === "string") ids.add(node.properties.name);
  });
  const baseDir = dirnameOf(sourcePath);

  visit(tree, "element", (node: Element) => {
    if (node.tagName === "a" && typeof node.properties.href === "string") {
      rewriteLink(node, node.properties.href);
    } else if (node.tagName === "img") {
      rewriteImage(node);
    } else if (node.tagName === "source") {
      // srcset is not checked by the sanitiser; relative entries could not resolve anyway.
      delete node.properties.srcSet;
    }
  });

  function rewriteLink(node: Element, href: string): void {
    if (href.startsWith("#")) {
      node.properties.href = `#${samePageFragment(href.slice(1))}`;
      return;
    }
    if (isExternal(href)) {
      if (/^(https?:)?\/\//i.test(href)) node.properties.rel = ["noopener", "noreferrer"];
      return;
    }
    const { target, hash } = resolveRelative(href, baseDir);
    if (target === undefined) {
      delete node.properties.href;
      return;
    }
    // Authors link to headings as they wrote them; every id on a page carries the prefix.
    const anchor = hash ? `#${hash.startsWith(ID_PREFIX) ? hash : ID_PREFIX + hash}` : "";
    const outside = target === ".." || target.startsWith("../");
    if (target === "" && hash) {
      node.properties.href = `#${samePageFragment(hash)}`;
    } else if (isMarkdownPath(target) && !outside) {
      node.properties.href = ctx.pageHref(toPagePath(target)) + anchor;
    } else if (ctx.pages.has(target.replace(/\/+$/, "") || "index")) {
      node.properties.href = ctx.pageHref(target.replace(/\/+$/, "") || "index") + anchor;
    } else if (ctx.assets.has(target)) {
      node.properties.href = ctx.assetHref(target);
    } else {
      const url = target.startsWith("/") ? undefined : ctx.fileHref?.(target.replace(/\/+$/, ""));
      if (url && /^https?:\/\//i.test(url)) {
        node.properties.href = url;
        node.properties.rel = ["noopener", "noreferrer"];
      } else {
        delete node.properties.href;
      }
    }
  }

  /** A fragment on this page: the prefixed id the author meant when only that one exists. */
  function samePageFragment(fragment: string): string {
    const decoded = safeDecode(fragment);
    return !ids.has(decoded) && ids.has(ID_PREFIX + decoded) ? ID_PREFIX + decoded : fragment;
  }

  function rewriteImage(node: Element): void {
    node.properties.loading = "lazy";
    const src = node.properties.src;
    if (typeof src !== "string") return;
    if (/^(https?:)?\/\//i.test(src)) {
      node.properties.referrerPolicy = "no-referrer";
      return;
    }
    if (isExternal(src)) return;
    const { target } = resolveRelative(src, baseDir);
    if (target !== undefined && ctx.assets.has(target)) node.properties.src = ctx.assetHref(target);
    else delete node.properties.src;
  }
}

/**
 * A relative URL resolved against the page's folder: the path relative to the docs
 * root ("" for the page itself; "../x" when it leaves the docs root), and the fragment.
 * A leading "/" means the docs root, as in MkDocs.
 */
function resolveRelative(url: string, baseDir: string): { target: string | undefined; hash: string } {
  const hashAt = url.indexOf("#");
  const hash = hashAt === -1 ? "" : url.slice(hashAt + 1);
  const withoutHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf("?");
  const rawPath = safeDecode(queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt));
  if (rawPath === "") return { target: "", hash };
  if (rawPath.includes("\\") || /[\u0000-\u001f]/.test(rawPath)) return { target: undefined, hash };
  let target = rawPath.startsWith("/") ? joinPath(rawPath) : joinPath(baseDir, rawPath);
  if (rawPath.endsWith("/") && target !== "") target += "/";
  return { target, hash };
}

/** A URL with a scheme (the colon comes before any "/", "?" or "#"), or protocol-relative. */
function isExternal(url: string): boolean {
  if (url.startsWith("//")) return true;
  const colon = url.indexOf(":");
  if (colon < 0) return false;
  return [url.indexOf("/"), url.indexOf("?"), url.indexOf("#")].every((at) => at === -1 || colon < at);
}

/** The footnotes' "Footnotes" heading is for screen readers; it gets no anchor and no place in the outline. */
function isScreenReaderOnly(node: Element): boolean {
  const classes = node.properties.className;
  return Array.isArray(classes) && classes.includes("sr-only");
}

function headingDepth(node: Element): number | undefined {
  const match = /^h([1-6])$/.exec(node.tagName);
  return match ? Number(match[1]) : undefined;
}

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** "a/b/c.md" → "a/b"; "c.md" → "". */
export function dirnameOf(filePath: string): string {
  const slash = filePath.lastIndexOf("/");
  return slash === -1 ? "" : filePath.slice(0, slash);
}

function basenameOf(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf("/") + 1);
}

/**
 * Joins and normalises "/"-separated paths without touching the file system: "." and
 * empty segments vanish, ".." removes the segment before it, and a ".." that climbs
 * above the start is kept ("../x"), so callers can tell a path that leaves its root.
 */
export function joinPath(...parts: string[]): string {
  const out: string[] = [];
  for (const segment of parts.join("/").split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(segment);
  }
  return out.join("/");
}
