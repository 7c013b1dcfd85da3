import type { AddRoute, Reply, RouteHandler, RouteRequest } from "@/tests/github-stand-in/context";
import { notFound } from "@/tests/github-stand-in/responses/errors";
import type { Repo, Store } from "@/tests/github-stand-in/store";

// The routing table: endpoints are added by their OpenAPI path template, and a request
// finds its handler and parameters by method and raw path.

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export interface MatchedRoute {
  template: string;
  handler: RouteHandler;
  params: Record<string, string>;
}

export function createRouter() {
  const routes: Route[] = [];

  const add: AddRoute = (method, template, handler) => {
    const keys: string[] = [];
    const source = template
      .split("/")
      .map((segment) => {
        const match = /^\{(.+)\}$/.exec(segment);
        if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        keys.push(match[1] ?? "");
        // Paths and refs may contain "/" (Octokit sends it as %2F; GitHub accepts both).
        return match[1] === "path" || match[1] === "ref" ? "(.*)" : "([^/]+)";
      })
      .join("/");
    routes.push({ method, template, pattern: new RegExp(`^${source}$`), keys, handler });
  };

  /** The first route for `method` whose template matches the raw (still encoded) path. */
  function match(method: string, rawPath: string): MatchedRoute | undefined {
    for (const candidate of routes) {
      if (candidate.method !== method) continue;
      const found = candidate.pattern.exec(rawPath);
      if (!found) continue;
      const params = Object.fromEntries(candidate.keys.map((key, i) => [key, safeDecode(found[i + 1] ?? "")]));
      return { template: candidate.template, handler: candidate.handler, params };
    }
    return undefined;
  }

  return { add, match };
}

/** A handler for an endpoint below /repos/{owner}/{repo}: "Not Found" when there is no such repository. */
export const withRepo =
  (store: Store, handler: (repo: Repo, request: RouteRequest) => Reply): RouteHandler =>
  (request) => {
    const repo = store.findRepo(request.params.owner ?? "", request.params.repo ?? "");
    return repo ? handler(repo, request) : notFound();
  };

/** A request body's field when it is a string. */
export const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
