import type { Store } from "@/tests/github-stand-in/store";
import type { GitHubStandInOptions } from "@/tests/github-stand-in/types";

// What the parts of a running stand-in share: the routes, body builders, webhooks and
// server all take this one object instead of reaching into each other.

export interface StandInContext {
  options: GitHubStandInOptions;
  store: Store;
  /** e.g. http://127.0.0.1:40123; set once the server listens, which is before any body is built. */
  baseUrl: string;
  /** Where a request, response or webhook did not match GitHub's OpenAPI description, or the stand-in crashed. */
  violations: string[];
}

/** An answer to one request. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request as a route handler sees it. */
export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export type RouteHandler = (request: RouteRequest) => Reply;

/** Adds the handler of one endpoint, named by its OpenAPI path template, e.g. "/repos/{owner}/{repo}". */
export type AddRoute = (method: string, template: string, handler: RouteHandler) => void;
