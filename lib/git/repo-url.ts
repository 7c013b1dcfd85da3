/**
 * Backstage's repository URL, the value of its RepoUrlPicker: `<host>?owner=<owner>&repo=<repo>`
 * (github.com?owner=acme&repo=payments), with `organization`, `workspace` and `project` for
 * hosts that have them (Azure DevOps, Bitbucket). This is the one parser of the format: the
 * wizard, the template filters (parseRepoUrl, projectSlug), the publish actions and
 * PAVE_INFRA_REPO all read it here, so they accept and refuse the same values.
 *
 * The rules are GitHub's, the host Pave publishes to:
 *  - no scheme, path, fragment, whitespace or control characters: `host?parameters` only;
 *  - the host is a DNS name (letters, digits, "-" between them, "." between labels), with
 *    an optional port; it is compared and returned in lowercase;
 *  - parameters are owner, repo, organization, workspace and project, each at most once;
 *  - `repo` is required, and `owner` unless a `project` names the repository;
 *  - an owner is a GitHub login or organization: 1–39 letters, digits, "-" or "_",
 *    starting with a letter or digit;
 *  - a repository name is 1–100 letters, digits, ".", "_" or "-", not starting with "-",
 *    not "." or "..", and without the ".git" ending (GitHub strips it);
 *  - organization, workspace and project are 1–100 letters, digits, spaces, ".", "_" or "-".
 *
 * Pure and without imports: the wizard in the browser, the template thread and lib/env
 * load it on its own.
 */

/** A parsed repository URL; parts the value does not name are left out. */
export type RepoUrl = { host: string; owner?: string; repo: string; organization?: string; workspace?: string; project?: string };

/** A repository URL with its owner, as Pave's GitHub publishing needs it. */
export type OwnerRepoUrl = RepoUrl & { owner: string };

export type RepoUrlProblem = "empty" | "scheme" | "malformed" | "host" | "parameter" | "no_repo" | "no_owner" | "owner" | "repo" | "part";

export const REPO_URL_EXAMPLE = "github.com?owner=acme&repo=my-service";

/** The longest repository URL read; the parts' own limits add up to far less. */
const MAX_LENGTH = 1024;
const PARAMETERS = ["owner", "repo", "organization", "workspace", "project"] as const;
type Parameter = (typeof PARAMETERS)[number];

const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$/;
const REPO = /^[A-Za-z0-9._][A-Za-z0-9._-]{0,99}$/;
const PART = /^[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]{0,98}[A-Za-z0-9._-])?$/;
// C0/C1 controls, DEL, and bidirectional overrides that can make a value display as something else.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * A value that is not a repository URL. `detail` says what is wrong after the value
 * itself (`has no repo; add &repo=<name>, …`), so a caller can name the value its own way.
 * Not an AppError, to keep this module free of imports: callers check their input with it
 * and say what is wrong in their own terms (a form field, a template error, a setting).
 */
export class RepoUrlError extends Error {
  constructor(
    readonly problem: RepoUrlProblem,
    readonly detail: string,
    value: string,
  ) {
    super(`${shorten(value)} ${detail}`);
    this.name = "RepoUrlError";
  }
}

/** Reads a repository URL by the rules above; throws RepoUrlError saying what is wrong. With `requireOwner`, a project does not stand in for the owner. */
export function parseRepoUrl(value: unknown, options: { requireOwner: true }): OwnerRepoUrl;
export function parseRepoUrl(value: unknown, options?: { requireOwner?: boolean }): RepoUrl;
export function parseRepoUrl(value: unknown, options: { requireOwner?: boolean } = {}): RepoUrl {
  const { text, host, params } = split(value);
  const fail = (problem: RepoUrlProblem, detail: string) => new RepoUrlError(problem, detail, text);
  const { owner, repo, organization, workspace, project } = params;
  if (repo === undefined) throw fail("no_repo", `has no repo; add &repo=<name>, e.g. "${REPO_URL_EXAMPLE}"`);
  if (owner === undefined && (options.requireOwner || project === undefined)) {
    throw fail("no_owner", `has no owner; add &owner=<name>, e.g. "${REPO_URL_EXAMPLE}"`);
  }
  if (owner !== undefined && !OWNER.test(owner)) {
    throw fail("owner", `has an invalid owner ${shorten(owner)}: use 1–39 letters, digits, "-" or "_", starting with a letter or digit`);
  }
  if (!REPO.test(repo) || repo === "." || repo === ".." || repo.toLowerCase().endsWith(".git")) {
    throw fail("repo", `has an invalid repo ${shorten(repo)}: use 1–100 letters, digits, ".", "_" or "-", not starting with "-" and without ".git"`);
  }
  for (const [name, part] of Object.entries({ organization, workspace, project })) {
    if (part !== undefined && !PART.test(part)) {
      throw fail("part", `has an invalid ${name} ${shorten(part)}: use 1–100 letters, digits, spaces, ".", "_" or "-"`);
    }
  }
  const optional = Object.entries({ organization, workspace, project }).filter(([, part]) => part !== undefined);
  return { host, ...(owner === undefined ? {} : { owner }), repo, ...Object.fromEntries(optional) };
}

