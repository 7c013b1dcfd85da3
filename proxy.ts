import { NextResponse, type NextRequest } from "next/server";

// A fast first gate: requests without any session cookie go to sign-in. It does not
// trust the cookie — pages, actions and routes check the session themselves.
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  const target = request.nextUrl.pathname + request.nextUrl.search;
  if (target !== "/") signIn.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Pages only: API routes answer for themselves (a session, a bearer token or a webhook
  // signature, each with its own 401), so a token-holding client is never sent to sign-in.
  matcher: ["/((?!sign-in|api/|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)"],
};
