import { Octokit } from "@octokit/rest";
import { SpanKind } from "@opentelemetry/api";
import { withSpan } from "@/lib/telemetry/tracing";

/**
 * What Pave's GitHub reader and writer share: one way to build the client, to bound a
 * request in time, and to read an Octokit error.
 */

/** The setting named in messages about the token. */
export const TOKEN_SETTING = "GITHUB_TOKEN";

// Octokit logs request failures itself; Pave logs them with context instead.
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** An Octokit client for github.com (no baseUrl) or GitHub Enterprise, with or without a token. */
export function createOctokit(options: { baseUrl?: string; token?: string }): Octokit {
  const octokit = new Octokit({
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : {}),
    ...(options.token ? { auth: options.token } : {}),
    userAgent: "pave",
    log: silentLog,
  });
  // Every request (pages of a list included) gets a client span named after the endpoint's
  // template, e.g. "github GET /repos/{owner}/{repo}/contents/{path}": few names, no values.
  // A full URL (a "next page" link) would make a name per page, so it names only the method.
  octokit.hook.wrap("request", (request, endpoint) => {
    const template = /^https?:/.test(endpoint.url) ? undefined : endpoint.url;
    const attributes = {
      "http.request.method": endpoint.method,
      "server.address": new URL(endpoint.baseUrl).hostname,
      "pave.peer": "github",
      ...(template ? { "url.template": template } : {}),
    };
    return withSpan(
      template ? `github ${endpoint.method} ${template}` : `github ${endpoint.method}`,
      attributes,
      async (span) => {
        try {
          const response = await request(endpoint);
          span.setAttribute("http.response.status_code", response.status);
          return response;
        } catch (error) {
          const status = httpStatus(error);
          if (status !== undefined) span.setAttribute("http.response.status_code", status);
          throw error;
        }
      },
      SpanKind.CLIENT,
    );
  });
  return octokit;
}

/**
 * One request with its own abort signal (@octokit/request 10 ignores `request.timeout`).
 * A request that runs out of time throws `onTimeout(cause)`; any other error unchanged.
 */
export async function requestWithTimeout<T>(
  timeoutMs: number,
  fn: (request: { signal: AbortSignal }) => Promise<{ data: T }>,
  onTimeout: (cause: unknown) => Error,
): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return (await fn({ signal })).data;
  } catch (error) {
    if (signal.aborted) throw onTimeout(error);
    throw error;
  }
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("status" in error)) return undefined;
  const value = Number(error.status);
  return Number.isInteger(value) ? value : undefined;
}

/** The response body of an Octokit error. */
export function responseData(error: unknown): unknown {
  if (typeof error !== "object" || error === null || !("response" in error)) return undefined;
  return (error.response as { data?: unknown } | undefined)?.data;
}

/** The response headers of an Octokit error (rate-limit and retry hints). */
export function responseHeaders(error: unknown): Record<string, string | undefined> {
  if (typeof error !== "object" || error === null || !("response" in error)) return {};
  return (error.response as { headers?: Record<string, string | undefined> } | undefined)?.headers ?? {};
}

/** GitHub's own message in an error response, or "". */
export function githubMessage(error: unknown): string {
  const data = responseData(error);
  if (typeof data === "object" && data !== null && "message" in data && typeof data.message === "string") return data.message;
  return "";
}
