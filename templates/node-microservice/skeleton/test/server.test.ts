import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { test, type TestContext } from "node:test";
{%- if values.enableFlags %}
import { defaultFlags, KILL_SWITCH, startFeatureFlags, type FeatureFlags } from "../src/flags.js";
{%- endif %}
import { createLogger } from "../src/log.js";
import { createServer, type ServerOptions } from "../src/server.js";

const silent = createLogger("silent");

/** Starts a server on a free port and returns its base URL; closes it when the test ends. */
async function startServer(t: TestContext, options: Partial<ServerOptions> = {}): Promise<string> {
{%- if values.enableFlags %}
  const flags = options.flags ?? (await startLocalFlags(t, defaultFlags));
  const server = createServer({ logger: silent, ...options, flags });
{%- else %}
  const server = createServer({ logger: silent, ...options });
{%- endif %}
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
{%- if values.enableFlags %}

async function startLocalFlags(t: TestContext, bootstrap: typeof defaultFlags): Promise<FeatureFlags> {
  const flags = await startFeatureFlags({ logger: silent, bootstrap });
  t.after(() => flags.close());
  return flags;
}
{%- endif %}

test("GET /healthz answers ok", async (t) => {
  const base = await startServer(t);
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  assert.deepEqual(await res.json(), { status: "ok" });
});

test("GET /readyz turns 503 while the service drains", async (t) => {
  let ready = true;
  const base = await startServer(t, { isReady: () => ready });
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  ready = false;
  const res = await fetch(`${base}/readyz`);
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { status: "shutting down" });
});

test("GET / answers the demo route", async (t) => {
  const base = await startServer(t);
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { service: string }).service, "${{ values.name }}");
});

test("unknown paths answer 404", async (t) => {
  const base = await startServer(t);
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

test("GET /metrics exposes default metrics and counts requests", async (t) => {
  const base = await startServer(t);
  await fetch(`${base}/`);
  await fetch(`${base}/`);
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
  const text = await res.text();
  assert.match(text, /^# TYPE http_requests_total counter$/m);
  assert.match(text, /^http_requests_total\{method="GET",route="\/",status_code="200",service="${{ values.name }}"\} 2$/m);
  assert.match(text, /^http_request_duration_seconds_count\{.*route="\/".*\} 2$/m);
  assert.match(text, /^process_cpu_user_seconds_total/m);
});

test("request logs are JSON and never contain the Authorization header", async (t) => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  const base = await startServer(t, { logger: createLogger("info", sink) });
  await fetch(`${base}/`, { headers: { authorization: "Bearer s3cret-token" } });

  const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === "request handled");
  assert.ok(entry, "expected a request log line");
  assert.equal(entry.level, "info");
  assert.equal(entry.service, "${{ values.name }}");
  assert.equal(entry.req.headers.authorization, "[redacted]");
  assert.ok(!lines.join("\n").includes("s3cret-token"));
});
{%- if values.enableFlags %}

test("the kill switch makes the demo route answer 503 while it is ON", async (t) => {
  assert.equal(KILL_SWITCH, "${{ values.name }}.kill-switch");

  const off = await startServer(t, { flags: await startLocalFlags(t, defaultFlags) });
  assert.equal((await fetch(`${off}/`)).status, 200);

  const killed = defaultFlags.map((flag) => (flag.name === KILL_SWITCH ? { ...flag, enabled: true } : flag));
  const on = await startServer(t, { flags: await startLocalFlags(t, killed) });
  const res = await fetch(`${on}/`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "60");
  assert.deepEqual(await res.json(), { error: "temporarily disabled" });
  // Probes stay green: a killed feature is not a broken pod.
  assert.equal((await fetch(`${on}/healthz`)).status, 200);
  assert.equal((await fetch(`${on}/readyz`)).status, 200);
});
{%- endif %}
