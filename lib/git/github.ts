import type { Octokit } from "@octokit/rest";
import { log } from "@/lib/log";
import type { LocationTarget } from "@/lib/git/location";
import { withRetry, type RetryDecision } from "@/lib/git/retry";
import { createOctokit, githubMessage, httpStatus, requestWithTimeout, responseHeaders, TOKEN_SETTING } from "@/lib/git/octokit";
import {
  decodeGitFile,
  GitReadError,
  MAX_GIT_FILE_BYTES,
  type GitFile,
  type GitReader,
  type GitRepository,
  type GitTreeEntry,
  type GitTreeReader,
  type ListTreeOptions,
} from "@/lib/git/types";

const REQUEST_TIMEOUT_MS = 10_000;


/** Reads files from GitHub (or GitHub Enterprise, via baseUrl) through its REST contents API. */
export class GitHubReader implements GitReader {
  private readonly octokit: Octokit;
  private readonly hasToken: boolean;
  private readonly timeoutMs: number;

  /** `timeoutMs` (default 10 s) bounds each request; tests shorten it. */
  constructor(options: { baseUrl?: string; token?: string; timeoutMs?: number } = {}) {
    this.hasToken = !!options.token;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.octokit = createOctokit({ baseUrl: options.baseUrl, token: options.token });
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
    const { owner, repo, where } = context;
    return githubReadError(error, {
      ...context,
      hasToken: this.hasToken,
      timeoutMs: this.timeoutMs,
      notFound: (hint) => `File ${where} was not found on GitHub${hint}.`,
      failed: (status) => `GitHub could not read ${where} (HTTP ${status}).`,
      forbidden: `${owner}/${repo}`,
    });
  }
}

interface ReadErrorContext {
  owner: string;
  repo: string;
  ref: string;
  timedOut: boolean;
  hasToken: boolean;
  timeoutMs: number;
  /** The message for a 404 that is not about the ref; `hint` names the token setting. */
  notFound: (hint: string) => string;
  /** The message for any other 4xx. */
  failed: (status: number) => string;
  /** What the token may not read, for a 403. */
  forbidden: string;
}

