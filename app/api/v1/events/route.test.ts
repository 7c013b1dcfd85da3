import { beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { createIngestToken, revokeIngestToken } from "@/lib/dora/tokens";
import { createUser } from "@/tests/factories";
import { POST } from "@/app/api/v1/events/route";
import { resetDatabase } from "@/tests/reset";

const URL = "http://localhost:3000/api/v1/events";
let secret: string;

function post(body: BodyInit, headers: Record<string, string> = {}, token: string | null = secret) {
  return POST(
    new Request(URL, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
      duplex: "half",
    } as RequestInit),
  );
}

async function newToken(name: string) {
  const admin = await createUser({ role: "admin" });
  return createIngestToken(admin, name);
}

beforeAll(async () => {
  await resetDatabase();
  const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
  secret = (await newToken("ci")).secret;
});

describe("POST /api/v1/events", () => {
  it("answers 401 without a token, with a wrong one, and with a revoked one", async () => {
    const body = JSON.stringify({ events: [] });
    expect((await post(body, {}, null)).status).toBe(401);
    const wrong = await post(body, {}, "pave_ingest_not-the-secret");
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: expect.stringContaining("Bearer") });

    const admin = await createUser({ role: "admin" });
    const revoked = await createIngestToken(admin, "old");
    expect((await post(body, {}, revoked.secret)).status).toBe(200);
    await revokeIngestToken(admin, revoked.id);
    expect((await post(body, {}, revoked.secret)).status).toBe(401);
  });

  it("answers 413 for a body over 5 MB, whether Content-Length says so or not", async () => {
    const big = JSON.stringify({ events: [], padding: "x".repeat(5 * 1024 * 1024) });
    expect((await post("{}", { "content-length": String(6 * 1024 * 1024) })).status).toBe(413);
    // Streamed without a length: the bytes read are what counts.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const response = await post(stream);
    expect(response.status).toBe(413);
  });

  it("answers 400 for invalid JSON, a body without events, or more than 1,000 events", async () => {
    expect((await post("{nope")).status).toBe(400);
    expect((await post(JSON.stringify([{ type: "change" }]))).status).toBe(400);
    expect((await post(JSON.stringify({ events: "no" }))).status).toBe(400);
    const tooMany = await post(JSON.stringify({ events: Array.from({ length: 1001 }, () => ({})) }));
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({ error: expect.stringContaining("1000") });
  });

  it("rate-limits each token and says when to retry", async () => {
    const { secret: own } = await newToken("busy");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const response = await post("{}", {}, own);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another token is not affected.
    expect((await post(JSON.stringify({ events: [] }))).status).toBe(200);
  });

  it("keeps a token's bucket in Postgres, so another replica (a fresh copy of the route) still limits it", async () => {
    const { secret: own } = await newToken("shared");
    for (let i = 0; i < 25; i++) await post("{}", {}, own);
    vi.resetModules();
    const { POST: otherReplica } = await import("@/app/api/v1/events/route");
    const response = await otherReplica(
      new Request(URL, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${own}` }, body: "{}" }),
    );
    expect(response.status).toBe(429);
  });

  it("limits failed token checks per client address, refusing that address before it checks the token", async () => {
    const from = (address: string) => ({ "x-forwarded-for": address });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await post(JSON.stringify({ events: [] }), from("203.0.113.7"), `pave_ingest_guess-${i}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    // While it is blocked, even the right token from that address learns nothing.
    const blocked = await post(JSON.stringify({ events: [] }), from("203.0.113.7"));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another address is not affected.
    expect((await post(JSON.stringify({ events: [] }), from("198.51.100.2"), "pave_ingest_wrong")).status).toBe(401);
    expect((await post(JSON.stringify({ events: [] }), from("198.51.100.2"))).status).toBe(200);
  });

  it("stores the good events of a mixed batch and explains the others", async () => {
    const finishedAt = new Date(Date.now() - 3_600_000).toISOString();
    const response = await post(
      JSON.stringify({
        events: [
          { type: "deployment", id: "build-1", service: "checkout", environment: "production", status: "success", finishedAt, commitSha: "abcdef1234567" },
          { type: "deployment", id: "build-2", service: "nowhere", environment: "production", status: "success", finishedAt },
          { type: "incident", id: "INC-1", service: "checkout", openedAt: finishedAt, resolvedAt: "soon" },
        ],
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, id: "build-2", reason: expect.stringContaining("unknown service") },
        { index: 2, id: "INC-1", reason: expect.stringContaining("resolvedAt") },
      ],
    });
    expect(await db.doraDeployment.findMany({ select: { id: true, source: true, entityKey: true } })).toEqual([
      { id: "api:build-1", source: "api", entityKey: "component:default/checkout" },
    ]);
    expect(await db.doraDeploymentChange.count({ where: { deploymentId: "api:build-1", sha: "abcdef1234567" } })).toBe(1);
    const token = await db.ingestToken.findUniqueOrThrow({ where: { name: "ci" } });
    expect(token.lastUsedAt).not.toBeNull();
  });
});
