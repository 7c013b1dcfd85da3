import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { components } from "@octokit/openapi-types";

/**
 * A stand-in for GitHub's REST API in tests: it answers only the endpoints Pave calls,
 * and its answers are typed with GitHub's published OpenAPI schemas, so the compiler
 * checks that they have the shape Octokit and Pave will meet in production.
 *
 * Endpoints:
 *   GET /repos/{owner}/{repo}/contents/{path}?ref=   (repos.getContent)
 */

type ContentFile = components["schemas"]["content-file"];
type ContentDirectory = components["schemas"]["content-directory"];
type BasicError = components["schemas"]["basic-error"];

/** owner/repo → ref (branch, tag or sha) → path → content. */
export type StandInRepos = Record<string, Record<string, Record<string, string>>>;

export interface GitHubStandInOptions {
  repos?: StandInRepos;
  /** When set, every request must carry `Authorization: token <x>` or `Bearer <x>`. */
  token?: string;
  /** The ref used when a request names none; defaults to "main". */
  defaultRef?: string;
}

export interface GitHubStandIn {
  /** The API base URL to give Octokit, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Sets (or, with null, removes) a file at a ref. */
  setFile(ownerRepo: string, ref: string, path: string, content: string | null): void;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const repos: StandInRepos = structuredClone(options.repos ?? {});
  const defaultRef = options.defaultRef ?? "main";
  let baseUrl = "";

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      send(res, 500, { message: "Server Error", documentation_url: DOCS, status: "500" } satisfies BasicError);
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (options.token !== undefined) {
      const match = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? "");
      if (match?.[1] !== options.token) {
        return send(res, 401, { message: "Bad credentials", documentation_url: DOCS, status: "401" } satisfies BasicError);
      }
    }
    const url = new URL(req.url ?? "/", baseUrl);
    const route = /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/.exec(url.pathname);
    if (req.method !== "GET" || !route) return notFound(res, "Not Found");

    const [, owner = "", repo = "", rawPath = ""] = route;
    const ownerRepo = `${decodeURIComponent(owner)}/${decodeURIComponent(repo)}`;
    // Octokit sends the path with "/" encoded as %2F; GitHub accepts both forms.
    const path = decodeURIComponent(rawPath).replace(/^\/+|\/+$/g, "");
    const ref = url.searchParams.get("ref") ?? defaultRef;

    const refs = repos[ownerRepo];
    if (!refs) return notFound(res, "Not Found");
    const files = refs[ref];
    if (!files) return notFound(res, `No commit found for the ref ${ref}`);

    const content = files[path];
    if (content !== undefined) return send(res, 200, fileBody(ownerRepo, ref, path, content));
    const prefix = path === "" ? "" : `${path}/`;
    const entries = Object.keys(files).filter((name) => name.startsWith(prefix));
    if (entries.length > 0) return send(res, 200, directoryBody(ownerRepo, ref, prefix, files));
    return notFound(res, "Not Found");
  }

  function fileBody(ownerRepo: string, ref: string, path: string, content: string): ContentFile {
    const bytes = Buffer.from(content, "utf8");
    const sha = blobSha(bytes);
    const links = linksFor(ownerRepo, ref, path, sha, "blob");
    return {
      type: "file",
      encoding: "base64",
      size: bytes.length,
      name: path.split("/").pop() ?? path,
      path,
      // GitHub wraps base64 content at 60 characters.
      content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
      sha,
      url: links.self,
      git_url: links.git,
      html_url: links.html,
      download_url: `${baseUrl}/raw/${ownerRepo}/${encodeURIComponent(ref)}/${path}`,
      _links: links,
    };
  }

  function directoryBody(ownerRepo: string, ref: string, prefix: string, files: Record<string, string>): ContentDirectory {
    const children = new Map<string, "file" | "dir">();
    for (const name of Object.keys(files)) {
      if (!name.startsWith(prefix)) continue;
      const [first = "", ...rest] = name.slice(prefix.length).split("/");
      children.set(first, rest.length > 0 ? "dir" : "file");
    }
    return [...children].map(([name, type]) => {
      const path = prefix + name;
      const content = files[path];
      const sha = type === "file" && content !== undefined ? blobSha(Buffer.from(content, "utf8")) : blobSha(Buffer.from(path));
      const links = linksFor(ownerRepo, ref, path, sha, type === "file" ? "blob" : "tree");
      return {
        type,
        size: type === "file" && content !== undefined ? Buffer.byteLength(content) : 0,
        name,
        path,
        sha,
        url: links.self,
        git_url: links.git,
        html_url: links.html,
        download_url: type === "file" ? `${baseUrl}/raw/${ownerRepo}/${encodeURIComponent(ref)}/${path}` : null,
        _links: links,
      };
    });
  }

  function linksFor(ownerRepo: string, ref: string, path: string, sha: string, kind: "blob" | "tree"): ContentFile["_links"] {
    return {
      self: `${baseUrl}/repos/${ownerRepo}/contents/${path}?ref=${encodeURIComponent(ref)}`,
      git: `${baseUrl}/repos/${ownerRepo}/git/${kind}s/${sha}`,
      html: `${baseUrl}/${ownerRepo}/${kind}/${encodeURIComponent(ref)}/${path}`,
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    setFile(ownerRepo, ref, path, content) {
      const files = ((repos[ownerRepo] ??= {})[ref] ??= {});
      if (content === null) delete files[path];
      else files[path] = content;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The git blob id of some bytes, as GitHub reports it in `sha`. */
export function blobSha(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function notFound(res: ServerResponse, message: string): void {
  send(res, 404, {
    message,
    documentation_url: `${DOCS}/repos/contents#get-repository-content`,
    status: "404",
  } satisfies BasicError);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-github-media-type": "github.v3; format=json",
  });
  res.end(text);
}
