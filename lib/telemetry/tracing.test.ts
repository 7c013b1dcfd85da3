import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { trace } from "@opentelemetry/api";
import { redirect } from "next/navigation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as health } from "@/app/api/health/route";
import { defineActionWith } from "@/lib/action";
import { getFlagTags } from "@/lib/flags/admin";
import { GitHubReader } from "@/lib/git/github";
import { parseLocationTarget } from "@/lib/git/location";
import { defineRoute } from "@/lib/http/route";
import { runJob, stopJobs } from "@/lib/jobs/worker";
import { createLogger } from "@/lib/log";
import { flushTelemetry, startTelemetry, stopTelemetry } from "@/lib/telemetry/sdk";
import { withSpan } from "@/lib/telemetry/tracing";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "@/tests/otlp-receiver";

// The whole path a span takes in production: Pave's code → the SDK that
// startTelemetry() registers → OTLP/HTTP JSON → a collector (here a small receiver).

const SPAN_KIND = { internal: 1, server: 2, client: 3, consumer: 5 };
const STATUS_ERROR = 2;

let receiver: OtlpReceiver;
let github: GitHubStandIn;
let unleash: http.Server;

async function exported(match: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan> {
  await flushTelemetry();
  return receiver.waitForSpan(match);
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  github = await startGitHubStandIn({ token: "ghp_telemetry_test_token", repos: { "acme/checkout": { main: { "catalog-info.yaml": "kind: Component\n" } } } });
  unleash = http.createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tags: [{ type: "pave-service", value: "component:default/checkout" }] }));
  });
  await new Promise<void>((resolve) => unleash.listen(0, "127.0.0.1", resolve));
  // Read by getEnv() on first use, which startTelemetry() is.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_SERVICE_NAME = "pave-test";
  process.env.UNLEASH_URL = `http://127.0.0.1:${(unleash.address() as AddressInfo).port}/api`;
  process.env.UNLEASH_API_TOKEN = "default:development.client-token";
  process.env.UNLEASH_ADMIN_TOKEN = "*:*.admin-token";
  await startTelemetry();
});

afterAll(async () => {
  await stopTelemetry();
  await stopJobs();
  await Promise.all([receiver.close(), github.close(), new Promise((resolve) => unleash.close(resolve))]);
});

describe("traces sent to an OTLP collector", () => {
  it("carry a job run as a consumer span with its id and attempt, under Pave's service name", async () => {
    await runJob("maintenance.purge-expired-sessions", { id: "job-telemetry-1", data: {}, retryCount: 1, retryLimit: 3 });
    const span = await exported((s) => s.name === "job maintenance.purge-expired-sessions");
    expect(span.kind).toBe(SPAN_KIND.consumer);
    expect(span.parentSpanId).toBeNull();
    expect(span.attributes).toMatchObject({ "pave.job.name": "maintenance.purge-expired-sessions", "pave.job.id": "job-telemetry-1", "pave.job.attempt": 2 });
    expect(span.resource).toMatchObject({ "service.name": "pave-test" });
    expect(span.resource["service.instance.id"]).toEqual(expect.any(String));
  });

  it("carry a route handler call with its name and status, a 500 marked as an error", async () => {
    const response = await health(new Request("http://localhost/api/health"));
    const span = await exported((s) => s.name === "route health");
    expect(span.attributes).toMatchObject({ "pave.route": "health", "http.request.method": "GET", "http.response.status_code": response.status });

    const broken = defineRoute({
      name: "test.broken",
      auth: "none",
      async handle() {
        throw new Error("database went away");
      },
    });
    expect((await broken(new Request("http://localhost/api/broken", { method: "POST" }))).status).toBe(500);
    const failed = await exported((s) => s.name === "route test.broken");
    expect(failed.statusCode).toBe(STATUS_ERROR);
    expect(failed.attributes["http.response.status_code"]).toBe(500);
  });

  it("nest a route's work under the request span that called it (as Next.js's request span does)", async () => {
    await withSpan("GET /api/health", {}, () => health(new Request("http://localhost/api/health")));
    const parent = await exported((s) => s.name === "GET /api/health");
    const child = await exported((s) => s.name === "route health" && s.parentSpanId === parent.spanId);
    expect(child.traceId).toBe(parent.traceId);
  });

  it("carry a server action call with its name and outcome; redirect() is not an error", async () => {
    const define = defineActionWith({
      currentUser: async () => ({ id: "u1", name: "Member", email: "member@test.local", image: null, role: "member", groups: [] }),
      revalidatePath: () => {},
    });
    const save = define({ name: "test.save", role: "member", schema: z.object({ name: z.string().min(1) }), run: async () => "saved" });
    await save(null, { name: "" });
    const refused = await exported((s) => s.name === "action test.save");
    expect(refused.attributes).toMatchObject({ "pave.action": "test.save", "pave.action.ok": false });

    const leave = define({ name: "test.leave", role: "member", schema: z.object({}), run: async () => redirect("/catalog") });
    await expect(leave(null, {})).rejects.toThrow();
    const redirected = await exported((s) => s.name === "action test.leave");
    expect(redirected.statusCode).not.toBe(STATUS_ERROR);
  });

  it("carry calls to GitHub as client spans named after the endpoint, without its values", async () => {
    const reader = new GitHubReader({ baseUrl: github.url, token: "ghp_telemetry_test_token" });
    await reader.readFile(parseLocationTarget(`${github.url}/acme/checkout/blob/main/catalog-info.yaml`, { githubWebUrl: github.url }));
    const span = await exported((s) => s.name.startsWith("github GET"));
    expect(span.name).toBe("github GET /repos/{owner}/{repo}/contents/{path}");
    expect(span.kind).toBe(SPAN_KIND.client);
    expect(span.attributes).toMatchObject({ "http.response.status_code": 200, "server.address": "127.0.0.1" });
    expect(JSON.stringify(span)).not.toContain("ghp_telemetry_test_token");
  });

  it("carry calls to Unleash's Admin API as client spans, without the admin token", async () => {
    expect(await getFlagTags("checkout-new-flow")).toEqual([{ type: "pave-service", value: "component:default/checkout" }]);
    const span = await exported((s) => s.name === "unleash GET");
    expect(span.kind).toBe(SPAN_KIND.client);
    expect(span.attributes).toMatchObject({ "url.path": "/api/admin/features/checkout-new-flow/tags", "http.response.status_code": 200 });
    expect(JSON.stringify(span)).not.toContain("admin-token");
  });

  it("leave query strings out of the request targets Next.js records", async () => {
    trace
      .getTracer("next.js")
      .startSpan("GET /api/auth/callback/oidc", { attributes: { "http.target": "/api/auth/callback/oidc?code=one-time-code&state=abc" } })
      .end();
    const span = await exported((s) => s.name === "GET /api/auth/callback/oidc");
    expect(span.attributes["http.target"]).toBe("/api/auth/callback/oidc");
  });
});

describe("log lines", () => {
  it("written inside a span carry its trace id as the request id", async () => {
    const lines: string[] = [];
    const logger = createLogger(
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
      "info",
    );
    logger.info("before");
    let traceId = "";
    await withSpan("request with a log line", {}, async () => {
      traceId = trace.getActiveSpan()!.spanContext().traceId;
      logger.info("inside");
    });
    const span = await exported((s) => s.name === "request with a log line");
    const [before, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(before).not.toHaveProperty("requestId");
    expect(inside).toMatchObject({ msg: "inside", requestId: span.traceId, spanId: span.spanId });
    expect(span.traceId).toBe(traceId);
  });
});
