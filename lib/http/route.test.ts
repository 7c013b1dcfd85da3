import { notFound } from "next/navigation";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { CurrentUser } from "@/lib/auth/session";
import { createIngestToken } from "@/lib/dora/tokens";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { defineRoute, defineRouteWithSession } from "@/lib/http/route";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const METRICS_TOKEN = "route-test-metrics-token-0123";
process.env.PAVE_METRICS_TOKEN = METRICS_TOKEN;

const alice: CurrentUser = { id: "u-alice", name: "Alice", email: "alice@test.local", image: null, role: "member", groups: ["team-a"] };
const signedIn = defineRouteWithSession(async () => alice);
const signedOut = defineRouteWithSession(async () => null);
// For routes where a bearer token must decide alone: looking up a session is a failure.
const noSessionLookup = defineRouteWithSession(async () => {
  throw new Error("the session was looked up");
});

let secret: string;
let address = 0;

/** A request from its own client address, so failed-token limits of one test don't touch another. */
function request(path: string, init: { method?: string; body?: BodyInit; token?: string; headers?: Record<string, string>; from?: string } = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": init.from ?? `192.0.2.${++address}`, ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  return new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body: init.body, duplex: "half" } as RequestInit);
}

const withParams = (params: Record<string, string | string[]>) => ({ params: Promise.resolve(params) });

beforeAll(async () => {
  await resetDatabase();
  secret = (await createIngestToken(await createUser({ role: "admin" }), "route-test")).secret;
});

describe("defineRoute: who may call", () => {
  const whoAmI = (define: typeof signedIn) =>
    define({
      name: "test.who",
      auth: "session",
      async handle({ user }) {
        return Response.json({ id: user.id });
      },
    });

  it("answers 401 JSON without a session, and runs the handler with the signed-in user", async () => {
    const refused = await whoAmI(signedOut)(request("/who"));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toContain("application/json");
    expect(await refused.json()).toEqual({ error: "Sign in required" });

    const allowed = await whoAmI(signedIn)(request("/who"));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ id: "u-alice" });
  });

  it("ignores a bearer token on a session-only route", async () => {
    expect((await whoAmI(signedOut)(request("/who", { token: secret }))).status).toBe(401);
  });

  it("takes a session or, when one is sent, an ingest token alone", async () => {
    const route = (define: typeof signedIn) =>
      define({
        name: "test.either",
        auth: "session-or-token",
        async handle({ user, token }) {
          return Response.json({ user: user?.id ?? null, token: token?.name ?? null });
        },
      });
    expect(await (await route(signedIn)(request("/either"))).json()).toEqual({ user: "u-alice", token: null });
    expect(await (await route(noSessionLookup)(request("/either", { token: secret }))).json()).toEqual({ user: null, token: "route-test" });

    const wrong = await route(signedIn)(request("/either", { token: "pave_ingest_wrong" }));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: expect.stringContaining("Bearer") });
    expect((await route(signedOut)(request("/either"))).status).toBe(401);
  });

  it("refuses an address after 20 wrong tokens with 429 and Retry-After, even when it then sends the right one", async () => {
    const route = defineRoute({
      name: "test.ingest",
      auth: "ingest-token",
      async handle({ token }) {
        return Response.json({ token: token.name });
      },
    });
    const from = "203.0.113.50";
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await route(request("/ingest", { token: `pave_ingest_guess-${i}`, from }))).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429]);

    const blocked = await route(request("/ingest", { token: secret, from }));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await blocked.json()).toEqual({ error: expect.stringContaining("wrong token") });

    const elsewhere = await route(request("/ingest", { token: secret }));
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.json()).toEqual({ token: "route-test" });
    const missing = await route(request("/ingest"));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("checks the metrics token", async () => {
    const route = defineRoute({
      name: "test.metrics",
      auth: "metrics-token",
      async handle() {
        return new Response("ok");
      },
    });
    expect(await (await route(request("/metrics", { token: METRICS_TOKEN }))).text()).toBe("ok");
    const wrong = await route(request("/metrics", { token: `${METRICS_TOKEN}x` }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("takes a rate-limit token per caller before reading the body", async () => {
    const { secret: own } = await createIngestToken(await createUser({ role: "admin" }), "limited");
    const route = defineRoute({
      name: "test.limited",
      auth: "ingest-token",
      rateLimit: { key: ({ token }) => `test-route:${token.id}`, limit: { perSecond: 0.01, burst: 2 }, message: "Slow down." },
      body: { limit: 100, schema: z.object({ n: z.number() }) },
      async handle() {
        return Response.json({ ok: true });
      },
    });
    const post = () => route(request("/limited", { method: "POST", token: own, body: "not even JSON" }));
    expect((await post()).status).toBe(400);
    expect((await post()).status).toBe(400);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: "Slow down." });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another caller has its own bucket.
    expect((await route(request("/limited", { method: "POST", token: secret, body: '{"n":1}' }))).status).toBe(200);
  });
});

