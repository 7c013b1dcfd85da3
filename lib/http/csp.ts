/**
 * The Content-Security-Policy of every page. Scripts run only with this request's nonce
 * (Next.js reads it from the request's own CSP header and puts it on its scripts), or
 * when loaded by such a script ('strict-dynamic'); so HTML that slips into a page (a
 * README, a template's output) cannot run code. Styles may be inline: charts and diagrams
 * set them, and they cannot run code. No plugins, no framing, no foreign form targets.
 * Pure, so the proxy (and tests) can build it.
 */

/** A fresh nonce: 16 random bytes, base64. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The policy for one page response. `development` allows what Next's dev server needs (eval for source maps, its websocket). */
export function contentSecurityPolicy(nonce: string, options: { development?: boolean } = {}): string {
  const dev = options.development === true;
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // Avatars come from the identity provider (e.g. avatars.githubusercontent.com).
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
