import "server-only";
import { timingSafeEqual } from "node:crypto";
// The server build of next/navigation (what Next gives server code), so route modules also
// load in plain Node scripts (the DORA benchmark drives the events route directly).
import { unstable_rethrow } from "next/dist/client/components/navigation.react-server";
import { z } from "zod";
import type { CurrentUser } from "@/lib/auth/session";
import { authenticateIngestToken } from "@/lib/dora/tokens";
import { getEnv } from "@/lib/env";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnreachable } from "@/lib/database-outage";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { noteDatabaseOutage } from "@/lib/health";
import { readBodyLimited } from "@/lib/http/body";
import { log } from "@/lib/log";
import { failedAuth, takeToken, type RateLimit } from "@/lib/rate-limit";
import { markSpanFailed, withSpan } from "@/lib/telemetry/tracing";

/**
 * Route handlers as server actions are defined: one wrapper checks who is calling, reads
 * and validates params, query and body with zod, and maps every failure to one JSON shape,
 * `{ "error": message }`. An AppError answers with its status and message; anything else
 * is logged and answered 500 with the generic message, so no stack, SQL or internal
 * message reaches a client. Next's control flow (notFound(), redirect()) passes through.
 */

/**
 * Who may call a route:
 * - `none`: anyone (public, or the route checks a signature itself, as webhooks do);
 * - `session`: a signed-in person;
 * - `session-or-token`: a signed-in person, or an ingest token sent as a bearer token
 *   (when an Authorization header is sent, only the token counts);
 * - `ingest-token`: an ingest token only;
 * - `metrics-token`: PAVE_METRICS_TOKEN as a bearer token; the route is 404 while it is unset.
 * Every bearer-token check counts failures per client address (`failedAuth`) and refuses
 * an address that failed too often before looking at its token.
 */
export type RouteAuth = "none" | "session" | "session-or-token" | "ingest-token" | "metrics-token";

/** The ingest token a request was authenticated with. */
export type IngestTokenRef = { id: string; name: string };

type AuthContexts = {
  none: object;
  session: { user: CurrentUser };
  /** Exactly one of user and token is set. */
  "session-or-token": { user: CurrentUser | null; token: IngestTokenRef | null };
  "ingest-token": { token: IngestTokenRef };
  "metrics-token": object;
};

/** A request body: JSON validated by `schema`, or the raw text (to check a signature over its exact bytes). */
export type BodySpec = { limit: number; schema: z.ZodType } | { limit: number; text: true };

type RawParams = Record<string, string | string[]>;
type Parsed<S, Otherwise> = S extends z.ZodType ? z.output<S> : Otherwise;
type BodyOf<B> = B extends { schema: infer S extends z.ZodType } ? z.output<S> : B extends { text: true } ? string : undefined;

export type RouteContext<A extends RouteAuth, P, Q, B> = AuthContexts[A] & {
  request: Request;
  /** The route's params, parsed by `params` when given. */
  params: Parsed<P, RawParams>;
  /** The query string, parsed by `query` when given (a key sent twice is a list). */
  query: Parsed<Q, URLSearchParams>;
  body: BodyOf<B>;
};

export type RouteConfig<A extends RouteAuth, P, Q, B> = {
  /** Used in logs, e.g. "dora.report". */
  name: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  /** A token bucket per caller, taken after authentication and before the body is read; a null key takes none. */
  rateLimit?: { key: (caller: AuthContexts[A], request: Request) => string | null; limit: RateLimit; message: string };
  handle: (ctx: RouteContext<A, P, Q, B>) => Promise<Response>;
};

/** What Next passes a route handler besides the request. */
type NextContext = { params?: Promise<RawParams> };

type SessionLookup = () => Promise<CurrentUser | null>;

/** The one shape of every error a route answers. */
export function errorResponse(status: number, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: message }, { status, headers });
}

const UNAUTHENTICATED: Record<Exclude<RouteAuth, "none">, { message: string; headers?: HeadersInit }> = {
  session: { message: "Sign in required" },
  "session-or-token": { message: "Sign in, or send an ingest token as Authorization: Bearer <token>." },
  "ingest-token": { message: "Send a valid ingest token as Authorization: Bearer <token>.", headers: { "www-authenticate": "Bearer" } },
  "metrics-token": { message: "Send Authorization: Bearer <PAVE_METRICS_TOKEN>.", headers: { "www-authenticate": "Bearer" } },
};

const tooManyFailedAttempts = (retryAfterSeconds: number) =>
  errorResponse(429, "Too many requests with a wrong token from this address; wait and try again.", { "retry-after": String(retryAfterSeconds) });

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** "path: message" for each issue; a readable 400 body. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError("INVALID", describeIssues(parsed.error));
  return parsed.data;
}

/** The query string as a plain object; a key sent twice becomes a list. */
function queryToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** A bearer-token check with the failed-attempt limit around it: the caller, or the response refusing it. */
async function checkBearer<T>(request: Request, auth: Exclude<RouteAuth, "none" | "session">, check: () => Promise<T | null>): Promise<T | Response> {
  const blocked = await failedAuth.blocked(request.headers);
  if (blocked) return tooManyFailedAttempts(blocked);
  const caller = await check();
  if (caller) return caller;
  const wait = await failedAuth.record(request.headers);
  if (wait) return tooManyFailedAttempts(wait);
  return errorResponse(401, UNAUTHENTICATED[auth].message, UNAUTHENTICATED[auth].headers);
}

