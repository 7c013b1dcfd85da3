import { Octokit } from "@octokit/rest";
import { log } from "@/lib/log";
import type { LocationTarget } from "@/lib/git/location";
import { decodeGitFile, GitReadError, MAX_GIT_FILE_BYTES, type GitFile, type GitReader } from "@/lib/git/types";

const REQUEST_TIMEOUT_MS = 10_000;
const TOKEN_SETTING = "GITHUB_TOKEN";

// Octokit prints failed requests to the console by default; our own log line, without
// the response body, is enough.
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Reads files from GitHub (or GitHub Enterprise, via baseUrl) through its REST contents API. */
export class GitHubReader implements GitReader {
  private readonly octokit: Octokit;
  private readonly hasToken: boolean;
  private readonly timeoutMs: number;

  /** `timeoutMs` (default 10 s) bounds each request; tests shorten it. */
  constructor(options: { baseUrl?: string; token?: string; timeoutMs?: number } = {}) {
    this.hasToken = !!options.token;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.octokit = new Octokit({
      ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, "") } : {}),
      ...(options.token ? { auth: options.token } : {}),
      userAgent: "pave",
      log: silentLog,
    });
  }

  async readFile(target: LocationTarget): Promise<GitFile> {
    if (target.host !== "github") {
      throw new GitReadError("invalid", "This location is not a GitHub location.");
    }
    const { owner, repo, ref, path } = target;
    const where = `"${path}" at "${ref}" in ${owner}/${repo}`;
    // @octokit/request 10 ignores `request.timeout` (it was a node-fetch option); an
    // abort signal is what bounds the request now.
    const signal = AbortSignal.timeout(this.timeoutMs);

    let data: Awaited<ReturnType<Octokit["rest"]["repos"]["getContent"]>>["data"];
    try {
      ({ data } = await this.octokit.rest.repos.getContent({ owner, repo, path, ref, request: { signal } }));
    } catch (error) {
      throw this.toReadError(error, { owner, repo, ref, where, timedOut: signal.aborted });
    }

    if (Array.isArray(data)) throw new GitReadError("invalid", `${where} is a directory; point the location at a file.`);
    if (data.type !== "file") throw new GitReadError("invalid", `${where} is not a regular file (it is a ${data.type}).`);
    if (data.size > MAX_GIT_FILE_BYTES) {
      throw new GitReadError("invalid", `${where} is larger than ${MAX_GIT_FILE_BYTES / 1024 / 1024} MiB.`);
    }
    if (data.encoding !== "base64") {
      // GitHub leaves `content` empty (encoding "none") for files over 1 MB.
      throw new GitReadError("invalid", `${where} is larger than 1 MB, which GitHub's contents API does not return.`);
    }
    return { content: decodeGitFile(Buffer.from(data.content, "base64"), `File ${where}`), sha: data.sha };
  }

  private toReadError(
    error: unknown,
    context: { owner: string; repo: string; ref: string; where: string; timedOut: boolean },
  ): GitReadError {
    const { owner, repo, ref, where, timedOut } = context;
    const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : undefined;
    const headers = httpErrorHeaders(error);
    log.warn({ host: "github", owner, repo, status, timedOut }, "GitHub read failed");

    if (timedOut) {
      return new GitReadError("unavailable", `GitHub did not answer within ${this.timeoutMs / 1000} seconds; try again later.`, {
        cause: error,
      });
    }
    if (status === 404) {
      const message = githubMessage(error);
      if (message.startsWith("No commit found for the ref")) {
        return new GitReadError("not_found", `No branch, tag or commit "${ref}" in ${owner}/${repo} on GitHub.`, { cause: error });
      }
      const hint = this.hasToken
        ? `, or the token in ${TOKEN_SETTING} cannot see that repository`
        : `; if the repository is private, set ${TOKEN_SETTING} to a token that can read it`;
      return new GitReadError("not_found", `File ${where} was not found on GitHub${hint}.`, { cause: error });
    }
    if (status === 429 || (status === 403 && headers["x-ratelimit-remaining"] === "0")) {
      const hint = this.hasToken ? "" : ` Setting ${TOKEN_SETTING} raises the limit.`;
      return new GitReadError("unavailable", `GitHub's API rate limit was reached; try again later.${hint}`, { cause: error });
    }
    if (status === 401) {
      return new GitReadError(
        "forbidden",
        this.hasToken
          ? `GitHub rejected the token in ${TOKEN_SETTING}: it is invalid or has expired.`
          : `GitHub requires authentication here; set ${TOKEN_SETTING}.`,
        { cause: error },
      );
    }
    if (status === 403) {
      return new GitReadError(
        "forbidden",
        this.hasToken
          ? `The token in ${TOKEN_SETTING} is not allowed to read ${owner}/${repo}.`
          : `GitHub refused access to ${owner}/${repo}; set ${TOKEN_SETTING} to a token that can read it.`,
        { cause: error },
      );
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return new GitReadError("invalid", `GitHub could not read ${where} (HTTP ${status}).`, { cause: error });
    }
    // Octokit reports connection failures as status 500, like real 5xx answers.
    return new GitReadError("unavailable", "GitHub could not be reached or answered with an error; try again later.", {
      cause: error,
    });
  }
}

function httpErrorHeaders(error: unknown): Record<string, string | undefined> {
  if (typeof error !== "object" || error === null || !("response" in error)) return {};
  const response = error.response as { headers?: Record<string, string | undefined> } | undefined;
  return response?.headers ?? {};
}

function githubMessage(error: unknown): string {
  if (typeof error !== "object" || error === null || !("response" in error)) return "";
  const data = (error.response as { data?: unknown } | undefined)?.data;
  if (typeof data === "object" && data !== null && "message" in data && typeof data.message === "string") return data.message;
  return "";
}
