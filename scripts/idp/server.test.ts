import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from "node:crypto";
import { createRequire } from "node:module";

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { startBuiltinIdp, type BuiltinIdp } from "./server";
import { demoUsers } from "./users";

const CLIENT_ID = "pave-test";
const CLIENT_SECRET = "pave-test-secret";
const APP_ORIGIN = "http://localhost:3000";
const REDIRECT_URI = `${APP_ORIGIN}/api/auth/callback/pave-idp`;
// What the lead's next-auth v4 provider asks for.
const SCOPE = "openid email profile groups";

/* ---------------------------------------------------------------- helpers ---- */

/** A tiny cookie jar: name/path/value, sent when the request path is under the cookie path. */
class CookieJar {
  private cookies = new Map<string, { name: string; value: string; path: string }>();

  store(res: Response, requestUrl: URL): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = header.split(";").map((part) => part.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = requestUrl.pathname.replace(/\/[^/]*$/, "") || "/";
      let expired = value === "";
      for (const attr of attrs) {
        const [key = "", val = ""] = attr.split("=");
        if (key.toLowerCase() === "path") path = val || "/";
        if (key.toLowerCase() === "expires" && Date.parse(val) <= Date.now()) expired = true;
        if (key.toLowerCase() === "max-age" && Number(val) <= 0) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter(
        ({ path }) =>
          url.pathname === path ||
          url.pathname.startsWith(path.endsWith("/") ? path : `${path}/`),
      )
      .map(({ name, value }) => `${name}=${value}`)
      .join("; ");
  }
}

type Browser = {
  jar: CookieJar;
  request(url: string | URL, init?: RequestInit): Promise<Response>;
  /** GET and follow redirects, stopping at the first URL on the app's origin. */
  follow(res: Response, from: URL): Promise<{ res: Response | undefined; url: URL; hops: URL[] }>;
};

function browser(): Browser {
  const jar = new CookieJar();
  const request = async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const cookie = jar.header(url);
    if (cookie) headers.set("cookie", cookie);
    if (!headers.has("accept")) headers.set("accept", "text/html,application/json;q=0.9");
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    jar.store(res, url);
    return res;
  };
  const follow = async (first: Response, from: URL) => {
    let res: Response | undefined = first;
    let url = from;
    const hops: URL[] = [];
    for (let i = 0; i < 10 && res; i++) {
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get("location");
        expect(location, `redirect ${res.status} without Location`).toBeTruthy();
        await res.body?.cancel();
        url = new URL(location!, url);
        hops.push(url);
        // Never call the app itself: stop on its origin, like a browser handing over.
        res = url.origin === APP_ORIGIN ? undefined : await request(url);
        continue;
      }
      // oidc-provider's self-submitting form (e.g. when the signed-in user changes it
      // first ends the previous IdP session): do what the browser's script would do.
      const html = res.status === 200 ? await res.clone().text() : "";
      if (!html.includes("<title>Submitting Callback</title>")) break;
      await res.body?.cancel();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      expect(action).toBeTruthy();
      const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)];
      url = new URL(action!.replace(/&amp;/g, "&"), url);
      hops.push(url);
      res = await request(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields.map((m) => [m[1]!, m[2]!])),
      });
    }
    return { res, url, hops };
  };
  return { jar, request, follow };
}

const b64url = (buf: Buffer) => buf.toString("base64url");

function pkcePair() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  return { verifier, challenge };
}

function authorizeUrl(issuer: string, params: Record<string, string>): URL {
  const url = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = "", payload = ""] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")),
    payload: JSON.parse(Buffer.from(payload, "base64url").toString("utf8")),
  };
}

function basicAuth(id: string, secret: string): string {
  // RFC 6749 §2.3.1: form-urlencode both parts before base64 (what openid-client does).
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}

type OpenidClientModule = {
  Issuer: {
    discover(url: string): Promise<{
      Client: new (metadata: Record<string, unknown>) => {
        authorizationUrl(params: Record<string, string>): string;
        callbackParams(url: string): Record<string, string>;
        callback(
          redirectUri: string,
          params: Record<string, string>,
          checks: Record<string, string>,
        ): Promise<{ claims(): Record<string, unknown> }>;
      };
    }>;
  };
  generators: { codeVerifier(): string; codeChallenge(v: string): string; state(): string };
};

/** The openid-client that next-auth itself uses (a dependency of next-auth, not of Pave). */
function loadNextAuthOpenidClient(): OpenidClientModule {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve("next-auth"))("openid-client") as OpenidClientModule;
}

