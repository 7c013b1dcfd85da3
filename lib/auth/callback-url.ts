/**
 * Where to send a person after sign-in. Only paths on Pave's own origin are accepted,
 * decided by parsing with URL against the portal's base, as a browser would: a
 * backslash, a tab or a newline, `//`, `/.//` or a scheme can all turn an innocent-looking
 * "path" into another site, and string checks miss some of them.
 */

/** The same-origin path (with query and hash) `value` points to, or "/" when it points anywhere else. */
export function safeCallbackPath(value: unknown, base: string): string {
  // A query parameter given twice arrives as a list: not a destination.
  if (typeof value !== "string" || !value) return "/";
  let origin: string;
  let url: URL;
  try {
    origin = new URL(base).origin;
    url = new URL(value, base);
  } catch {
    return "/";
  }
  if (url.origin !== origin || (url.protocol !== "http:" && url.protocol !== "https:")) return "/";
  // After normalisation "/.//evil.example" is "//evil.example": a browser reads that as another host.
  if (url.pathname.startsWith("//") || url.pathname.startsWith("/\\")) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
