import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { createIngestToken } from "@/lib/dora/tokens";
import { createUser } from "@/tests/factories";
import { GET } from "@/app/api/v1/dora/route";
import { resetDatabase } from "@/tests/reset";

let secret: string;
const get = (query: string, token: string | null = secret) =>
  GET(new NextRequest(`http://localhost/api/v1/dora${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

beforeAll(async () => {
  await resetDatabase();
  const catalog =
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n" +
    "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n";
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
  secret = (await createIngestToken(await createUser({ role: "admin" }), "reader")).secret;
});

describe("GET /api/v1/dora", () => {
  it("answers reports for a service, a team and the organisation to a token holder", async () => {
    const service = await get("?service=checkout&from=2026-01-01&to=2026-01-31");
    expect(service.status).toBe(200);
    expect(await service.json()).toMatchObject({ scope: { kind: "service", entityKey: "component:default/checkout" }, from: "2026-01-01", to: "2026-02-01", exact: true });
    expect(await (await get("?team=team-a")).json()).toMatchObject({ scope: { kind: "team", owner: "group:default/team-a" } });
    expect(await (await get("")).json()).toMatchObject({ scope: { kind: "organisation" } });
  });

  it("explains bad parameters, unknown services and a wrong token", async () => {
    expect((await get("?from=2026-02-30")).status).toBe(400);
    expect((await get("?from=2026-02-01&to=2026-01-01")).status).toBe(400);
    expect((await get("?profile=nope")).status).toBe(400);
    expect((await get("?service=a&team=b")).status).toBe(400);
    expect((await get("?service=nowhere")).status).toBe(404);
    expect((await get("?team=nobody")).status).toBe(404);
    expect((await get("", "pave_ingest_wrong")).status).toBe(401);
  });
});
