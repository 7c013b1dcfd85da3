import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { ingestEvents } from "@/lib/dora/ingest";
import { GET } from "@/app/api/metrics/route";
import { resetDatabase } from "@/tests/reset";

const TOKEN = "metrics-token-for-tests-0123";
const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

beforeAll(async () => {
  process.env.PAVE_METRICS_TOKEN = TOKEN;
  await resetDatabase();
  const catalog = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n";
  await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
  await ingestEvents(
    [
      { type: "change", id: "a".repeat(40), service: "checkout", committedAt: ago(50) },
      { type: "deployment", id: "d1", service: "checkout", environment: "production", status: "success", finishedAt: ago(48), changes: ["a".repeat(40)] },
      { type: "deployment", id: "d2", service: "checkout", environment: "production", status: "success", finishedAt: ago(30) },
      { type: "incident", id: "i1", service: "checkout", openedAt: ago(29), resolvedAt: ago(28) },
    ],
    "api",
    { productionEnvironments: ["production"] },
  );
});

describe("GET /api/metrics", () => {
  it("needs the metrics token", async () => {
    expect((await GET(new Request("http://localhost/api/metrics"))).status).toBe(401);
    expect((await GET(new Request("http://localhost/api/metrics", { headers: { authorization: "Bearer nope" } }))).status).toBe(401);
  });

  it("exposes the four DORA gauges per service over the last 30 days", async () => {
    const response = await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{service="component:default/checkout"\\} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("pave_dora_deployments_per_day")).toBeCloseTo(2 / 30);
    expect(value("pave_dora_change_failure_rate")).toBe(0.5);
    expect(value("pave_dora_lead_time_seconds")).toBeGreaterThanOrEqual(1.5 * 3600);
    expect(value("pave_dora_lead_time_seconds")).toBeLessThanOrEqual(3 * 3600);
    expect(value("pave_dora_time_to_restore_seconds")).toBeGreaterThanOrEqual(45 * 60);
    expect(value("pave_dora_time_to_restore_seconds")).toBeLessThanOrEqual(1.5 * 3600);
  });
});
