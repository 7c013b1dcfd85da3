/**
 * Pave's built-in OpenID Connect identity provider, for development and tests only.
 *
 * It lets a newcomer sign in with zero configuration (pick one of the demo users on
 * a small form) and it is what the e2e tests sign in through. It wraps
 * `oidc-provider` (v9) on a plain `node:http` server:
 *
 * - one static confidential client (`client_secret_basic`, authorization code + PKCE);
 * - scopes `openid`, `email`, `profile`, `groups`; the ID token carries the claims of
 *   every granted scope (`conformIdTokenClaims: false`), which is where next-auth v4
 *   reads `email`, `name` and `groups`;
 * - no consent screen: `loadExistingGrant` grants the requested scopes;
 * - the sign-in page is rendered here (`devInteractions` disabled) and by default is
 *   shown on every sign-in, so switching demo users never needs an IdP logout;
 * - state lives in oidc-provider's in-memory adapter and keys are generated at start,
 *   so a restart signs everyone out of the IdP (not of Pave).
 *
 * Refusing to run outside development is the launcher's job, not this module's.
 */
import { generateKeyPair, randomBytes, randomUUID } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

import { errorPage, homePage, loggedOutPage, loginPage, logoutPage } from "./pages";
import { demoUsers, type DemoUser } from "./users";

export type { DemoUser } from "./users";

/** A private JSON Web Key as accepted by oidc-provider's `jwks` option. */
export type PrivateJwk = JsonWebKey & { kid?: string; alg?: string; use?: string };

export type BuiltinIdpOptions = {
  /** Port to listen on; 0 picks a free one (the issuer then uses the real port). */
  port: number;
  /** Address to bind. Default "127.0.0.1". The issuer still says "localhost". */
  host?: string;
  /** Issuer identifier. Default `http://localhost:<port>`. */
  issuer?: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Default: the app origin, with and without a trailing slash. */
  postLogoutRedirectUris?: string[];
  /** Demo people offered on the sign-in page. Default: `demoUsers`. */
  users?: DemoUser[];
  /** Where error pages link back to. Default: origin of the first redirect URI. */
  appOrigin?: string;
  /** Signing keys. Default: a fresh RS256 key per start. */
  jwks?: { keys: PrivateJwk[] };
  /** Keys that sign the IdP's cookies. Default: a fresh random key per start. */
  cookieKeys?: string[];
  /**
   * Keep the IdP session after a sign-in, so the next sign-in skips the user picker.
   * Default false: the picker is shown every time, which is what you want when you
   * switch demo users (next-auth's signOut does not end the IdP session).
   */
  rememberSignIn?: boolean;
};

export type BuiltinIdp = {
  issuer: string;
  close(): Promise<void>;
};

/* ------------------------------------------------------------------------------------
 * oidc-provider's types (from @types/oidc-provider), under the names used below.
 * ---------------------------------------------------------------------------------- */

type OidcProviderModule = typeof import("oidc-provider");
type OidcProvider = import("oidc-provider").default;
type OidcKoaContext = import("oidc-provider").KoaContextWithOIDC;
type InteractionDetails = Awaited<ReturnType<OidcProvider["interactionDetails"]>>;
type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

interface MemoryAdapterModule {
  createMemoryAdapter(clockTolerance?: number): unknown;
}

type Loaded = { oidc: OidcProviderModule; memoryAdapter: unknown };

// Kept in variables so TypeScript does not look for the (absent) type declarations.
const OIDC_PROVIDER_MODULE = "oidc-provider";
// The package's own in-memory adapter, imported directly: passing it explicitly gives
// every provider instance its own store and avoids the "quick start" warning.
const MEMORY_ADAPTER_MODULE = "oidc-provider/lib/adapters/memory_adapter.js";

let loading: Promise<Loaded> | undefined;

function loadOidcProvider(): Promise<Loaded> {
  loading ??= (async () => {
    // oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when imported
    // on Node 20 (where it works). Drop exactly that line while the module loads.
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === "string" && args[0].includes("Unsupported runtime")) return;
      warn.apply(console, args);
    };
    let oidc: OidcProviderModule;
    try {
      oidc = (await import(OIDC_PROVIDER_MODULE)) as OidcProviderModule;
    } finally {
      console.warn = warn;
    }
    let memoryAdapter: unknown;
    try {
      const mod = (await import(MEMORY_ADAPTER_MODULE)) as MemoryAdapterModule;
      memoryAdapter = mod.createMemoryAdapter(CLOCK_TOLERANCE_SECONDS);
    } catch {
      memoryAdapter = undefined; // the default adapter is the same one, just shared
    }
    return { oidc, memoryAdapter };
  })();
  loading.catch(() => {
    loading = undefined; // let a later call try again
  });
  return loading;
}

