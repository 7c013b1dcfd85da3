import { AppError } from "@/lib/errors";

/**
 * A "location" is one URL a person pastes to point Pave at a file in git:
 *   GitHub:     https://github.com/<owner>/<repo>/blob/<ref>/<path>
 *   local git:  file:///abs/path/to/repo.git/blob/<ref>/<path>
 * Both share the `/blob/<ref>/<path>` tail so people learn one pattern. The ref is a
 * single URL segment; a branch with a slash in its name is written with %2F
 * (`blob/release%2F1.0/catalog-info.yaml`), which keeps parsing unambiguous.
 *
 * This module is pure (no I/O, no server-only imports) so forms can validate with it.
 */

export type LocationTarget =
  | { host: "github"; owner: string; repo: string; ref: string; path: string; url: string }
  | { host: "local"; repoPath: string; ref: string; path: string; url: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A location without its URL, e.g. what the scaffolder knows before it formats one. */
export type LocationTargetParts = DistributiveOmit<LocationTarget, "url">;

export interface LocationOptions {
  /** The web address of the GitHub that Pave reads from; defaults to https://github.com. */
  githubWebUrl?: string;
}

/** A location that cannot be used; its message is written for the person who typed it. */
export class GitLocationError extends AppError {
  constructor(message: string) {
    super("INVALID", message);
    this.name = "GitLocationError";
  }
}

export const DEFAULT_GITHUB_WEB_URL = "https://github.com";
const MAX_LOCATION_LENGTH = 2048;
const MAX_REF_LENGTH = 255;

const EXPECTED =
  "a GitHub file URL (https://github.com/<owner>/<repo>/blob/<ref>/<path>) or a local git URL (file:///<path to repo>/blob/<ref>/<path>)";

// C0/C1 controls, DEL, and bidirectional overrides that can make a path display as
// something other than what it is.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** Parses what a person pasted into a LocationTarget; throws GitLocationError explaining what is wrong. */
export function parseLocationTarget(target: string, options: LocationOptions = {}): LocationTarget {
  if (typeof target !== "string" || target.trim() === "") {
    throw new GitLocationError(`Enter a location: ${EXPECTED}.`);
  }
  const raw = target.trim();
  if (raw.length > MAX_LOCATION_LENGTH) {
    throw new GitLocationError(`The location is too long (at most ${MAX_LOCATION_LENGTH} characters).`);
  }
  if (UNSAFE_CHARS.test(raw)) {
    throw new GitLocationError("The location contains control characters (such as a line break or tab); paste a single URL.");
  }

  // Parsed by hand rather than with `new URL`, which silently resolves `..` segments
  // that we want to refuse, not reinterpret.
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?[^#]*)?(?:#.*)?$/.exec(raw);
  if (!match) throw new GitLocationError(`The location must be ${EXPECTED}.`);
  const scheme = (match[1] ?? "").toLowerCase();
  const authority = (match[2] ?? "").toLowerCase();
  const pathname = match[3] ?? "";

  if (scheme === "file") return parseLocal(authority, pathname);
  if (scheme === "https" || scheme === "http") return parseGitHub(scheme, authority, pathname, options);
  throw new GitLocationError(`Locations starting with "${scheme}://" are not supported: use ${EXPECTED}.`);
}

function parseGitHub(scheme: string, authority: string, pathname: string, options: LocationOptions): LocationTarget {
  const webUrl = normalizeWebUrl(options.githubWebUrl);
  const origin = `${scheme}://${authority}`;
  if (origin !== webUrl && !(webUrl === DEFAULT_GITHUB_WEB_URL && origin === "https://www.github.com")) {
    throw new GitLocationError(
      `Pave reads GitHub files from ${webUrl}, not from ${origin}. Use ${webUrl}/<owner>/<repo>/blob/<ref>/<path>.`,
    );
  }
  const shape = `A GitHub location must look like ${webUrl}/<owner>/<repo>/blob/<ref>/<path>.`;
  const [, owner = "", repo = "", kind = "", ref = "", ...pathSegments] = pathname.split("/");
  if (kind === "tree") {
    throw new GitLocationError(`${shape} This one points to a directory (/tree/); link to the file itself (/blob/).`);
  }
  if (kind !== "blob" || !owner || !repo) throw new GitLocationError(shape);
  const parts: LocationTargetParts = {
    host: "github",
    owner: decodeSegment(owner, "owner"),
    repo: decodeSegment(repo, "repository name"),
    ref: decodeSegment(ref, "ref", { allowSlash: true }),
    path: decodePath(pathSegments),
  };
  return { ...parts, url: formatLocationTarget(parts, { githubWebUrl: webUrl }) };
}

function parseLocal(authority: string, pathname: string): LocationTarget {
  if (authority !== "" && authority !== "localhost") {
    throw new GitLocationError(`Local git locations start with file:/// (three slashes, no host name), not file://${authority}/.`);
  }
  const shape = "A local git location must look like file:///path/to/repo.git/blob/<ref>/<path>.";
  const segments = pathname.split("/");
  // The first "blob" segment ends the repository path: a repository that itself sits
  // under a directory named "blob" cannot be addressed, which we accept for simplicity.
  const blobAt = segments.indexOf("blob");
  if (blobAt < 2) throw new GitLocationError(shape);
  const repoSegments = segments.slice(1, blobAt);
  const [ref = "", ...pathSegments] = segments.slice(blobAt + 1);
  const repoPath = "/" + repoSegments.map((segment) => decodeSegment(segment, "repository path")).join("/");
  const parts: LocationTargetParts = {
    host: "local",
    repoPath,
    ref: decodeSegment(ref, "ref", { allowSlash: true }),
    path: decodePath(pathSegments),
  };
  return { ...parts, url: formatLocationTarget(parts) };
}

/** Builds the canonical location string for a target (the inverse of parseLocationTarget). */
export function formatLocationTarget(parts: LocationTargetParts, options: LocationOptions = {}): string {
  checkRef(parts.ref);
  checkPath(parts.path, "file path");
  const tail = `blob/${encodeURIComponent(parts.ref)}/${encodePath(parts.path)}`;
  if (parts.host === "github") {
    checkOwnerAndRepo(parts.owner, parts.repo);
    return `${normalizeWebUrl(options.githubWebUrl)}/${encodeURIComponent(parts.owner)}/${encodeURIComponent(parts.repo)}/${tail}`;
  }
  if (!parts.repoPath.startsWith("/")) {
    throw new GitLocationError("A local git location needs an absolute repository path (starting with /).");
  }
  const repoPath = parts.repoPath.slice(1);
  checkPath(repoPath, "repository path");
  if (repoPath.split("/").includes("blob")) {
    throw new GitLocationError('A local repository path cannot contain a directory named "blob".');
  }
  return `file:///${encodePath(repoPath)}/${tail}`;
}

/**
 * The link the UI shows for a location: GitHub's own web page for the file (its web
 * URLs take a branch with slashes as-is), or the file:// URL for local git.
 */
export function getLocationViewUrl(target: LocationTarget): string {
  if (target.host === "local") return target.url;
  const webUrl = /^(https?:\/\/[^/]+)/.exec(target.url)?.[1] ?? DEFAULT_GITHUB_WEB_URL;
  const ref = target.ref.split("/").map(encodeURIComponent).join("/");
  return `${webUrl}/${encodeURIComponent(target.owner)}/${encodeURIComponent(target.repo)}/blob/${ref}/${encodePath(target.path)}`;
}

/**
 * The GitHub repository ("owner/repo") a location's file lives in, or null. A local
 * location under the git root stands for GitHub's owner/repo the way the embedded
 * default publishes it: <gitRoot>/<owner>/<repo>.git.
 */
export function locationRepositorySlug(target: string, options: LocationOptions & { gitRoot: string }): string | null {
  let location: LocationTarget;
  try {
    location = parseLocationTarget(target, options);
  } catch (error) {
    if (error instanceof GitLocationError) return null;
    throw error;
  }
  if (location.host === "github") return `${location.owner}/${location.repo}`;
  const root = options.gitRoot.split("/").filter(Boolean);
  const segments = location.repoPath.split("/").filter(Boolean);
  const below = segments.slice(root.length);
  if (segments.length !== root.length + 2 || !root.every((segment, i) => segments[i] === segment) || !below[1]!.endsWith(".git")) return null;
  return `${below[0]}/${below[1]!.slice(0, -".git".length)}`;
}

/** The GitHub web address that matches an API base URL (api.github.com, GHE's /api/v3, or a stand-in). */
export function getGitHubWebUrl(apiUrl?: string): string {
  if (!apiUrl) return DEFAULT_GITHUB_WEB_URL;
  const url = new URL(apiUrl);
  if (url.hostname === "api.github.com") return DEFAULT_GITHUB_WEB_URL;
  return url.origin;
}

function normalizeWebUrl(webUrl: string | undefined): string {
  return (webUrl ?? DEFAULT_GITHUB_WEB_URL).replace(/\/+$/, "").toLowerCase();
}

function decodeSegment(segment: string, what: string, { allowSlash = false } = {}): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new GitLocationError(`The ${what} in the location has invalid percent-encoding ("%" must be followed by two hex digits).`);
  }
  if (UNSAFE_CHARS.test(decoded)) {
    throw new GitLocationError(`The ${what} in the location contains control characters.`);
  }
  if (!allowSlash && decoded.includes("/")) {
    throw new GitLocationError(`The ${what} in the location must not contain an encoded "/" (%2F).`);
  }
  return decoded;
}

