import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

/**
 * Pave's own spans (jobs, routes, actions, calls to GitHub and Unleash), through the
 * OpenTelemetry API only. Until lib/telemetry/sdk.ts registers a tracer provider (it does
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set), the API hands out non-recording spans and
 * these helpers cost a function call.
 */

const TRACER_NAME = "pave";

/**
 * What Next.js throws for redirect(), notFound(), forbidden() and the like: control flow
 * that passes through a span, not a failure of it. Each carries a `digest` starting NEXT_.
 */
function isNextControlFlow(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("digest" in error)) return false;
  return typeof error.digest === "string" && error.digest.startsWith("NEXT_");
}

/** Marks a span failed without an exception (e.g. a route that answered 500). */
export function markSpanFailed(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs `fn` inside a new active span named `name`; log lines written inside carry its
 * trace id. An error thrown by `fn` is recorded on the span and rethrown.
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      if (!isNextControlFlow(error)) {
        if (error instanceof Error) span.recordException(error);
        markSpanFailed(span, error instanceof Error ? error.message : String(error));
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * fetch() with a client span `<system> <METHOD>`: the host, path and status as attributes
 * (never the query string or headers, which may hold tokens). A 5xx answer marks it failed.
 */
export function tracedFetch(system: string, url: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? "GET").toUpperCase();
  const parsed = new URL(url);
  const attributes = { "http.request.method": method, "server.address": parsed.hostname, "url.path": parsed.pathname, "pave.peer": system };
  return withSpan(
    `${system} ${method}`,
    attributes,
    async (span) => {
      const response = await fetch(url, init);
      span.setAttribute("http.response.status_code", response.status);
      if (response.status >= 500) markSpanFailed(span, `HTTP ${response.status}`);
      return response;
    },
    SpanKind.CLIENT,
  );
}