/** Turns a failed Octokit read into a GitReadError whose message a person can act on (never GitHub's raw answer). */
function githubReadError(error: unknown, context: ReadErrorContext): GitReadError {
  const { owner, repo, ref, timedOut, hasToken } = context;
  const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : undefined;
  const headers = responseHeaders(error);
  log.warn({ host: "github", owner, repo, status, timedOut }, "GitHub read failed");

  if (timedOut) {
    return new GitReadError("unavailable", `GitHub did not answer within ${context.timeoutMs / 1000} seconds; try again later.`, {
      cause: error,
    });
  }
  if (status === 404) {
    const message = githubMessage(error);
    if (message.startsWith("No commit found for the ref")) {
      return new GitReadError("not_found", `No branch, tag or commit "${ref}" in ${owner}/${repo} on GitHub.`, { cause: error });
    }
    const hint = hasToken
      ? `, or the token in ${TOKEN_SETTING} cannot see that repository`
      : `; if the repository is private, set ${TOKEN_SETTING} to a token that can read it`;
    return new GitReadError("not_found", context.notFound(hint), { cause: error });
  }
  if (status === 429 || (status === 403 && headers["x-ratelimit-remaining"] === "0")) {
    const hint = hasToken ? "" : ` Setting ${TOKEN_SETTING} raises the limit.`;
    return new GitReadError("unavailable", `GitHub's API rate limit was reached; try again later.${hint}`, { cause: error });
  }
  if (status === 401) {
    return new GitReadError(
      "forbidden",
      hasToken ? `GitHub rejected the token in ${TOKEN_SETTING}: it is invalid or has expired.` : `GitHub requires authentication here; set ${TOKEN_SETTING}.`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new GitReadError(
      "forbidden",
      hasToken
        ? `The token in ${TOKEN_SETTING} is not allowed to read ${context.forbidden}.`
        : `GitHub refused access to ${context.forbidden}; set ${TOKEN_SETTING} to a token that can read it.`,
      { cause: error },
    );
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new GitReadError("invalid", context.failed(status), { cause: error });
  }
  // Octokit reports connection failures as status 500, like real 5xx answers.
  return new GitReadError("unavailable", "GitHub could not be reached or answered with an error; try again later.", {
    cause: error,
  });
}



// ---------------------------------------------------------------------------------------
// Folders and blobs (docs builds, repository facts)

type GitHubTree = Awaited<ReturnType<Octokit["rest"]["git"]["getTree"]>>["data"];

/** A request that ran out of time; kept apart so it is retried and reported as a timeout. */
class ReadTimeoutError extends Error {
  constructor(options: { cause: unknown }) {
    super("GitHub did not answer in time", options);
    this.name = "ReadTimeoutError";
  }
}

/** Non-recursive tree listings are walked one request per folder; this bounds a truncated walk. */
const MAX_TREE_REQUESTS = 2_000;

/**
 * Lists folders and reads files through GitHub's Git Data API (refs, commits, trees,
 * blobs), which addresses everything by sha: a whole docs build reads one consistent
 * commit even while someone pushes.
 */
export class GitHubTreeReader implements GitTreeReader {
  private readonly octokit: Octokit;
  private readonly hasToken: boolean;
  private readonly timeoutMs: number;
  private readonly maxEntries: number;
  private readonly maxBlobBytes: number;
  private readonly retry: { attempts?: number; baseMs?: number; maxDelayMs?: number };
  /** Trees never change for a sha, so a build that walks the same folders asks once. */
  private readonly trees = new Map<string, GitHubTree>();

  constructor(options: {
    baseUrl?: string;
    token?: string;
    maxEntries: number;
    maxBlobBytes: number;
    /** Bounds each request; defaults to 10 s. */
    timeoutMs?: number;
    /** Retry tuning; tests shorten the waits. */
    retry?: { attempts?: number; baseMs?: number; maxDelayMs?: number };
  }) {
    this.hasToken = !!options.token;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.maxEntries = options.maxEntries;
    this.maxBlobBytes = options.maxBlobBytes;
    this.retry = options.retry ?? {};
    this.octokit = createOctokit({ baseUrl: options.baseUrl, token: options.token });
  }

  async resolveCommit(repository: GitRepository, ref: string): Promise<string> {
    const { owner, repo } = githubRepo(repository);
    const context = this.context(owner, repo, ref, `The repository ${owner}/${repo} was not found on GitHub`);
    let name = ref;
    if (name === "HEAD") name = (await this.call(context, (request) => this.octokit.rest.repos.get({ owner, repo, request }))).default_branch;
    if (/^[0-9a-f]{40}$/.test(name)) {
      const commit = await this.call({ ...context, notFound: () => `No commit "${name}" in ${owner}/${repo} on GitHub.` }, (request) =>
        this.octokit.rest.git.getCommit({ owner, repo, commit_sha: name, request }),
      );
      return commit.sha;
    }
    // A branch first, then a tag (annotated tags point at a tag object, which points at the commit).
    for (const kind of ["heads", "tags"] as const) {
      const found = await this.optional(context, (request) => this.octokit.rest.git.getRef({ owner, repo, ref: `${kind}/${name}`, request }));
      if (!found) continue;
      let object = found.object;
      for (let depth = 0; object.type === "tag" && depth < 5; depth++) {
        const sha = object.sha;
        object = (await this.call(context, (request) => this.octokit.rest.git.getTag({ owner, repo, tag_sha: sha, request }))).object;
      }
      if (object.type === "commit") return object.sha;
    }
    // Both lookups 404 for a missing repository too; say which it is.
    await this.call(context, (request) => this.octokit.rest.repos.get({ owner, repo, request }));
    throw new GitReadError("not_found", `No branch, tag or commit "${ref}" in ${owner}/${repo} on GitHub.`);
  }

  async listTree(repository: GitRepository, commit: string, dir: string, options: ListTreeOptions = {}): Promise<GitTreeEntry[]> {
    const { owner, repo } = githubRepo(repository);
    const folder = cleanDir(dir);
    const limit = options.limit ?? this.maxEntries;
    const context = this.context(owner, repo, commit, `The commit ${commit.slice(0, 12)} or a folder of it was not found in ${owner}/${repo} on GitHub`);
    const root = (await this.call(context, (request) => this.octokit.rest.git.getCommit({ owner, repo, commit_sha: commit, request }))).tree.sha;

    // Walk down to the folder one level at a time: a missing folder is an empty listing.
    let sha = root;
    for (const segment of folder ? folder.split("/") : []) {
      const child = (await this.tree(context, sha)).tree.find((entry) => entry.path === segment);
      if (!child || child.type !== "tree") return [];
      sha = child.sha;
    }
    const prefix = folder ? `${folder}/` : "";
    const entries: GitTreeEntry[] = [];
    const add = (entry: GitHubTree["tree"][number], at: string) => {
      const item = toTreeEntry(entry, at);
      if (!item) return;
      entries.push(item);
      if (entries.length > limit) throw new GitReadError("invalid", `The folder ${folder || "/"} of ${owner}/${repo} holds more than ${limit} entries.`);
    };

    if (options.recursive === false) {
      for (const entry of (await this.tree(context, sha)).tree) add(entry, prefix);
      return sortByPath(entries);
    }
    const whole = await this.call(context, (request) => this.octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: "1", request }));
    if (!whole.truncated) {
      for (const entry of whole.tree) if (entry.type === "blob") add(entry, prefix);
      return sortByPath(entries);
    }
    // GitHub cut the recursive answer short (100,000 entries or 7 MB): walk folder by folder.
    const queue: Array<{ sha: string; at: string }> = [{ sha, at: prefix }];
    for (let requests = 0; queue.length > 0; requests++) {
      if (requests >= MAX_TREE_REQUESTS) throw new GitReadError("invalid", `The folder ${folder || "/"} of ${owner}/${repo} has too many subfolders to list.`);
      const next = queue.shift() as { sha: string; at: string };
      for (const entry of (await this.tree(context, next.sha)).tree) {
        if (entry.type === "tree") queue.push({ sha: entry.sha, at: `${next.at}${entry.path}/` });
        else add(entry, next.at);
      }
    }
    return sortByPath(entries);
  }

  async readBlob(repository: GitRepository, sha: string, options: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const { owner, repo } = githubRepo(repository);
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new GitReadError("invalid", `"${sha}" is not a file sha.`);
    const maxBytes = options.maxBytes ?? this.maxBlobBytes;
    const context = this.context(owner, repo, sha, `A file (${sha.slice(0, 12)}) was not found in ${owner}/${repo} on GitHub`);
    const blob = await this.call(context, (request) => this.octokit.rest.git.getBlob({ owner, repo, file_sha: sha, request }));
    const bytes = blob.encoding === "base64" ? Buffer.from(blob.content, "base64") : Buffer.from(blob.content, "utf8");
    if (bytes.length > maxBytes) throw new GitReadError("invalid", `A file in ${owner}/${repo} is larger than ${Math.round(maxBytes / 1024)} KiB.`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private tree(context: ReadErrorContext, sha: string): Promise<GitHubTree> {
    const cached = this.trees.get(sha);
    if (cached) return Promise.resolve(cached);
    return this.call(context, (request) => this.octokit.rest.git.getTree({ owner: context.owner, repo: context.repo, tree_sha: sha, request })).then((tree) => {
      if (this.trees.size > 1_000) this.trees.clear();
      this.trees.set(sha, tree);
      return tree;
    });
  }

  private context(owner: string, repo: string, ref: string, notFound: string): ReadErrorContext {
    return {
      owner,
      repo,
      ref,
      timedOut: false,
      hasToken: this.hasToken,
      timeoutMs: this.timeoutMs,
      notFound: (hint) => `${notFound}${hint}.`,
      failed: (status) => `GitHub could not list or read files of ${owner}/${repo} (HTTP ${status}).`,
      forbidden: `${owner}/${repo}`,
    };
  }

  /** Like `call`, but a 404 is an answer (undefined), not a failure. */
  private async optional<T>(context: ReadErrorContext, fn: (request: { signal: AbortSignal }) => Promise<{ data: T }>): Promise<T | undefined> {
    try {
      return await this.attempt(context, fn);
    } catch (error) {
      if (httpStatus(error) === 404) return undefined;
      throw this.toReadError(error, context);
    }
  }

  /** One REST call; failures become GitReadErrors a person can act on. */
  private async call<T>(context: ReadErrorContext, fn: (request: { signal: AbortSignal }) => Promise<{ data: T }>): Promise<T> {
    try {
      return await this.attempt(context, fn);
    } catch (error) {
      throw this.toReadError(error, context);
    }
  }

  /** Runs a request with its own timeout per attempt, retried when repeating it can help. */
  private attempt<T>(context: ReadErrorContext, fn: (request: { signal: AbortSignal }) => Promise<{ data: T }>): Promise<T> {
    return withRetry(
      () => requestWithTimeout(this.timeoutMs, fn, (cause) => new ReadTimeoutError({ cause })),
      {
        ...this.retry,
        retryable: retryRead,
        onRetry: ({ attempt, delayMs, error }) =>
          log.info({ host: "github", owner: context.owner, repo: context.repo, attempt, delayMs, status: httpStatus(error) }, "retrying GitHub read"),
      },
    );
  }

  private toReadError(error: unknown, context: ReadErrorContext): GitReadError {
    if (error instanceof GitReadError) return error;
    if (httpStatus(error) === 409) {
      log.warn({ host: "github", owner: context.owner, repo: context.repo, status: 409 }, "GitHub read failed");
      return new GitReadError("not_found", `The GitHub repository ${context.owner}/${context.repo} is empty.`, { cause: error });
    }
    const timedOut = error instanceof ReadTimeoutError;
    return githubReadError(timedOut ? error.cause : error, { ...context, timedOut });
  }
}

function githubRepo(repository: GitRepository): { owner: string; repo: string } {
  if (repository.host !== "github") throw new GitReadError("invalid", "This repository is not on GitHub.");
  return { owner: repository.owner, repo: repository.repo };
}

/** A folder path without leading or trailing slashes ("" for the root); refuses "." and ".." segments. */
function cleanDir(dir: string): string {
  const trimmed = dir.replace(/^\/+|\/+$/g, "");
  if (trimmed !== "" && trimmed.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new GitReadError("invalid", `"${dir}" is not a folder path inside the repository.`);
  }
  return trimmed;
}

/** Files and folders only: symbolic links (120000) could point anywhere and submodules are other repositories. */
function toTreeEntry(entry: GitHubTree["tree"][number], at: string): GitTreeEntry | undefined {
  if (entry.type === "tree") return { path: `${at}${entry.path}`, type: "tree", size: 0, sha: entry.sha };
  if (entry.type === "blob" && (entry.mode === "100644" || entry.mode === "100755")) {
    return { path: `${at}${entry.path}`, type: "blob", size: entry.size ?? 0, sha: entry.sha };
  }
  return undefined;
}

function sortByPath(entries: GitTreeEntry[]): GitTreeEntry[] {
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}


/** Retry timeouts, 5xx, network failures and rate limits (as long as GitHub's named wait is short); never other 4xx. */
function retryRead(error: unknown): RetryDecision {
  if (error instanceof ReadTimeoutError) return true;
  const status = httpStatus(error);
  if (status === undefined) return false;
  if (status >= 500) return true;
  const headers = responseHeaders(error);
  const limited = status === 429 || (status === 403 && (headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0"));
  if (!limited) return false;
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return { afterMs: retryAfter * 1000 };
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-remaining"] === "0" && Number.isFinite(reset)) return { afterMs: Math.max(0, reset * 1000 - Date.now()) };
  return status === 429;
}
