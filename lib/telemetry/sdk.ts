import "server-only";
import { context, diag, DiagLogLevel, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { NodeTracerProvider, Span, SpanProcessor } from "@opentelemetry/sdk-trace-node";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { observeHttpRequests } from "@/lib/telemetry/metrics";

/**
 * Starts this process's telemetry, once, before anything else runs: instrumentation.ts
 * calls startTelemetry() first in every process (web, worker or both), and
 * stopTelemetry() when a graceful shutdown is done.
 * - With PAVE_METRICS_TOKEN set, HTTP requests are counted for /api/metrics.
 * - With OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set, the
 *   OpenTelemetry SDK is loaded and registered: Next.js's own spans (requests, pages,
 *   route handlers) and Pave's (lib/telemetry/tracing.ts) go to the collector as
 *   OTLP/HTTP JSON. Unset, the SDK is never loaded.
 * The exporter, sampler and batching read the standard OTEL_* variables themselves
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, OTEL_BSP_SCHEDULE_DELAY, …).
 */

const holder = globalThis as unknown as { paveTracerProvider?: Promise<NodeTracerProvider | null> };

/** Starts metrics collection and, when a collector is configured, tracing; later calls return the first call's result. */
export function startTelemetry(): Promise<void> {
  const env = getEnv();
  if (env.PAVE_METRICS_TOKEN) observeHttpRequests();
  holder.paveTracerProvider ??= startTracing();
  return holder.paveTracerProvider.then(() => undefined);
}

/** Attributes that hold a whole URL or request target, as Next.js and HTTP clients set them. */
const URL_ATTRIBUTES = ["http.target", "http.url", "url.full"];

/**
 * Keeps query strings in the process: Next.js records each request's target with its
 * query (http.target), and a query can carry a secret, e.g. the OAuth code on sign-in's
 * callback. Only the path reaches the collector.
 */
const dropQueryStrings: SpanProcessor = {
  onStart(span: Span) {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === "string" && value.includes("?")) span.setAttribute(key, value.slice(0, value.indexOf("?")));
    }
  },
  onEnd() {},
  forceFlush: async () => {},
  shutdown: async () => {},
};

async function startTracing(): Promise<NodeTracerProvider | null> {
  const env = getEnv();
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, resources] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
  ]);
  // OTEL_RESOURCE_ATTRIBUTES and the host name, then Pave's service name over them; each
  // process gets its own service.instance.id, so replicas stay apart in the collector.
  const detected = resources.detectResources({ detectors: [resources.envDetector, resources.hostDetector, resources.serviceInstanceIdDetector] });
  const resource = resources
    .defaultResource()
    .merge(detected)
    .merge(resources.resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [dropQueryStrings, new BatchSpanProcessor(new OTLPTraceExporter())] });
  // Also installs the AsyncLocalStorage context manager and W3C trace-context propagation,
  // through which Next.js continues a trace whose traceparent header a request carries.
  provider.register();
  // The SDK reports failed exports (collector down, refused) through diag, silent by default.
  // Written outside any span: the export belongs to no request, whichever one it ran after.
  const warn = (message: string) => context.with(ROOT_CONTEXT, () => log.warn({ otel: message }, "tracing"));
  diag.setLogger({ error: warn, warn, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  log.info({ service: env.OTEL_SERVICE_NAME }, "tracing: exporting spans over OTLP/HTTP");
  return provider;
}

/** Sends the spans still buffered (the batch goes out every few seconds otherwise); a collector that is down is logged, not thrown. */
export async function flushTelemetry(): Promise<void> {
  await (await holder.paveTracerProvider)?.forceFlush().catch((err: unknown) => log.warn({ err }, "tracing: could not send spans"));
}

/** Flushes and stops tracing; for a graceful shutdown, after the last request and job. Never throws. */
export async function stopTelemetry(): Promise<void> {
  const provider = await holder.paveTracerProvider;
  holder.paveTracerProvider = undefined;
  if (!provider) return;
  await provider.shutdown().catch((err: unknown) => log.warn({ err }, "tracing: could not send the last spans"));
  // Unregistered, so a later startTelemetry() in the same process can register again.
  trace.disable();
  context.disable();
  propagation.disable();
  diag.disable();
}
