import "server-only";
import diagnostics from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import { collectDefaultMetrics, Histogram, Registry, type Metric } from "prom-client";

/**
 * Metrics of this process for /api/metrics: Node's process and runtime metrics
 * (prom-client's defaults, under their usual names) and the HTTP requests this process
 * answered. Everything read from the database lives with its domain; the route adds it.
 * The registry lives on globalThis: Next loads instrumentation and route handlers as
 * separate bundles, and both must see the same one.
 */

type RequestKind = "static" | "api" | "action" | "page";
type HttpLabels = "method" | "status" | "kind";
type ProcessMetrics = { registry: Registry; httpDuration: Histogram<HttpLabels>; httpObserved: boolean };

const holder = globalThis as unknown as { paveProcessMetrics?: ProcessMetrics };

function processState(): ProcessMetrics {
  if (!holder.paveProcessMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const httpDuration = new Histogram<HttpLabels>({
      name: "pave_http_request_duration_seconds",
      help: "HTTP requests this process answered, by method, status code and kind (page, action, api, static), and how long each took until its response was sent.",
      labelNames: ["method", "status", "kind"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    holder.paveProcessMetrics = { registry, httpDuration, httpObserved: false };
  }
  return holder.paveProcessMetrics;
}

/** This process's own metrics (process, runtime, HTTP); each replica reports its own. */
export function processMetrics(): Registry {
  return processState().registry;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** What a request was for, in four values that keep the label's cardinality fixed (paths would not). */
export function requestKind(method: string, url: string, headers: IncomingMessage["headers"]): RequestKind {
  if (url.startsWith("/_next/static/") || url.startsWith("/_next/image") || url === "/favicon.ico") return "static";
  if (url === "/api" || url.startsWith("/api/") || url.startsWith("/api?")) return "api";
  if (method === "POST" && headers["next-action"] !== undefined) return "action";
  return "page";
}

/**
 * Counts and times every request this process's HTTP server answers, through Node's own
 * diagnostics channels (Next hands out no hook that sees every request). Idempotent.
 */
export function observeHttpRequests(): void {
  const state = processState();
  if (state.httpObserved) return;
  state.httpObserved = true;
  const started = new WeakMap<IncomingMessage, number>();
  diagnostics.subscribe("http.server.request.start", (message) => {
    started.set((message as { request: IncomingMessage }).request, performance.now());
  });
  diagnostics.subscribe("http.server.response.finish", (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    const start = started.get(request);
    if (start === undefined) return;
    const method = METHODS.has(request.method ?? "") ? (request.method as string) : "OTHER";
    const kind = requestKind(method, request.url ?? "/", request.headers);
    state.httpDuration.observe({ method, status: String(response.statusCode), kind }, (performance.now() - start) / 1000);
  });
}

/** One series of a histogram counted elsewhere (in SQL): how many values fell in each bucket, and their sum. */
export type CountedSeries = {
  labels: Record<string, string>;
  /** Per bucket, not cumulative: counts[i] values were ≤ buckets[i] and above buckets[i-1]; one more entry for those above the last bucket. */
  counts: number[];
  sum: number;
};

/**
 * Adds a Prometheus histogram whose buckets were counted elsewhere, e.g. by a GROUP BY.
 * prom-client's Histogram only takes single observations, so this registers the same
 * shape its registry prints (`_bucket{le}`, `_sum`, `_count`) from the counts given.
 */
export function registerCountedHistogram(registry: Registry, histogram: { name: string; help: string; buckets: number[]; series: CountedSeries[] }): void {
  const { name, help, buckets } = histogram;
  const values = histogram.series.flatMap(({ labels, counts, sum }) => {
    const total = counts.reduce((a, b) => a + b, 0);
    let cumulative = 0;
    const bucketValues = buckets.map((le, i) => {
      cumulative += counts[i] ?? 0;
      return { metricName: `${name}_bucket`, labels: { le: String(le), ...labels }, value: cumulative };
    });
    return [
      ...bucketValues,
      { metricName: `${name}_bucket`, labels: { le: "+Inf", ...labels }, value: total },
      { metricName: `${name}_sum`, labels, value: sum },
      { metricName: `${name}_count`, labels, value: total },
    ];
  });
  const metric = { name, help, type: "histogram", aggregator: "sum", get: async () => ({ name, help, type: "histogram", aggregator: "sum", values }) };
  registry.registerMetric(metric as unknown as Metric);
}
