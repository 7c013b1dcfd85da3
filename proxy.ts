import { NextResponse, type NextRequest } from "next/server";
import { DATABASE_UNAVAILABLE_MESSAGE, databaseDownSince } from "@/lib/database-outage";
import { contentSecurityPolicy, createNonce } from "@/lib/http/csp";

// Every page gets a Content-Security-Policy with a fresh nonce (Next.js puts it on its
// own scripts). Then a fast first gate: requests without any session cookie go to
// sign-in. It does not trust the cookie: pages, actions and routes check the session themselves.
// A worker process serves its health probes and its metrics only.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/** What a worker process (PAVE_PROCESS=worker) answers over HTTP: its probes and its metrics, nothing else. */
const WORKER_PATHS = /^\/api\/(health|metrics)(\/|$)/;

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (process.env.PAVE_PROCESS === "worker" && !WORKER_PATHS.test(pathname)) {
    return new NextResponse("This is a Pave worker process: it runs background jobs and serves only /api/health and /api/metrics.\n", { status: 404, headers: { "content-type": "text/plain" } });
  }
  // API routes answer for themselves (a session, a bearer token or a webhook signature,
  // each with its own 401), so a token-holding client is never sent to sign-in.
  if (pathname.startsWith("/api/")) return NextResponse.next();
  // While this process finds the database away, pages answer at once instead of each
  // waiting for a query to fail; lib/health.ts clears the mark when it answers again.
  if (databaseDownSince() !== undefined) return databaseUnavailablePage();
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });
  const isSignIn = request.nextUrl.pathname === "/sign-in";
  if (!isSignIn && !SESSION_COOKIES.some((name) => request.cookies.has(name))) {
    const signIn = new URL("/sign-in", request.url);
    const target = request.nextUrl.pathname + request.nextUrl.search;
    if (target !== "/") signIn.searchParams.set("callbackUrl", target);
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

function databaseUnavailablePage(): NextResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Pave is unavailable</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937"><h1 style="font-size:1.25rem">Pave is unavailable for a moment</h1><p>${DATABASE_UNAVAILABLE_MESSAGE}</p><p><a href="">Reload</a></p></body></html>`;
  return new NextResponse(html, { status: 503, headers: { "content-type": "text/html; charset=utf-8", "retry-after": "5", "cache-control": "no-store" } });
}

export const config = {
  // Pages and API routes; not the build's static files.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)"],
};
