/** A docs page path as stored: no leading or trailing slash, no ".md", "" meaning the index. */
export function normaliseDocsPath(path: string | undefined): string {
  const trimmed = (path ?? "").replace(/^\/+|\/+$/g, "").replace(/\.md$/i, "");
  return trimmed === "" ? "index" : trimmed;
}