/* ------------------------------------------------------------------------------------
 * Configuration
 * ---------------------------------------------------------------------------------- */

const CLOCK_TOLERANCE_SECONDS = 15;
const SCOPES = ["openid", "email", "profile", "groups"] as const;
const SUPPORTED_SCOPES = new Set<string>(SCOPES);
const COOKIE_PREFIX = "pave_idp";
const MAX_FORM_BYTES = 8 * 1024;
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,128})(?:\/(login|abort))?\/?$/;

const generateKeyPairAsync = promisify(generateKeyPair);

async function generateSigningJwks(): Promise<{ keys: PrivateJwk[] }> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as PrivateJwk;
  return { keys: [{ ...jwk, kid: `pave-idp-${randomUUID()}`, alg: "RS256", use: "sig" }] };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function singleLine(value: unknown, max = 300): string {
  const text = value instanceof Error ? `${value.name}: ${value.message}` : String(value);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function logError(where: string, err: unknown): void {
  // One line, no stack, no request data beyond method and path (never query strings).
  process.stderr.write(`[pave-idp] ${where}: ${singleLine(err)}\n`);
}

export async function startBuiltinIdp(options: BuiltinIdpOptions): Promise<BuiltinIdp> {
  const users = options.users ?? demoUsers;
  if (users.length === 0) throw new TypeError("startBuiltinIdp: at least one user is required");
  if (options.redirectUris.length === 0) {
    throw new TypeError("startBuiltinIdp: at least one redirect URI is required");
  }
  const usersById = new Map(users.map((user) => [user.id, user]));
  if (usersById.size !== users.length) throw new TypeError("startBuiltinIdp: duplicate user ids");

  const appOrigin =
    originOf(options.appOrigin) ?? originOf(options.redirectUris[0]) ?? "http://localhost:3000";
  const postLogoutRedirectUris = options.postLogoutRedirectUris ?? [appOrigin, `${appOrigin}/`];

  const [{ oidc, memoryAdapter }, jwks] = await Promise.all([
    loadOidcProvider(),
    options.jwks ?? generateSigningJwks(),
  ]);
  const cookieKeys = options.cookieKeys?.length
    ? options.cookieKeys
    : [randomBytes(32).toString("base64url")];

  let handler: NodeHandler | undefined;
  const server = createServer((req, res) => {
    if (!handler) {
      sendHtml(res, 503, errorPage("Starting up", "The identity provider is starting. Try again in a moment.", appOrigin));
      return;
    }
    handler(req, res);
  });
  const host = options.host ?? "127.0.0.1";
  await listen(server, options.port, host);
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };

  try {
    const issuer = (options.issuer ?? `http://localhost:${port}`).replace(/\/+$/, "");
    const provider = createProvider({
      oidc,
      memoryAdapter,
      issuer,
      jwks,
      cookieKeys,
      options,
      usersById,
      appOrigin,
      postLogoutRedirectUris,
    });
    provider.on("server_error", (ctx, err) => {
      logError(`server_error ${ctx.method} ${ctx.path}`, err);
    });

    const providerCallback = provider.callback();
    const interactions = interactionHandler({ provider, oidc, users, usersById, appOrigin });

    handler = (req, res) => {
      const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
      const done = (() => {
        if (path === "/interaction" || path.startsWith("/interaction/")) {
          return interactions(req, res, path);
        }
        if (path === "/" && (req.method === "GET" || req.method === "HEAD")) {
          sendHtml(res, 200, homePage(issuer, appOrigin));
          return undefined;
        }
        if (path === "/favicon.ico") {
          res.writeHead(204, { "Cache-Control": "max-age=86400" }).end();
          return undefined;
        }
        return providerCallback(req, res);
      })();
      Promise.resolve(done).catch((err: unknown) => {
        if (err instanceof HttpError && !res.headersSent) {
          sendHtml(res, err.status, errorPage(err.title, err.message, appOrigin));
          return;
        }
        logError(`unhandled ${req.method ?? "?"} ${path}`, err);
        if (!res.headersSent) {
          sendHtml(res, 500, errorPage("Something went wrong", "The identity provider hit an unexpected error. Start the sign-in again from Pave.", appOrigin));
        } else {
          res.destroy();
        }
      });
    };

    return { issuer, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

type ProviderSetup = {
  oidc: OidcProviderModule;
  memoryAdapter: unknown;
  issuer: string;
  jwks: { keys: PrivateJwk[] };
  cookieKeys: string[];
  options: BuiltinIdpOptions;
  usersById: Map<string, DemoUser>;
  appOrigin: string;
  postLogoutRedirectUris: string[];
};

function createProvider(setup: ProviderSetup): OidcProvider {
  const { oidc, options, usersById, appOrigin } = setup;
  const { Check } = oidc.interactionPolicy;

  const policy = oidc.interactionPolicy.base();
  if (!options.rememberSignIn) {
    // Ask which demo user to be on every sign-in, even when an IdP session exists.
    policy.get("login")?.checks.add(
      new Check(
        "pave_pick_demo_user",
        "the built-in identity provider asks for a demo user on every sign-in",
        "login_required",
        (ctx) => (ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT),
      ),
    );
  }

  const cookieOptions = { httpOnly: true, sameSite: "lax", secure: false } as const;

  const configuration: Record<string, unknown> = {
    ...(setup.memoryAdapter ? { adapter: setup.memoryAdapter } : {}),
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: "Pave",
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: setup.postLogoutRedirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    jwks: setup.jwks,
    cookies: {
      keys: setup.cookieKeys,
      names: {
        // Cookies are shared across ports on one host: keep clear of the app's names.
        session: `${COOKIE_PREFIX}_session`,
        interaction: `${COOKIE_PREFIX}_interaction`,
        resume: `${COOKIE_PREFIX}_resume`,
      },
      // Plain http on localhost, so not "secure". Never expose this IdP beyond dev.
      long: cookieOptions,
      short: cookieOptions,
    },
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    scopes: [...SCOPES],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
      groups: ["groups"],
    },
    // Put every granted scope's claims into the ID token: next-auth v4 reads the
    // profile from the ID token when the provider has `idToken: true`.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: OidcKoaContext, form: string) => {
          ctx.type = "html";
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx: OidcKoaContext) => {
          ctx.type = "html";
          ctx.body = loggedOutPage(appOrigin);
        },
      },
    },
    interactions: {
      policy,
      url: (_ctx: OidcKoaContext, interaction: { uid: string }) =>
        `/interaction/${encodeURIComponent(interaction.uid)}`,
    },
    findAccount: (_ctx: OidcKoaContext, sub: string) => {
      const user = usersById.get(sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: () => ({
          sub: user.id,
          email: user.email,
          email_verified: true,
          name: user.name,
          preferred_username: user.email.split("@")[0] ?? user.id,
          groups: [...user.groups],
        }),
      };
    },
    // No consent screen: grant whatever supported scopes the client asks for.
    loadExistingGrant: async (ctx: OidcKoaContext) => {
      const { client, account, result, session, provider } = ctx.oidc;
      if (!client || !account) return undefined;
      const grantId = result?.consent?.grantId ?? session?.grantIdFor(client.clientId);
      let grant = grantId ? await provider.Grant.find(grantId) : undefined;
      if (grant && (grant.accountId !== account.accountId || grant.clientId !== client.clientId)) {
        grant = undefined;
      }
      grant ??= new provider.Grant({ accountId: account.accountId, clientId: client.clientId });
      const scopes = [...ctx.oidc.requestParamOIDCScopes].filter((s) => SUPPORTED_SCOPES.has(s));
      if (scopes.length > 0) grant.addOIDCScope(scopes.join(" "));
      await grant.save();
      return grant;
    },
    renderError: (ctx: OidcKoaContext, out: Record<string, unknown>) => {
      ctx.type = "html";
      const code = typeof out.error === "string" ? out.error : "error";
      const description =
        typeof out.error_description === "string" ? out.error_description : "The request could not be completed.";
      ctx.body = errorPage("Sign-in problem", `${description} (${code})`, appOrigin);
    },
    ttl: {
      AccessToken: 60 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 30 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },
  };

  return new oidc.default(setup.issuer, configuration);
}

