// Checks telemetry end to end against the production build: starts a web and a worker
// process from .next/standalone, both sending spans to a small OTLP receiver
// (tests/otlp-receiver.ts), requests a page (with a traceparent header and a query), a
// route and a webhook, sends a job for the worker, then checks the spans that arrive, that
// log lines carry their trace ids, and what /api/metrics counted. The worker batches its
// spans for a minute, so its job's span arrives only when SIGTERM's graceful shutdown
// sends what is buffered. Needs the local Postgres:
//   npm run build && npx tsx scripts/check-telemetry.ts
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import PgBoss from "pg-boss";
import { adminQuery, createMigratedDatabase } from "../tests/database";
import { startOtlpReceiver, type ReceivedSpan } from "../tests/otlp-receiver";

const root = path.resolve(import.meta.dirname, "..");
const SERVER = path.join(root, ".next", "standalone", "server.js");
const DATABASE = "pave_telemetry_check";
const METRICS_TOKEN = randomBytes(16).toString("hex");
const QUEUE = "maintenance.purge-expired-sessions";

if (!existsSync(SERVER)) {
  console.error("No .next/standalone/server.js: run `npm run build` first.");
  process.exit(1);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failures: string[] = [];
function check(ok: boolean, what: string, detail = ""): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  if (!ok) failures.push(what);
}

