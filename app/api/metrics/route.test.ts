import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { ingestEvents } from "@/lib/dora/ingest";
import { connectQueue, stopJobs } from "@/lib/jobs/queue";
import { observeHttpRequests } from "@/lib/telemetry/metrics";
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

afterAll(async () => {
  await stopJobs();
});

async function scrape(): Promise<string> {
  const response = await GET(new Request("http://localhost/api/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series (name and labels exactly as printed), or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

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

  it("adds this process's runtime metrics and the HTTP requests its server answered, by kind", async () => {
    observeHttpRequests();
    const server = http.createServer((request, response) => response.writeHead(request.url === "/api/x" ? 204 : 200).end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const count = (text: string, labels: string) => sample(text, `pave_http_request_duration_seconds_count{${labels}}`) ?? 0;
    const before = await scrape();
    try {
      await fetch(`${base}/api/x`);
      await fetch(`${base}/catalog`);
      await fetch(`${base}/catalog`);
      await fetch(`${base}/catalog`, { method: "POST", headers: { "next-action": "abc123" } });
      await fetch(`${base}/_next/static/chunks/app.js`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const after = await scrape();
    expect(count(after, 'method="GET",status="204",kind="api"') - count(before, 'method="GET",status="204",kind="api"')).toBe(1);
    expect(count(after, 'method="GET",status="200",kind="page"') - count(before, 'method="GET",status="200",kind="page"')).toBe(2);
    expect(count(after, 'method="POST",status="200",kind="action"') - count(before, 'method="POST",status="200",kind="action"')).toBe(1);
    expect(count(after, 'method="GET",status="200",kind="static"') - count(before, 'method="GET",status="200",kind="static"')).toBe(1);
    expect(after).toContain("# TYPE pave_http_request_duration_seconds histogram");
    expect(sample(after, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(after, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
    expect(after).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
  });

  it("counts catalog entities per kind and locations", async () => {
    const text = await scrape();
    expect(sample(text, 'pave_catalog_entities{kind="Component"}')).toBe(1);
    expect(sample(text, 'pave_catalog_locations{state="ok"}')).toBe(0);
    expect(sample(text, 'pave_catalog_locations{state="failing"}')).toBe(0);
  });

  it("counts template runs per template and status, and the durations of finished runs", async () => {
    const runs = (text: string, status: string) => sample(text, `pave_scaffolder_runs{template="node-microservice",status="${status}"}`) ?? 0;
    const durations = (text: string, series: string) => sample(text, `pave_scaffolder_run_duration_seconds${series}`) ?? 0;
    const before = await scrape();
    const startedAt = new Date(Date.now() - 60_000);
    const run = (status: "queued" | "succeeded" | "failed", seconds?: number) =>
      db.scaffolderRun.create({
        data: {
          templateId: "node-microservice",
          templateTitle: "Node.js microservice",
          parameters: {},
          status,
          ...(seconds === undefined ? {} : { startedAt, finishedAt: new Date(startedAt.getTime() + seconds * 1000) }),
        },
      });
    await run("succeeded", 42);
    await run("succeeded", 3);
    await run("failed", 700);
    await run("queued");
    const after = await scrape();
    expect(runs(after, "succeeded") - runs(before, "succeeded")).toBe(2);
    expect(runs(after, "failed") - runs(before, "failed")).toBe(1);
    expect(runs(after, "queued") - runs(before, "queued")).toBe(1);
    expect(after).toContain("# TYPE pave_scaffolder_run_duration_seconds histogram");
    const succeeded = (series: string) => durations(after, series) - durations(before, series);
    expect(succeeded('_bucket{le="2.5",status="succeeded"}')).toBe(0);
    expect(succeeded('_bucket{le="5",status="succeeded"}')).toBe(1);
    expect(succeeded('_bucket{le="60",status="succeeded"}')).toBe(2);
    expect(succeeded('_bucket{le="+Inf",status="succeeded"}')).toBe(2);
    expect(succeeded('_count{status="succeeded"}')).toBe(2);
    expect(succeeded('_sum{status="succeeded"}')).toBeCloseTo(45);
    expect(durations(after, '_bucket{le="600",status="failed"}') - durations(before, '_bucket{le="600",status="failed"}')).toBe(0);
    expect(durations(after, '_bucket{le="1800",status="failed"}') - durations(before, '_bucket{le="1800",status="failed"}')).toBe(1);
  });

  it("reports each queue's waiting and running jobs, the oldest wait, and the last hour's finished jobs and run times", async () => {
    const boss = await connectQueue({ worker: false });
    const queue = "maintenance.prune";
    // Whatever earlier tests left in this worker's queue, the changes below are what counts.
    await db.$executeRaw`DELETE FROM pgboss.job WHERE name = ${queue}`;
    await boss.send(queue, {});
    await boss.send(queue, {});
    await boss.send(queue, {});
    const [first, second] = await boss.fetch(queue, { batchSize: 2 });
    await db.$executeRaw`UPDATE pgboss.job SET started_on = now() - interval '4 seconds' WHERE id = ${first!.id}::uuid`;
    await boss.complete(queue, first!.id);
    await db.$executeRaw`UPDATE pgboss.job SET created_on = now() - interval '90 seconds', start_after = now() - interval '90 seconds' WHERE name = ${queue} AND state = 'created'`;

    const text = await scrape();
    expect(sample(text, `pave_job_queue_depth{queue="${queue}"}`)).toBe(1);
    expect(sample(text, `pave_jobs_active{queue="${queue}"}`)).toBe(1);
    expect(sample(text, `pave_job_oldest_waiting_seconds{queue="${queue}"}`)).toBeGreaterThanOrEqual(89);
    expect(sample(text, `pave_jobs_finished_last_hour{queue="${queue}",state="completed"}`)).toBe(1);
    expect(sample(text, `pave_jobs_finished_last_hour{queue="${queue}",state="failed"}`)).toBe(0);
    expect(sample(text, `pave_job_duration_last_hour_seconds{queue="${queue}",quantile="0.5"}`)).toBeGreaterThanOrEqual(4);
    // Every queue has a depth series, so an alert on it never sees "no data" for an idle queue.
    expect(sample(text, 'pave_job_queue_depth{queue="jobs.dead-letter"}')).toBe(0);

    await boss.fail(queue, second!.id);
    expect(sample(await scrape(), `pave_jobs_finished_last_hour{queue="${queue}",state="failed"}`)).toBe(1);
  });
});
