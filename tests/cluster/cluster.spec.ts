import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { signInAs } from "../../e2e/fixtures/auth";
import { Cluster, PORTS, sleep, traffic, WORK, type TrafficResult } from "./harness";

const cluster = new Cluster();

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Starts the slow golden path from the wizard and lands on its run page. */
async function startSlowRun(page: Page, name: string): Promise<string> {
  await page.goto("/create");
  await page.getByRole("link", { name: "Choose Slow service" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page).toHaveURL(/\/create\/runs\/[a-z0-9]+$/);
  return page.url().split("/").pop()!;
}

/** A response that must not reach a browser: a stack trace, SQL or a driver's message. */
const LEAK = /\bat \S+ \(|node_modules|prisma|SELECT |ECONNREFUSED|stack/i;

test.describe.serial("several replicas on one PostgreSQL", () => {
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    await cluster.start();
  });
  test.afterAll(async () => {
    await cluster.stop();
  });

  test("two migration jobs started at once apply each migration once", async () => {
    expect(cluster.migrations.map((result) => result.code)).toEqual([0, 0]);
    const shipped = readdirSync("prisma/migrations", { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
    const applied = await query<{ migration_name: string; n: string }>("SELECT migration_name, count(*) AS n FROM _prisma_migrations GROUP BY 1");
    expect(applied).toHaveLength(shipped);
    expect(applied.every((row) => row.n === "1")).toBe(true);
  });

  test("a process refuses to start on an unmigrated database, saying what to do", async () => {
    await query('CREATE DATABASE "pave_unmigrated"');
    const url = cluster.databaseUrl.replace(/\/pave$/, "/pave_unmigrated");
    const { spawnSync } = await import("node:child_process");
    const env = { ...cluster.env("web1"), PORT: "3109", DATABASE_URL: url };
    const result = spawnSync(process.execPath, [path.join(".next", "standalone", "server.js")], { env, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr + result.stdout).toContain("npm run db:deploy");
  });

  test("a wizard run survives its worker being killed; its page polls both web processes", async ({ page }) => {
    await signInAs(page, "member", "/create");
    const runId = await startSlowRun(page, "cluster-svc");
    await expect(page.getByRole("listitem", { name: "Wait a moment: running" })).toBeVisible();

    const killed = await cluster.kill("worker", "SIGKILL");
    expect(killed?.signal).toBe("SIGKILL");
    await cluster.startProcess("worker");
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });

    const polls = cluster.proxy.requests.filter((request) => request.path.includes(runId) && request.path.startsWith("/api/"));
    expect(new Set(polls.map((request) => request.backend))).toEqual(new Set([PORTS.web1, PORTS.web2]));
    expect(readdirSync(path.join(WORK, "git", "acme")).filter((name) => name.startsWith("cluster-svc"))).toEqual(["cluster-svc.git"]);
    expect(await query("SELECT 1 FROM entities WHERE name = 'cluster-svc'")).toHaveLength(1);
    const log = await query<{ message: string }>("SELECT message FROM scaffolder_logs WHERE run_id = $1", [runId]);
    expect(log.map((row) => row.message).join("\n")).toMatch(/already succeeded in an earlier attempt|Waiting/);
  });

  test("a database request is approved and merged through the proxy", async ({ browser }) => {
    const member = await browser.newContext();
    const page = await member.newPage();
    await signInAs(page, "member", "/self-service/databases/new");
    await page.getByLabel("Service").selectOption({ label: "Cart service (team-checkout)" });
    await page.getByLabel("Environment").selectOption("staging");
    await page.getByRole("radio", { name: /small/ }).check();
    await page.getByLabel("Justification").fill("Carts need a durable store in staging.");
    await page.getByRole("button", { name: "Submit request" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("for cart-service (staging)");
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("link", { name: /Pull request #\d+/ })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    const requestUrl = page.url();
    await member.close();

    const platform = await browser.newContext();
    const reviewer = await platform.newPage();
    await signInAs(reviewer, "platform", requestUrl.replace(/^https?:\/\/[^/]+/, ""));
    await reviewer.getByRole("button", { name: "Approve" }).click();
    await expect(reviewer.getByTestId("request-status")).toHaveText("approved");
    await reviewer.getByRole("button", { name: "Merge" }).click();
    await expect(reviewer.getByTestId("request-status")).toHaveText("provisioned");
    const [request] = await query<{ file_path: string }>("SELECT file_path FROM database_requests WHERE service_name = 'cart-service' AND environment = 'staging'");
    const repo = path.join(WORK, "git", "platform", "infrastructure.git");
    expect(execFileSync("git", ["--git-dir", repo, "show", `main:${request!.file_path}`], { encoding: "utf8" })).toContain('"cart-service"');
    await platform.close();
  });

  test("SIGTERM to a web process during traffic: it turns unready, drains and exits 0; no request fails", async ({ page }) => {
    await signInAs(page, "member", "/catalog");
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const load = traffic(cluster.proxy.url, cookie, ["/catalog", "/catalog/component/default/cart-service", "/api/health", "/dora"], 6);
    await sleep(2000);
    const web2 = cluster.processes.get("web2")!;
    web2.process.kill("SIGTERM");
    await expect.poll(() => cluster.readiness("web2"), { timeout: 2000, intervals: [100] }).toBe(503);
    const ended = await web2.exited;
    cluster.processes.delete("web2");
    await sleep(1500);
    const results = await load.stop();
    expect(ended.code).toBe(0);
    const failed = results.filter((result) => result.status !== 200);
    expect(failed.map(describe)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    await cluster.startProcess("web2");
  });

  test("PostgreSQL restarts during traffic: clear 503s fast, unready, then everything recovers and no job is lost", async ({ page }) => {
    await signInAs(page, "member", "/create");
    const runId = await startSlowRun(page, "outage-svc");
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const load = traffic(cluster.proxy.url, cookie, ["/catalog", "/api/health", "/catalog/component/default/cart-service", "/api/v1/dora"], 4);
    await sleep(1000);

    await cluster.database.stop();
    const stoppedAt = Date.now();
    await sleep(3000);
    expect(await cluster.readiness("web1")).toBe(503);
    expect(await cluster.readiness("worker")).toBe(503);
    // What a person sees meanwhile.
    const away = await page.goto("/catalog");
    expect(away?.status()).toBe(503);
    await expect(page.getByRole("heading", { name: "Pave is unavailable for a moment" })).toBeVisible();
    await expect(page.getByText("Pave can't reach its database right now.")).toBeVisible();
    await page.screenshot({ path: "test-results/cluster/database-away.png" });
    const duringOutage = (await load.stop()).filter((result) => result.ms < 30_000);
    const outageAnswers = duringOutage.filter((result) => result.status !== 200);
    expect(outageAnswers.length).toBeGreaterThan(0);
    // A page request that finds the outage itself (before its process has marked the
    // database as away) ends in the generic error page; every later one gets the 503 page.
    const discovering = outageAnswers.filter((answer) => answer.status === 500);
    expect(discovering.length, discovering.map(describe).join("\n")).toBeLessThanOrEqual(2);
    for (const answer of outageAnswers) {
      expect([500, 503], describe(answer)).toContain(answer.status);
      if (answer.status === 500) expect(answer.path.startsWith("/api/"), describe(answer)).toBe(false);
      expect(answer.body, describe(answer)).not.toMatch(LEAK);
    }
    // Failing fast: answers while the database was away took well under the connection timeout.
    const slowest = Math.max(...outageAnswers.map((result) => result.ms));
    expect(slowest).toBeLessThan(5500);

    cluster.database = await cluster.startDatabase();
    const backAt = Date.now();
    const recovered = traffic(cluster.proxy.url, cookie, ["/catalog", "/api/health"], 2);
    await expect
      .poll(async () => [await cluster.readiness("web1"), await cluster.readiness("web2"), await cluster.readiness("worker")].join(","), { timeout: 10_000, intervals: [250] })
      .toBe("200,200,200");
    const readyAfter = Date.now() - backAt;
    await sleep(2000);
    const after = (await recovered.stop()).filter((result) => result.status === 200);
    expect(after.length).toBeGreaterThan(0);
    expect(Date.now() - backAt).toBeLessThan(15_000);
    const counts = new Map<string, number>();
    for (const result of duringOutage) counts.set(`${result.path} ${result.status}`, (counts.get(`${result.path} ${result.status}`) ?? 0) + 1);
    const statuses = [...counts].map(([key, n]) => `${key} ×${n}`);
    console.log(`database away ${backAt - stoppedAt} ms; answers meanwhile: ${statuses.join(", ")}; slowest failing answer ${slowest} ms; ready again after ${readyAfter} ms`);

    // The run that was in flight when the database went away still completes.
    await page.goto(`/create/runs/${runId}`);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
    expect(await query("SELECT 1 FROM entities WHERE name = 'outage-svc'")).toHaveLength(1);
  });

  test("every process sends its spans to the collector: page requests on both web processes, jobs on the worker", async ({ page }) => {
    await signInAs(page, "member", "/catalog");
    await page.goto("/catalog");
    const spans = () => cluster.collector.spans();
    const pages = () => spans().filter((span) => span.attributes["next.span_type"] === "BaseServer.handleRequest" && span.attributes["http.target"] === "/catalog");
    // Two web processes, and web2 again after its restart above.
    await expect.poll(() => new Set(pages().map((span) => span.resource["service.instance.id"])).size, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const job = await cluster.collector.waitForSpan((span) => span.name === "job scaffolder.run", 20_000);
    expect(job.resource["service.name"]).toBe("pave-cluster");
    expect(pages().map((span) => span.resource["service.instance.id"])).not.toContain(job.resource["service.instance.id"]);
  });
});

function describe(result: TrafficResult): string {
  return `${result.path} → ${result.status ?? result.error} in ${result.ms} ms: ${result.body.slice(0, 200)}`;
}