/** Who is calling, as the handler's context sees it, or the response refusing them. */
async function authenticate(request: Request, auth: RouteAuth, currentUser: SessionLookup): Promise<object | Response> {
  const authorization = request.headers.get("authorization");
  switch (auth) {
    case "none":
      return {};
    case "session": {
      const user = await currentUser();
      return user ? { user } : errorResponse(401, UNAUTHENTICATED.session.message);
    }
    case "session-or-token": {
      if (!authorization) {
        const user = await currentUser();
        return user ? { user, token: null } : errorResponse(401, UNAUTHENTICATED[auth].message);
      }
      const token = await checkBearer(request, auth, () => authenticateIngestToken(authorization));
      return token instanceof Response ? token : { user: null, token };
    }
    case "ingest-token": {
      const token = await checkBearer(request, auth, () => authenticateIngestToken(authorization));
      return token instanceof Response ? token : { token };
    }
    case "metrics-token": {
      const expected = getEnv().PAVE_METRICS_TOKEN;
      if (!expected) throw new AppError("NOT_FOUND", "Not found.");
      const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? "";
      const ok = await checkBearer(request, auth, async () => (sameSecret(given, expected) ? true : null));
      return ok instanceof Response ? ok : {};
    }
  }
}

async function readBody(request: Request, spec: BodySpec): Promise<unknown> {
  const raw = await readBodyLimited(request, spec.limit);
  if (raw === null) throw new TooLarge(spec.limit);
  if ("text" in spec) return raw;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new AppError("INVALID", "The body is not valid JSON.");
  }
  return parseOrThrow(spec.schema, json);
}

class TooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The body is larger than ${limit} bytes.`);
  }
}

type MaybeSchema = z.ZodType | undefined;

function buildRoute<A extends RouteAuth, P extends MaybeSchema, Q extends MaybeSchema, B extends BodySpec | undefined>(config: RouteConfig<A, P, Q, B>, currentUser: SessionLookup) {
  const respond = answerRoute(config, currentUser);
  // A span per call, inside Next's own request span when tracing is on.
  return async function handler(request: Request, context?: NextContext): Promise<Response> {
    return withSpan(`route ${config.name}`, { "pave.route": config.name, "http.request.method": request.method }, async (span) => {
      const response = await respond(request, context);
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) markSpanFailed(span, `HTTP ${response.status}`);
      return response;
    });
  };
}

function answerRoute<A extends RouteAuth, P extends MaybeSchema, Q extends MaybeSchema, B extends BodySpec | undefined>(config: RouteConfig<A, P, Q, B>, currentUser: SessionLookup) {
  return async function answer(request: Request, context?: NextContext): Promise<Response> {
    try {
      const caller = await authenticate(request, config.auth, currentUser);
      if (caller instanceof Response) return caller;

      if (config.rateLimit) {
        const key = config.rateLimit.key(caller as AuthContexts[A], request);
        const taken = key === null ? ({ ok: true } as const) : await takeToken(key, config.rateLimit.limit);
        if (!taken.ok) return errorResponse(429, config.rateLimit.message, { "retry-after": String(taken.retryAfterSeconds) });
      }

      const rawParams: RawParams = (await context?.params) ?? {};
      const params = config.params ? parseOrThrow(config.params, rawParams) : rawParams;
      const searchParams = new URL(request.url).searchParams;
      const query = config.query ? parseOrThrow(config.query, queryToObject(searchParams)) : searchParams;
      const body = config.body ? await readBody(request, config.body) : undefined;

      return await config.handle({ ...caller, request, params, query, body } as RouteContext<A, P, Q, B>);
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof TooLarge) return errorResponse(413, error.message);
      if (error instanceof AppError) return errorResponse(error.status, error.message);
      if (isDatabaseUnreachable(error)) {
        noteDatabaseOutage();
        log.warn({ route: config.name, method: request.method }, "route failed: the database is unreachable");
        return errorResponse(503, DATABASE_UNAVAILABLE_MESSAGE, { "retry-after": "5" });
      }
      log.error({ route: config.name, method: request.method, err: error }, "route failed");
      return errorResponse(500, GENERIC_ERROR_MESSAGE);
    }
  };
}

/**
 * Defines an App Router route handler (export it as GET, POST, …): checks `auth`, takes
 * from `rateLimit`, parses `params`, `query` and `body` (400 with the problems when they
 * don't fit, 413 over the body's limit), then runs `handle`.
 */
export function defineRoute<A extends RouteAuth, P extends MaybeSchema = undefined, Q extends MaybeSchema = undefined, B extends BodySpec | undefined = undefined>(
  config: RouteConfig<A, P, Q, B>,
) {
  // Loaded when a request needs it: token-only routes never load next-auth.
  return buildRoute(config, async () => (await import("@/lib/auth/session")).getCurrentUser());
}

/**
 * defineRoute with another session lookup. Only for tests of session-only behaviour
 * (the real lookup needs a Next request); routes use defineRoute.
 */
export function defineRouteWithSession(currentUser: SessionLookup) {
  return function <A extends RouteAuth, P extends MaybeSchema = undefined, Q extends MaybeSchema = undefined, B extends BodySpec | undefined = undefined>(
    config: RouteConfig<A, P, Q, B>,
  ) {
    return buildRoute(config, currentUser);
  };
}