describe("defineRoute: params, query and body", () => {
  const route = signedIn({
    name: "test.parse",
    auth: "session",
    params: z.object({ id: z.string().regex(/^\d+$/, "expected digits") }),
    query: z.object({ limit: z.coerce.number().int().max(50).default(10), tag: z.array(z.string()).optional() }),
    body: { limit: 64, schema: z.object({ title: z.string().min(1, "Give a title") }) },
    async handle({ params, query, body, user }) {
      return Response.json({ id: params.id, limit: query.limit, tag: query.tag ?? null, title: body.title, by: user.id });
    },
  });
  const post = (path: string, body: string, params: Record<string, string> = { id: "7" }) => route(request(path, { method: "POST", body }), withParams(params));

  it("hands the handler what the schemas made of the request", async () => {
    const response = await post("/things/7?limit=20&tag=a&tag=b", '{"title":"Hello"}');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "7", limit: 20, tag: ["a", "b"], title: "Hello", by: "u-alice" });
  });

  it("answers 400 with what is wrong, field by field", async () => {
    const badParams = await post("/things/x", '{"title":"Hello"}', { id: "x" });
    expect(badParams.status).toBe(400);
    expect(await badParams.json()).toEqual({ error: "id: expected digits" });

    const badQuery = await post("/things/7?limit=500", '{"title":"Hello"}');
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toEqual({ error: expect.stringMatching(/^limit: /) });

    const badBody = await post("/things/7", '{"title":""}');
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toEqual({ error: "title: Give a title" });

    const notJson = await post("/things/7", "{title");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: "The body is not valid JSON." });
  });

  it("answers 413 for a body over its limit", async () => {
    const response = await post("/things/7", JSON.stringify({ title: "x".repeat(100) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The body is larger than 64 bytes." });
  });

  it("gives a text body as sent, for routes that check a signature over its bytes", async () => {
    const echo = defineRoute({
      name: "test.text",
      auth: "none",
      body: { limit: 64, text: true },
      async handle({ body }) {
        return new Response(body.toUpperCase());
      },
    });
    expect(await (await echo(request("/text", { method: "POST", body: '{"a": 1}' }))).text()).toBe('{"A": 1}');
  });
});

describe("defineRoute: failures", () => {
  const failing = (error: unknown) =>
    defineRoute({
      name: "test.fail",
      auth: "none",
      async handle() {
        throw error;
      },
    });

  it("answers an AppError with its status and message", async () => {
    const response = await failing(new AppError("CONFLICT", "That name is taken."))(request("/fail"));
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: "That name is taken." });
    expect((await failing(new AppError("NOT_FOUND", "No such thing."))(request("/fail"))).status).toBe(404);
  });

  it("answers anything else with 500 and the generic message, never the internals", async () => {
    const internal = new Error('relation "users" does not exist: SELECT password_hash FROM users');
    const response = await failing(internal)(request("/fail"));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: GENERIC_ERROR_MESSAGE });
    expect(text).not.toContain("relation");
    expect(text).not.toContain("SELECT");
    expect(text).not.toContain("    at ");
  });

  it("lets Next's control flow through", async () => {
    await expect(
      defineRoute({
        name: "test.not-found",
        auth: "none",
        async handle() {
          notFound();
        },
      })(request("/gone")),
    ).rejects.toMatchObject({ digest: expect.stringContaining("404") });
  });

  it("answers 404 while PAVE_METRICS_TOKEN is unset", async () => {
    vi.resetModules();
    delete process.env.PAVE_METRICS_TOKEN;
    try {
      const { defineRoute: fresh } = await import("@/lib/http/route");
      const route = fresh({
        name: "test.metrics-off",
        auth: "metrics-token",
        async handle() {
          return new Response("ok");
        },
      });
      const response = await route(request("/metrics", { token: METRICS_TOKEN }));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: "Not found." });
    } finally {
      process.env.PAVE_METRICS_TOKEN = METRICS_TOKEN;
    }
  });
});