/**
 * The host, owner and repo of a value someone is still typing in the wizard: the same
 * host and parameter rules, but the owner and repo unchecked (and "" when missing), so the
 * form can redraw what was typed. Null when the value is not a repository URL at all.
 */
export function readRepoUrlDraft(value: unknown): { host: string; owner: string; repo: string } | null {
  try {
    const { typedHost, params } = split(value);
    return { host: typedHost, owner: params.owner ?? "", repo: params.repo ?? "" };
  } catch (error) {
    if (error instanceof RepoUrlError) return null;
    throw error;
  }
}

/** The repository URL of its parts (the inverse of parseRepoUrl); an owner or repo of "" is kept, as a draft has it. */
export function formatRepoUrl(parts: { host: string; owner?: string; repo?: string; organization?: string; workspace?: string; project?: string }): string {
  const params = new URLSearchParams();
  for (const name of PARAMETERS) {
    const part = parts[name];
    if (part !== undefined) params.set(name, part);
  }
  return `${parts.host}?${params.toString()}`;
}

/** Splits `host?parameters`, checking everything but the parameters' values. */
function split(value: unknown): { text: string; host: string; typedHost: string; params: Partial<Record<Parameter, string>> } {
  if (typeof value !== "string") throw new RepoUrlError("empty", `is not a repository URL; expected text such as "${REPO_URL_EXAMPLE}"`, String(value));
  const text = value.trim();
  const fail = (problem: RepoUrlProblem, detail: string) => new RepoUrlError(problem, detail, text);
  const malformed = `is not a repository URL; expected host?owner=…&repo=…, e.g. "${REPO_URL_EXAMPLE}"`;
  if (text === "") throw fail("empty", `is empty; expected a repository URL such as "${REPO_URL_EXAMPLE}"`);
  if (text.length > MAX_LENGTH) throw fail("malformed", `is not a repository URL: it is longer than ${MAX_LENGTH} characters`);
  if (text.includes("://")) throw fail("scheme", `must be written without a scheme, e.g. "${REPO_URL_EXAMPLE}"`);
  if (CONTROL.test(text) || /[\s#]/.test(text)) throw fail("malformed", malformed);
  const question = text.indexOf("?");
  if (question === -1) throw fail("malformed", malformed);

  const typedHost = text.slice(0, question);
  const host = typedHost.toLowerCase();
  if (!isHost(host)) throw fail("host", `is not a repository URL: ${shorten(typedHost)} is not a host name such as github.com`);

  const params: Partial<Record<Parameter, string>> = {};
  const seen = new Set<string>();
  for (const [name, decoded] of new URLSearchParams(text.slice(question + 1))) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      throw fail("parameter", `has an unknown parameter ${shorten(name)}; use owner and repo (and organization, workspace or project where the host has them)`);
    }
    if (seen.has(name)) throw fail("parameter", `names ${name} more than once`);
    seen.add(name);
    // %-escapes must not smuggle in what the text itself may not hold.
    if (CONTROL.test(decoded)) throw fail("malformed", malformed);
    if (decoded !== "") params[name as Parameter] = decoded;
  }
  return { text, host, typedHost, params };
}

function isHost(host: string): boolean {
  const [name = "", port, ...rest] = host.split(":");
  if (rest.length > 0 || name.length > 253) return false;
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) return false;
  return name.split(".").every((label) => HOST_LABEL.test(label));
}

function shorten(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
