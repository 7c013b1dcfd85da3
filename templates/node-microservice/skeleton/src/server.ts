import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { Logger } from "pino";
import { serviceName } from "./config.js";
{%- if values.enableFlags %}
import { KILL_SWITCH, type FeatureFlags } from "./flags.js";
{%- endif %}

export interface ServerOptions {
  logger: Logger;
{%- if values.enableFlags %}
  flags: FeatureFlags;
{%- endif %}
  /** False while the process drains before exit, so load balancers stop sending traffic. */
  isReady?: () => boolean;
}

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

type Handler = (req: IncomingMessage) => Reply | Promise<Reply>;

// Probes and scrapes are logged at debug level so they don't drown real traffic.
const quietRoutes = new Set(["/healthz", "/readyz", "/metrics"]);

/** Creates the HTTP server with its probes, metrics and demo route; call listen() on it. */
export function createServer({ logger,{% if values.enableFlags %} flags,{% endif %} isReady = () => true }: ServerOptions): Server {
  // One registry per server keeps tests that start several servers independent.
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests handled, by method, route and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time to handle an HTTP request, by method, route and status code.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const routes: Record<string, Handler> = {
    "GET /healthz": () => ({ status: 200, body: { status: "ok" } }),
    "GET /readyz": () =>
      isReady() ? { status: 200, body: { status: "ready" } } : { status: 503, body: { status: "shutting down" } },
    "GET /metrics": async () => ({
      status: 200,
      body: await registry.metrics(),
      contentType: registry.contentType,
    }),
    "GET /": () => {
{%- if values.enableFlags %}
      if (flags.isEnabled(KILL_SWITCH)) {
        return { status: 503, body: { error: "temporarily disabled" }, headers: { "retry-after": "60" } };
      }
{%- endif %}
      return { status: 200, body: { service: serviceName, message: "Hello from ${{ values.name }}" } };
    },
  };

  return createHttpServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const key = `${method} ${path}`;
    // Unknown paths share one label so scanners can't blow up the metric's cardinality.
    const route = key in routes ? path : "unmatched";

    let reply: Reply;
    try {
      const handler = routes[key];
      reply = handler ? await handler(req) : { status: 404, body: { error: "not found" } };
    } catch (err) {
      logger.error({ err, method, path }, "request failed");
      reply = { status: 500, body: { error: "internal error" } };
    }
    send(res, reply);

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = { method, route, status_code: String(reply.status) };
    requests.inc(labels);
    duration.observe(labels, seconds);
    const level = quietRoutes.has(path) ? "debug" : "info";
    logger[level](
      { req: { method, url: req.url, headers: req.headers }, res: { statusCode: reply.status }, durationMs: seconds * 1000 },
      "request handled",
    );
  });
}

function send(res: ServerResponse, { status, body, contentType, headers }: Reply): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": contentType ?? "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