/** The value of one series (name and labels exactly as printed), or 0 when it is absent. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const databaseUrl = await createMigratedDatabase(DATABASE);
const receiver = await startOtlpReceiver();
const ports = { web: await freePort(), worker: await freePort() };
const base = `http://localhost:${ports.web}`;
const logLines: Record<string, unknown>[] = [];
const shared: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  NEXT_MANUAL_SIG_HANDLE: "true",
  HOSTNAME: "127.0.0.1",
  DATABASE_URL: databaseUrl,
  NEXTAUTH_URL: base,
  NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  PAVE_SECRETS_KEY: randomBytes(32).toString("base64"),
  PAVE_BUILTIN_IDP: "true",
  PAVE_METRICS_TOKEN: METRICS_TOKEN,
  PAVE_FLAGS_BOOTSTRAP: path.join(root, "lib/flags/bootstrap.json"),
  GITHUB_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
  LOG_LEVEL: "info",
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_SERVICE_NAME: "pave-check",
  OTEL_BSP_SCHEDULE_DELAY: "200",
};

function start(role: "web" | "worker"): ChildProcess {
  const child = spawn(process.execPath, [SERVER], {
    cwd: path.dirname(SERVER),
    env: {
      ...shared,
      PAVE_PROCESS: role,
      PORT: String(ports[role]),
      ...(role === "worker" ? { OTEL_BSP_SCHEDULE_DELAY: "60000", PAVE_SHUTDOWN_DELAY_SECONDS: "0" } : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logLines.push({ ...(JSON.parse(line) as Record<string, unknown>), process: role });
      } catch {
        // Next's own start-up lines are plain text.
      }
    }
  });
  return child;
}

async function ready(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${port}/api/health/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`the process on port ${port} was not ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const metrics = (port: number) => fetch(`http://127.0.0.1:${port}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((r) => r.text());
const processes = [start("web"), start("worker")];

try {
  await Promise.all([ready(ports.web), ready(ports.worker)]);

  // A page, continuing a trace the caller started, with a query that must stay in the process.
  const callerTrace = randomBytes(16).toString("hex");
  const page = await fetch(`${base}/sign-in?callbackUrl=%2Fcatalog`, { headers: { traceparent: `00-${callerTrace}-${randomBytes(8).toString("hex")}-01` } });
  check(page.status === 200, "GET /sign-in answers 200", String(page.status));
  const pageSpan = await receiver.waitForSpan((s) => s.traceId === callerTrace && s.attributes["next.span_type"] === "BaseServer.handleRequest", 15_000).catch(() => null);
  check(pageSpan !== null, "the page request is a span of the caller's trace", pageSpan ? `${pageSpan.name} ${JSON.stringify(pageSpan.attributes)}` : "");
  check(pageSpan?.attributes["http.target"] === "/sign-in", "its target reaches the collector without the query string");

  // A route handler: Next's request span, with Pave's route span inside it.
  await fetch(`${base}/api/health`);
  const routeSpan = await receiver.waitForSpan((s) => s.name === "route health", 15_000).catch(() => null);
  const routeParent = routeSpan ? receiver.spans().find((s) => s.spanId === routeSpan.parentSpanId) : undefined;
  check(!!routeSpan && !!routeParent, "GET /api/health: span 'route health' inside Next's span", routeParent ? `parent: ${routeParent.name}` : "");

  // A log line written inside a request carries that request's trace id.
  const webhook = await fetch(`${base}/api/webhooks/github`, { method: "POST", body: "{}", headers: { "x-github-event": "ping", "x-github-delivery": "check-1" } });
  check(webhook.status >= 400, "an unsigned webhook is refused", String(webhook.status));
  const webhookSpan = await receiver.waitForSpan((s) => s.name === "route webhooks.github", 15_000).catch(() => null);
  const refused = logLines.find((line) => line.msg === "webhook refused");
  check(!!webhookSpan && refused?.requestId === webhookSpan.traceId, "its log line's requestId is the trace id of its span", `log requestId ${String(refused?.requestId)}, span trace ${webhookSpan?.traceId}`);

  // A job sent to the queue, run by the worker process.
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", supervise: false, schedule: false });
  await boss.start();
  const jobId = await boss.send(QUEUE, {});
  await boss.stop({ graceful: false, wait: false });
  const finished = (text: string) => sample(text, `pave_jobs_finished_last_hour{queue="${QUEUE}",state="completed"}`);
  const deadline = Date.now() + 30_000;
  while (finished(await metrics(ports.web)) < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  const web = await metrics(ports.web);
  check(finished(web) >= 1, "the web process's /api/metrics counts the job the worker finished");
  check(sample(web, 'pave_http_request_duration_seconds_count{method="GET",status="200",kind="page"}') >= 1, "the web process's /api/metrics counted the page request");
  check(sample(await metrics(ports.worker), "process_resident_memory_bytes") > 0, "the worker answers /api/metrics with its own process series");

  const isJob = (s: ReceivedSpan) => s.attributes["pave.job.id"] === jobId;
  check(!receiver.spans().some(isJob), "the worker holds the job's span in its batch");
  const worker = processes[1]!;
  const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
  worker.kill("SIGTERM");
  check((await exited) === 0, "the worker stops on SIGTERM with exit code 0");
  const jobSpan = await receiver.waitForSpan(isJob, 5_000).catch(() => null);
  check(jobSpan !== null, "its graceful shutdown sent the job's span", jobSpan ? `${jobSpan.name} ${JSON.stringify(jobSpan.attributes)}` : "");
  check(jobSpan?.resource["service.name"] === "pave-check", "spans carry OTEL_SERVICE_NAME");
  const webInstance = pageSpan?.resource["service.instance.id"];
  check(!!jobSpan && !!webInstance && jobSpan.resource["service.instance.id"] !== webInstance, "the job's span comes from the worker's own service.instance.id");

  check(!JSON.stringify(receiver.spans()).includes("callbackUrl"), "no span carries the query string");
  const names = [...new Set(receiver.spans().map((s) => s.name))].sort();
  console.log(`\n${receiver.spans().length} spans received; names: ${names.join(" | ")}`);
} finally {
  for (const child of processes) child.kill("SIGKILL");
  await Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
  await receiver.close();
  await adminQuery(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
}

if (failures.length) {
  console.error(`\n${failures.length} check(s) failed.`);
  process.exit(1);
}
console.log("\nall telemetry checks passed");