function decodePath(segments: string[]): string {
  const path = segments.map((segment) => decodeSegment(segment, "file path")).join("/");
  checkPath(path, "file path");
  return path;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function checkPath(path: string, what: string): void {
  if (path === "") throw new GitLocationError(`The location must name a file after the ref, e.g. …/blob/main/catalog-info.yaml.`);
  if (UNSAFE_CHARS.test(path)) throw new GitLocationError(`The ${what} contains control characters.`);
  if (path.includes("\\")) throw new GitLocationError(`The ${what} must use "/" between directories, not "\\".`);
  const segments = path.split("/");
  if (segments.some((segment) => segment === "." || segment === "..")) {
    throw new GitLocationError(`The ${what} must not contain "." or ".." segments.`);
  }
  if (segments.some((segment) => segment === "")) {
    throw new GitLocationError(`The ${what} must not contain empty segments ("//") or end with "/".`);
  }
}

function checkOwnerAndRepo(owner: string, repo: string): void {
  if (UNSAFE_CHARS.test(owner) || UNSAFE_CHARS.test(repo)) {
    throw new GitLocationError("The GitHub owner or repository name contains control characters.");
  }
  if (!OWNER.test(owner)) {
    throw new GitLocationError(`"${owner}" is not a valid GitHub owner: use letters, digits, "-" and "_", starting with a letter or digit.`);
  }
  if (!REPO.test(repo) || repo === "." || repo === "..") {
    throw new GitLocationError(`"${repo}" is not a valid GitHub repository name: use letters, digits, ".", "-" and "_".`);
  }
}

// Mirrors `git check-ref-format`, plus what a URL segment and `<ref>:<path>` syntax need.
function checkRef(ref: string): void {
  if (ref === "") throw new GitLocationError("The location must name a branch, tag or commit after /blob/.");
  if (ref.startsWith("-")) throw new GitLocationError('The ref (branch, tag or commit) must not start with "-".');
  if (ref.length > MAX_REF_LENGTH) throw new GitLocationError(`The ref is too long (at most ${MAX_REF_LENGTH} characters).`);
  if (UNSAFE_CHARS.test(ref)) throw new GitLocationError("The ref (branch, tag or commit) contains control characters.");
  const invalid =
    /[\s~^:?*[\\]/.test(ref) ||
    ref.includes("..") ||
    ref.includes("@{") ||
    ref === "@" ||
    ref.includes("//") ||
    ref.startsWith("/") ||
    ref.endsWith("/") ||
    ref.endsWith(".") ||
    ref.endsWith(".lock") ||
    ref.split("/").some((segment) => segment.startsWith("."));
  if (invalid) throw new GitLocationError(`"${ref}" is not a valid branch, tag or commit name.`);
}
