import { entityHref } from "@/lib/catalog/paths";

/** A docs page path as stored: no leading or trailing slash, no ".md", "" meaning the index. */
export function normaliseDocsPath(path: string | undefined): string {
  const trimmed = (path ?? "").replace(/^\/+|\/+$/g, "").replace(/\.md$/i, "");
  return trimmed === "" ? "index" : trimmed;
}

/** The link to one docs page of an entity (its Docs tab). */
export function docsPageHref(entity: { kind: string; namespace: string; name: string }, path: string): string {
  return `${entityHref(entity)}?tab=docs&path=${encodeURIComponent(path)}`;
}