/** Start an authorization request and follow it to the sign-in page. */
async function startSignIn(idp: BuiltinIdp, b: Browser, overrides: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const state = b64url(randomBytes(16));
  const authUrl = authorizeUrl(idp.issuer, {
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    // lib/auth/options.ts sends prompt=login for the built-in IdP
    prompt: "login",
    ...overrides,
  });
  for (const [k, v] of Object.entries(overrides)) if (v === "") authUrl.searchParams.delete(k);
  const first = await b.request(authUrl);
  expect([302, 303]).toContain(first.status);
  const { res, url } = await b.follow(first, authUrl);
  return { res, url, state, verifier };
}

/** From the sign-in page, choose a user and return the authorization response URL. */
async function chooseUser(b: Browser, loginPageUrl: URL, accountId: string) {
  const post = await b.request(new URL(`${loginPageUrl.pathname}/login`, loginPageUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ account: accountId }),
  });
  return { post, ...(await b.follow(post, loginPageUrl)) };
}

async function redeem(idp: BuiltinIdp, code: string, verifier: string) {
  const res = await fetch(`${idp.issuer}/token`, {
    method: "POST",
    headers: {
      authorization: basicAuth(CLIENT_ID, CLIENT_SECRET),
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  return res;
}

async function verifyIdTokenSignature(idp: BuiltinIdp, idToken: string): Promise<boolean> {
  const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const { header } = decodeJwt(idToken);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== "RS256") return false;
  const [h, p, s = ""] = idToken.split(".");
  return verify(
    "sha256",
    Buffer.from(`${h}.${p}`),
    createPublicKey({ key: jwk, format: "jwk" }),
    Buffer.from(s, "base64url"),
  );
}

/* ------------------------------------------------------------------ setup ---- */

let idp: BuiltinIdp | undefined;

async function start(): Promise<BuiltinIdp> {
  idp = await startBuiltinIdp({
    port: 0,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUris: [REDIRECT_URI],
  });
  return idp;
}

afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

// The IdP must stay quiet: no oidc-provider notices or warnings on the console.
const consoleSpies: ReturnType<typeof vi.spyOn>[] = [];
beforeAll(() => {
  for (const method of ["log", "info", "warn", "error"] as const) {
    consoleSpies.push(vi.spyOn(console, method));
  }
});
afterAll(() => {
  for (const spy of consoleSpies) {
    expect(spy.mock.calls, "console output").toEqual([]);
    spy.mockRestore();
  }
});

/* ------------------------------------------------------------------ tests ---- */

describe("built-in OIDC identity provider", () => {
  it("publishes discovery metadata on a localhost issuer", async () => {
    const { issuer } = await start();
    expect(issuer).toMatch(/^http:\/\/localhost:\d+$/);
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(issuer);
    expect(meta.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(meta.token_endpoint).toBe(`${issuer}/token`);
    expect(meta.userinfo_endpoint).toBe(`${issuer}/me`);
    expect(meta.end_session_endpoint).toBe(`${issuer}/session/end`);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(["openid", "email", "profile", "groups"]));
    expect(meta.claims_supported).toEqual(
      expect.arrayContaining(["sub", "email", "email_verified", "name", "preferred_username", "groups"]),
    );
    expect(meta.code_challenge_methods_supported).toContain("S256");
    expect(meta.token_endpoint_auth_methods_supported).toContain("client_secret_basic");
    expect(meta.id_token_signing_alg_values_supported).toContain("RS256");
  });

  it.each(demoUsers.map((u) => [u.name, u] as const))(
    "signs in %s through the authorization-code flow with PKCE",
    async (_name, user) => {
      const idp = await start();
      const b = browser();

      // /auth → interaction (sign-in) page
      const { res: page, url: pageUrl, state, verifier } = await startSignIn(idp, b);
      expect(pageUrl.pathname).toMatch(/^\/interaction\/[A-Za-z0-9_-]+$/);
      expect(page?.status).toBe(200);
      expect(page?.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await page!.text();
      expect(html).toContain("<title>Sign in to Pave (built-in demo identity provider)</title>");
      expect(html).toMatch(/company SSO/);
      for (const u of demoUsers) {
        expect(html).toContain(u.name);
        expect(html).toContain(u.email);
        expect(html).toContain(`name="account" value="${u.id}"`);
      }
      // each user is its own submit button (what Playwright's getByRole('button') finds)
      expect(html.match(/<button type="submit" class="user">/g)).toHaveLength(demoUsers.length);

      // choose the user → back through /auth/:uid → straight to the redirect URI (no consent)
      const { post, url: callback, hops } = await chooseUser(b, pageUrl, user.id);
      expect(post.status).toBe(303);
      expect(hops.some((h) => h.pathname.startsWith("/interaction/"))).toBe(false);
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
      expect(callback.searchParams.get("error")).toBeNull();
      expect(callback.searchParams.get("state")).toBe(state);
      expect(callback.searchParams.get("iss")).toBe(idp.issuer);
      const code = callback.searchParams.get("code");
      expect(code).toBeTruthy();

      // code → tokens (client_secret_basic + code_verifier)
      const tokenRes = await redeem(idp, code!, verifier);
      expect(tokenRes.status).toBe(200);
      const tokens = (await tokenRes.json()) as Record<string, unknown>;
      expect(tokens.token_type).toBe("Bearer");
      expect(tokens.scope).toBe(SCOPE);
      expect(typeof tokens.access_token).toBe("string");
      expect(typeof tokens.id_token).toBe("string");

      const idToken = tokens.id_token as string;
      expect(await verifyIdTokenSignature(idp, idToken)).toBe(true);
      const { payload } = decodeJwt(idToken);
      expect(payload).toMatchObject({
        iss: idp.issuer,
        aud: CLIENT_ID,
        sub: user.id,
        email: user.email,
        email_verified: true,
        name: user.name,
        preferred_username: user.email.split("@")[0],
        groups: user.groups,
      });

      // userinfo
      const me = await fetch(`${idp.issuer}/me`, {
        headers: { authorization: `Bearer ${tokens.access_token as string}` },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        sub: user.id,
        email: user.email,
        name: user.name,
        groups: user.groups,
      });

      // the code is single use, and replaying it revokes what it issued
      const replay = await redeem(idp, code!, verifier);
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
      const revoked = await fetch(`${idp.issuer}/me`, {
        headers: { authorization: `Bearer ${tokens.access_token as string}` },
      });
      expect(revoked.status).toBe(401);
    },
  );

  it("works with openid-client 5, configured the way next-auth v4 configures it", async () => {
    const idp = await start();
    const b = browser();
    const { Issuer, generators } = loadNextAuthOpenidClient();

    // next-auth: Issuer.discover(wellKnown); new issuer.Client({...}); clock tolerance 10
    const issuer = await Issuer.discover(`${idp.issuer}/.well-known/openid-configuration`);
    const client = new issuer.Client({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [REDIRECT_URI],
    });
    const verifier = generators.codeVerifier();
    const state = generators.state();
    const authUrl = new URL(
      client.authorizationUrl({
        scope: SCOPE,
        prompt: "login",
        state,
        code_challenge: generators.codeChallenge(verifier),
        code_challenge_method: "S256",
      }),
    );
    const { url: pageUrl } = await b.follow(await b.request(authUrl), authUrl);
    const { url: callback } = await chooseUser(b, pageUrl, "ada");

    // next-auth (idToken: true): client.callback(...) then tokens.claims()
    const params = client.callbackParams(callback.toString());
    const tokens = await client.callback(REDIRECT_URI, params, { state, code_verifier: verifier });
    expect(tokens.claims()).toMatchObject({
      sub: "ada",
      email: "ada@pave.local",
      name: "Ada Admin",
      groups: ["pave-admins", "team-platform"],
    });
  });

  it("asks for a demo user again on the next sign-in, so switching users works", async () => {
    const idp = await start();
    const b = browser();
    const first = await startSignIn(idp, b);
    const ada = await chooseUser(b, first.url, "ada");
    expect(ada.url.searchParams.get("code")).toBeTruthy();

    // same browser (IdP session cookie present), even without prompt=login: the
    // picker is shown again
    const second = await startSignIn(idp, b, { prompt: "" });
    expect(second.url.pathname).toMatch(/^\/interaction\//);
    expect(second.res?.status).toBe(200);
    const max = await chooseUser(b, second.url, "max");
    const code = max.url.searchParams.get("code");
    expect(code).toBeTruthy();
    const tokens = (await (await redeem(idp, code!, second.verifier)).json()) as { id_token: string };
    expect(decodeJwt(tokens.id_token).payload).toMatchObject({ sub: "max", email: "max@pave.local" });
  });

  it("rejects an unknown account id with 400 and issues no code", async () => {
    const idp = await start();
    const b = browser();
    const { url: pageUrl } = await startSignIn(idp, b);
    for (const account of ["mallory", "", "<script>alert(1)</script>"]) {
      const { post } = await chooseUser(b, pageUrl, account);
      expect(post.status).toBe(400);
      expect(post.headers.get("location")).toBeNull();
      expect(post.headers.get("content-type")).toMatch(/^text\/html/);
      const body = await post.text();
      expect(body).toContain("Unknown demo user");
      expect(body).not.toContain("<script>alert(1)</script>");
      expect(body).not.toMatch(/code=/);
    }

    // the interaction is still pending and a valid choice still works
    const again = await b.request(pageUrl);
    expect(again.status).toBe(200);
    await again.body?.cancel();
    const { url } = await chooseUser(b, pageUrl, "pat");
    expect(url.searchParams.get("code")).toBeTruthy();
  });

  it("answers an unknown or expired interaction with a readable HTML page", async () => {
    const idp = await start();
    const b = browser();

    const check = async (res: Response) => {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body).toMatch(/expired/i);
      expect(body).toContain(`href="${APP_ORIGIN}"`);
      expect(body).not.toMatch(/\n\s+at /);
      expect(body).not.toMatch(/SessionNotFound|node_modules|\.js:\d+/);
    };

    await check(await b.request(`${idp.issuer}/interaction/does-not-exist`));
    await check(
      await b.request(`${idp.issuer}/interaction/does-not-exist/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "account=ada",
      }),
    );

    // a real interaction cookie does not unlock a different uid
    const { url: pageUrl } = await startSignIn(idp, b);
    const otherUid = new URL(pageUrl.pathname.replace(/[^/]+$/, "someone-elses-uid"), pageUrl);
    await check(await b.request(otherUid));

    // and a finished interaction cannot be replayed
    await chooseUser(b, pageUrl, "ada");
    const replay = await b.request(new URL(`${pageUrl.pathname}/login`, pageUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "account=max",
    });
    expect(replay.headers.get("location") ?? "").not.toContain("code=");
    await replay.body?.cancel();
  });

  it("returns access_denied to the app when the user cancels", async () => {
    const idp = await start();
    const b = browser();
    const { url: pageUrl, state } = await startSignIn(idp, b);
    const post = await b.request(new URL(`${pageUrl.pathname}/abort`, pageUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    expect(post.status).toBe(303);
    const { url } = await b.follow(post, pageUrl);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("state")).toBe(state);
    expect(url.searchParams.get("code")).toBeNull();
  });

  it("requires PKCE", async () => {
    const idp = await start();
    const b = browser();
    const authUrl = authorizeUrl(idp.issuer, {
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      scope: SCOPE,
      state: "s1",
    });
    const res = await b.request(authUrl);
    const location = new URL(res.headers.get("location") ?? "", authUrl);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("state")).toBe("s1");
  });

  it("rejects a wrong code_verifier", async () => {
    const idp = await start();
    const b = browser();
    const { url: pageUrl } = await startSignIn(idp, b);
    const { url } = await chooseUser(b, pageUrl, "max");
    const res = await redeem(idp, url.searchParams.get("code")!, pkcePair().verifier);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("renders authorization errors as HTML without internals", async () => {
    const idp = await start();
    const b = browser();
    const res = await b.request(
      authorizeUrl(idp.issuer, {
        client_id: CLIENT_ID,
        redirect_uri: "http://localhost:3000/not-registered",
        response_type: "code",
        scope: SCOPE,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body).toContain("redirect_uri");
    expect(body).not.toMatch(/\n\s+at /);
  });

  it("ends the IdP session through end_session", async () => {
    const idp = await start();
    const b = browser();
    const { url: pageUrl } = await startSignIn(idp, b);
    await chooseUser(b, pageUrl, "ada");

    const endUrl = new URL(`${idp.issuer}/session/end`);
    endUrl.searchParams.set("client_id", CLIENT_ID);
    endUrl.searchParams.set("post_logout_redirect_uri", APP_ORIGIN);
    const confirm = await b.request(endUrl);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain("Sign out");
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf).toBeTruthy();

    const done = await b.request(new URL(action!.replace(/&amp;/g, "&"), endUrl), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }),
    });
    const { url } = await b.follow(done, endUrl);
    expect(url.origin).toBe(APP_ORIGIN);
  });

  it("close() frees the port and can be called twice", async () => {
    const idp = await start();
    const { issuer } = idp;
    await idp.close();
    await idp.close();
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