/* ------------------------------------------------------------------------------------
 * The interaction (sign-in) routes: GET /interaction/:uid, POST …/login, POST …/abort
 * ---------------------------------------------------------------------------------- */

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

function interactionHandler(deps: {
  provider: OidcProvider;
  oidc: OidcProviderModule;
  users: DemoUser[];
  usersById: Map<string, DemoUser>;
  appOrigin: string;
}) {
  const { provider, oidc, users, usersById, appOrigin } = deps;

  const expired = (res: ServerResponse) =>
    sendHtml(
      res,
      400,
      errorPage(
        "This sign-in request has expired",
        "The identity provider does not know this sign-in request. It may have expired, been used already, or the identity provider restarted. Start again from Pave.",
        appOrigin,
      ),
    );

  return async function handleInteraction(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<void> {
    const match = INTERACTION_PATH.exec(path);
    const uid = match?.[1];
    const action = match?.[2];
    if (!uid) return expired(res);

    const method = req.method ?? "GET";
    const allowed = action ? ["POST"] : ["GET", "HEAD"];
    if (!allowed.includes(method)) {
      sendHtml(res, 405, errorPage("Method not allowed", "Use the sign-in form.", appOrigin), {
        Allow: allowed.join(", "),
      });
      return;
    }

    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      if (err instanceof oidc.errors.SessionNotFound) return expired(res);
      throw err;
    }
    // The interaction cookie is scoped to /interaction/<uid>; it must name this uid.
    if (details.uid !== uid) return expired(res);

    const prompt = details.prompt.name;

    if (!action) {
      if (prompt === "consent") {
        // Normally unreachable (loadExistingGrant grants everything); never show consent.
        await finishConsent(provider, req, res, details);
        return;
      }
      if (prompt !== "login") {
        throw new HttpError(400, "Unsupported step", `This identity provider cannot handle the "${prompt}" step.`);
      }
      sendHtml(res, 200, loginPage(uid, users));
      return;
    }

    if (action === "abort") {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The user cancelled the sign-in." },
        { mergeWithLastSubmission: false },
      );
      return;
    }

    // action === "login"
    if (prompt !== "login") return expired(res);
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch (err) {
      if (err instanceof HttpError) {
        sendHtml(res, err.status, errorPage(err.title, err.message, appOrigin, uid));
        return;
      }
      throw err;
    }
    const accountId = form.get("account") ?? "";
    const user = usersById.get(accountId);
    if (!user || form.getAll("account").length !== 1) {
      sendHtml(
        res,
        400,
        errorPage("Unknown demo user", "That account is not one of the demo users. Choose one from the list.", appOrigin, uid),
      );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.id, amr: ["pwd"] } },
      { mergeWithLastSubmission: false },
    );
  };
}

async function finishConsent(
  provider: OidcProvider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (!accountId || typeof clientId !== "string") {
    throw new HttpError(400, "Sign-in problem", "The sign-in request is incomplete. Start again from Pave.");
  }
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details;
  if (Array.isArray(missing.missingOIDCScope)) {
    const scopes = missing.missingOIDCScope.filter((s): s is string => typeof s === "string");
    if (scopes.length) grant.addOIDCScope(scopes.join(" "));
  }
  if (Array.isArray(missing.missingOIDCClaims)) {
    grant.addOIDCClaims(missing.missingOIDCClaims.filter((c): c is string => typeof c === "string"));
  }
  if (missing.missingResourceScopes && typeof missing.missingResourceScopes === "object") {
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes)) {
      if (Array.isArray(scopes)) grant.addResourceScope(resource, scopes.join(" "));
    }
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";", 1)[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    req.resume();
    throw new HttpError(415, "Unsupported form", "Submit the sign-in form from the page.");
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, "Form too large", "Submit the sign-in form from the page.");
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/* ------------------------------------------------------------------------------------
 * Sending pages (their HTML is in pages.ts)
 * ---------------------------------------------------------------------------------- */

// No form-action: browsers apply it to the redirects that follow a form post, and the
// sign-in form ends in a redirect to the app.
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'";

function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(html, "utf8");
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": String(body.length),
    "Cache-Control": "no-store",
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    ...headers,
  });
  res.end(body);
}

