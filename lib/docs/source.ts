import { joinPath } from "@/lib/docs/render";
import { GitLocationError, parseLocationTarget, type GitRepository } from "@/lib/git";

/**
 * Where an entity's repository and docs live, from its annotations and the catalog file
 * it was read from. Pure (no I/O): the build checks that what this names exists.
 *
 *   backstage.io/source-location: url:<tree URL>     the repository folder (facts, docs base)
 *   backstage.io/techdocs-ref:    dir:<relative>     docs relative to the source location,
 *                                                    else to the catalog file's folder
 *                                 url:<tree URL>     docs folder named directly
 *
 * Tree URLs: https://github.com/<owner>/<repo>/tree/<ref>/<dir> (or /blob/, or just the
 * repository for its default branch) and file:///<repo path>/tree/<ref>/<dir>. As in
 * locations, a ref with "/" is written with %2F.
 *
 * An entity read from a Location may only name repositories of its catalog file's owner:
 * GITHUB_TOKEN (or PAVE_GIT_ROOT) can read far more than whoever edits a catalog file
 * should be able to publish to every portal user. Entities without a location were put
 * there by the platform team or through the form, and are not restricted.
 */

import { SOURCE_LOCATION, TECHDOCS_REF } from "@/lib/catalog/annotations";

export { SOURCE_LOCATION, TECHDOCS_REF };

/** A folder of a repository at a ref. */
export interface RepoSpot {
  /** What to read: GitHub through its API, or a local repository. */
  repo: GitRepository;
  /** A branch, tag, commit sha, or "HEAD" for the default branch. */
  ref: string;
  /** The folder inside the repository, "" for the root. */
  dir: string;
  /** Where a person can look at the folder (GitHub's web address even when read from the local stand-in). */
  url: string;
  /** The repository's GitHub web address ("https://github.com/acme/foo"), for links to its files. */
  webRepoUrl?: string;
  /** "owner/repo" when a GitHub repository is read from PAVE_GIT_ROOT because no GITHUB_TOKEN is set. */
  mirrorOf?: string;
}

export interface DocsSource {
  /** The repository folder the facts are about (CI, catalog-info.yaml, docs). */
  repo: RepoSpot;
  /** Where the docs build looks for mkdocs.yml, docs/ or a README. */
  docs: RepoSpot;
  /** Whether a techdocs-ref annotation named the docs (then a lone README counts as docs). */
  annotated: boolean;
  /**
   * Whether the entity names its docs or source (techdocs-ref or source-location). An
   * entity known only from its catalog file gets repository facts but no docs site: the
   * catalog repository's README is not its documentation.
   */
  declared: boolean;
}

export type SourceResolution =
  | { status: "none" }
  /** outsideOwner: the annotations name a repository of another owner than the catalog file's. */
  | { status: "invalid"; error: string; sourceUrl: string; outsideOwner?: true }
  | { status: "ok"; source: DocsSource };

export interface SourceEntity {
  kind: string;
  metadata: unknown;
  sourceType: string;
  /** The target of the Location the entity was read from (…/blob/<ref>/<path>), if any. */
  locationTarget: string | null;
}

export interface SourceConfig {
  /** GitHub's web address for the configured GITHUB_API_URL (getGitHubWebUrl). */
  githubWebUrl: string;
  /** Without a token, GitHub repositories are read from `<gitRoot>/<owner>/<repo>.git`. */
  hasGitHubToken: boolean;
  /** PAVE_GIT_ROOT, absolute. */
  gitRoot: string;
}

/** Kinds (lower case) that describe people and catalog plumbing: their catalog file's folder is not their repository. */
export const KINDS_WITHOUT_REPOSITORY: readonly string[] = ["group", "user", "location"];

/** A source annotation that cannot be used; the message is shown on the Docs tab. */
export class DocsSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocsSourceError";
  }
}

/** The annotations name a repository its catalog file's owner does not own. */
class DocsOwnerError extends DocsSourceError {}

/** Works out an entity's repository folder and docs folder; "none" when it has neither annotation nor a usable location. */
export function resolveDocsSource(entity: SourceEntity, config: SourceConfig): SourceResolution {
  const annotations = readAnnotations(entity.metadata);
  const sourceLocation = annotations[SOURCE_LOCATION];
  const techdocsRef = annotations[TECHDOCS_REF];
  const usesLocation = entity.sourceType === "location" && entity.locationTarget !== null;
  if (sourceLocation === undefined && techdocsRef === undefined && (!usesLocation || KINDS_WITHOUT_REPOSITORY.includes(entity.kind.toLowerCase()))) {
    return { status: "none" };
  }

  let attempted = techdocsRef ?? sourceLocation ?? entity.locationTarget ?? "";
  try {
    const scope = usesLocation && entity.locationTarget ? locationScope(entity.locationTarget, config) : undefined;
    let base: RepoSpot | undefined;
    if (sourceLocation !== undefined) {
      attempted = sourceLocation;
      base = parseTreeUrl(stripUrlPrefix(sourceLocation, SOURCE_LOCATION), config);
      if (scope) checkOwner(scope, base, SOURCE_LOCATION, config);
    } else if (usesLocation && entity.locationTarget) {
      attempted = entity.locationTarget;
      base = locationFolder(entity.locationTarget, config);
    }

    if (techdocsRef === undefined) {
      if (!base) return { status: "none" };
      return { status: "ok", source: { repo: base, docs: base, annotated: false, declared: sourceLocation !== undefined } };
    }

    attempted = techdocsRef;
    const value = techdocsRef.trim();
    let docs: RepoSpot;
    if (value.startsWith("dir:")) {
      if (!base) {
        throw new DocsSourceError(
          `${TECHDOCS_REF} is "${value}", which is relative to ${SOURCE_LOCATION} or to the catalog file the entity was read from, and this entity has neither. Use url:<folder URL> instead.`,
        );
      }
      docs = relativeSpot(base, value.slice("dir:".length));
    } else if (value.startsWith("url:")) {
      docs = parseTreeUrl(value.slice("url:".length), config);
      if (scope) checkOwner(scope, docs, TECHDOCS_REF, config);
    } else {
      throw new DocsSourceError(`${TECHDOCS_REF} must be dir:<folder> or url:<folder URL>, not "${value}".`);
    }
    return { status: "ok", source: { repo: base ?? docs, docs, annotated: true, declared: true } };
  } catch (error) {
    if (error instanceof DocsSourceError || error instanceof GitLocationError) {
      const sourceUrl = attempted.replace(/^(url|dir):/, "").trim();
      return { status: "invalid", error: error.message, sourceUrl, ...(error instanceof DocsOwnerError ? { outsideOwner: true as const } : {}) };
    }
    throw error;
  }
}

/** Parses a tree URL (GitHub or local) into the folder it names; throws DocsSourceError saying what is wrong. */
export function parseTreeUrl(value: string, config: SourceConfig): RepoSpot {
  const raw = value.trim();
  if (raw === "" || raw.length > 2048 || UNSAFE.test(raw)) {
    throw new DocsSourceError(`"${raw.slice(0, 200)}" is not a repository folder URL: use ${EXPECTED}.`);
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?[^#]*)?(?:#.*)?$/.exec(raw);
  if (!match) throw new DocsSourceError(`"${raw}" is not a repository folder URL: use ${EXPECTED}.`);
  const scheme = (match[1] ?? "").toLowerCase();
  const authority = (match[2] ?? "").toLowerCase();
  const segments = (match[3] ?? "").split("/");

  if (scheme === "file") {
    if (authority !== "" && authority !== "localhost") throw new DocsSourceError(`Local git URLs start with file:/// (three slashes), not file://${authority}/.`);
    const at = segments.findIndex((segment, index) => index >= 2 && (segment === "tree" || segment === "blob"));
    const repoSegments = (at === -1 ? segments : segments.slice(0, at)).slice(1).filter((segment, index, all) => segment !== "" || index < all.length - 1);
    if (repoSegments.length === 0 || repoSegments.some((segment) => segment === "" || segment === "." || segment === "..")) {
      throw new DocsSourceError(`"${raw}" does not name a local repository: use file:///path/to/repo.git/tree/<ref>/<folder>.`);
    }
    const repoPath = "/" + repoSegments.map((segment) => decode(segment, "repository path")).join("/");
    const { ref, dir } = refAndDir(at === -1 ? [] : segments.slice(at + 1));
    const spot = { repo: { host: "local" as const, repoPath }, ref, dir };
    return { ...spot, url: localTreeUrl(repoPath, ref, dir) };
  }

  if (scheme !== "https" && scheme !== "http") throw new DocsSourceError(`"${raw}" is not supported: use ${EXPECTED}.`);
  const webUrl = config.githubWebUrl.replace(/\/+$/, "").toLowerCase();
  const origin = `${scheme}://${authority}`;
  if (origin !== webUrl && !(webUrl === "https://github.com" && origin === "https://www.github.com")) {
    throw new DocsSourceError(`Pave reads GitHub repositories from ${webUrl}, not from ${origin}.`);
  }
  const [, ownerSegment = "", repoSegment = "", kind = "", ...rest] = segments;
  const owner = decode(ownerSegment, "owner");
  const repo = decode(repoSegment, "repository name").replace(/\.git$/, "");
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === "." || repo === "..") {
    throw new DocsSourceError(`"${raw}" does not name a GitHub repository: use ${webUrl}/<owner>/<repo>/tree/<ref>/<folder>.`);
  }
  if (kind !== "" && kind !== "tree" && kind !== "blob") {
    throw new DocsSourceError(`"${raw}" is not a repository folder URL: use ${webUrl}/<owner>/<repo>/tree/<ref>/<folder>.`);
  }
  const { ref, dir } = refAndDir(kind === "" ? [] : rest);
  const webRepoUrl = `${webUrl}/${owner}/${repo}`;
  const url = ref === "HEAD" && dir === "" ? webRepoUrl : `${webRepoUrl}/tree/${encodeURIComponent(ref)}${dir ? `/${encodePath(dir)}` : ""}`;
  if (config.hasGitHubToken) return { repo: { host: "github", owner, repo }, ref, dir, url, webRepoUrl };
  // The embedded git host stands in for GitHub's owner/repo namespace (see localRepositoryDir in lib/git).
  const repoPath = `${config.gitRoot.replace(/\/+$/, "")}/${owner}/${repo}.git`;
  return { repo: { host: "local", repoPath }, ref, dir, url, webRepoUrl, mirrorOf: `${owner}/${repo}` };
}

/** The folder of the catalog file a Location points at, in the same repository and ref. */
function locationFolder(target: string, config: SourceConfig): RepoSpot {
  const location = parseLocationTarget(target, { githubWebUrl: config.githubWebUrl });
  const slash = location.path.lastIndexOf("/");
  const dir = slash === -1 ? "" : location.path.slice(0, slash);
  if (location.host === "local") {
    return { repo: { host: "local", repoPath: location.repoPath }, ref: location.ref, dir, url: localTreeUrl(location.repoPath, location.ref, dir) };
  }
  const web = /^(https?:\/\/[^/]+)/.exec(location.url)?.[1] ?? config.githubWebUrl;
  return parseTreeUrl(`${web}/${location.owner}/${location.repo}/tree/${encodeURIComponent(location.ref)}${dir ? `/${encodePath(dir)}` : ""}`, config);
}

/** Whose repositories an entity read from a location may name: its catalog file's owner, and that repository itself. */
interface OwnerScope {
  /** The GitHub owner, or the first folder under PAVE_GIT_ROOT; undefined when it has none. */
  owner: string | undefined;
  /** Whether the catalog file is read from this machine (a local location, or GitHub's stand-in without a token). */
  onDisk: boolean;
  repo: GitRepository;
}

function locationScope(target: string, config: SourceConfig): OwnerScope {
  const location = parseLocationTarget(target, { githubWebUrl: config.githubWebUrl });
  if (location.host === "github") {
    // Without a token this repository is read from <root>/<owner>/<repo>.git: the same owner either way.
    return { owner: location.owner, onDisk: !config.hasGitHubToken, repo: { host: "github", owner: location.owner, repo: location.repo } };
  }
  return { owner: localOwner(location.repoPath, config.gitRoot), onDisk: true, repo: { host: "local", repoPath: location.repoPath } };
}

/** Refuses a folder in a repository that the catalog file's owner does not own. */
function checkOwner(scope: OwnerScope, spot: RepoSpot, annotation: string, config: SourceConfig): void {
  const owner = spotOwner(spot, config);
  if (owner !== undefined && scope.owner !== undefined) {
    // GitHub owners compare case-insensitively; folders on this machine are what they are spelt.
    const same = scope.onDisk && spot.repo.host === "local" ? owner === scope.owner : owner.toLowerCase() === scope.owner.toLowerCase();
    if (same) return;
  }
  if (sameRepo(scope.repo, spot.repo)) return;
  const whose = scope.owner === undefined ? "the repository of this entity's catalog file" : `repositories of ${scope.owner}, the organisation of this entity's catalog file`;
  throw new DocsOwnerError(`Docs are read only from ${whose}; ${annotation} points to ${describeRepo(spot, config)}.`);
}

function spotOwner(spot: RepoSpot, config: SourceConfig): string | undefined {
  if (spot.repo.host === "github") return spot.repo.owner;
  if (spot.mirrorOf) return spot.mirrorOf.split("/")[0];
  return localOwner(spot.repo.repoPath, config.gitRoot);
}

/** The first folder under the git root ("<root>/acme/catalog.git" → "acme"); undefined outside the root. */
function localOwner(repoPath: string, gitRoot: string): string | undefined {
  const segments = underRoot(repoPath, gitRoot);
  return segments && segments.length > 0 ? segments[0] : undefined;
}

/** A path's segments below the git root, or undefined when it is not below it. */
function underRoot(repoPath: string, gitRoot: string): string[] | undefined {
  const root = gitRoot.split("/").filter((segment) => segment !== "");
  const segments = repoPath.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..") || segments.length <= root.length) return undefined;
  return root.every((segment, index) => segments[index] === segment) ? segments.slice(root.length) : undefined;
}

function sameRepo(a: GitRepository, b: GitRepository): boolean {
  if (a.host === "github" && b.host === "github") return a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
  if (a.host === "local" && b.host === "local") return a.repoPath.replace(/\/+$/, "") === b.repoPath.replace(/\/+$/, "");
  return false;
}

/** A repository as messages name it: owner/repo, or its path under PAVE_GIT_ROOT (never the server's absolute path). */
function describeRepo(spot: RepoSpot, config: SourceConfig): string {
  if (spot.repo.host === "github") return `${spot.repo.owner}/${spot.repo.repo}`;
  if (spot.mirrorOf) return spot.mirrorOf;
  const segments = underRoot(spot.repo.repoPath, config.gitRoot);
  return segments ? segments.join("/") : "a repository outside PAVE_GIT_ROOT";
}

/** `dir:<relative>` against a folder; refuses absolute paths and ".." that leaves the repository. */
function relativeSpot(base: RepoSpot, relative: string): RepoSpot {
  const value = relative.trim();
  if (value.startsWith("/") || value.includes("\\") || UNSAFE.test(value)) {
    throw new DocsSourceError(`${TECHDOCS_REF} dir: must be a relative folder such as "." or "./docs", not "${value}".`);
  }
  const dir = joinPath(base.dir, value);
  if (dir === ".." || dir.startsWith("../")) throw new DocsSourceError(`${TECHDOCS_REF} "dir:${value}" points outside the repository.`);
  if (base.repo.host === "local" && !base.mirrorOf) return { ...base, dir, url: localTreeUrl(base.repo.repoPath, base.ref, dir) };
  const web = base.webRepoUrl ?? "";
  return { ...base, dir, url: base.ref === "HEAD" && dir === "" ? web : `${web}/tree/${encodeURIComponent(base.ref)}${dir ? `/${encodePath(dir)}` : ""}` };
}

function refAndDir(segments: string[]): { ref: string; dir: string } {
  const [refSegment, ...dirSegments] = segments;
  if (refSegment === undefined || refSegment === "") {
    if (dirSegments.some((segment) => segment !== "")) throw new DocsSourceError("The URL must name a branch, tag or commit after /tree/.");
    return { ref: "HEAD", dir: "" };
  }
  const ref = decode(refSegment, "ref");
  checkRef(ref);
  const parts = dirSegments.map((segment) => decode(segment, "folder"));
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.some((part) => part === "" || part === "." || part === ".." || part.includes("/"))) {
    throw new DocsSourceError('The folder in the URL must not contain "//", "." or ".." segments.');
  }
  return { ref, dir: parts.join("/") };
}

function checkRef(ref: string): void {
  const invalid =
    ref.startsWith("-") ||
    ref.length > 255 ||
    /[\s~^:?*[\\]/.test(ref) ||
    ref.includes("..") ||
    ref.includes("@{") ||
    ref.includes("//") ||
    ref.startsWith("/") ||
    ref.endsWith("/") ||
    ref.endsWith(".") ||
    ref.endsWith(".lock");
  if (invalid) throw new DocsSourceError(`"${ref}" is not a valid branch, tag or commit name.`);
}

function localTreeUrl(repoPath: string, ref: string, dir: string): string {
  return `file:///${encodePath(repoPath.replace(/^\/+/, ""))}/tree/${encodeURIComponent(ref)}${dir ? `/${encodePath(dir)}` : ""}`;
}

function stripUrlPrefix(value: string, annotation: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("url:")) return trimmed.slice("url:".length);
  if (/^(https?|file):\/\//i.test(trimmed)) return trimmed;
  throw new DocsSourceError(`${annotation} must be url:<repository folder URL>, not "${trimmed.slice(0, 200)}".`);
}

function readAnnotations(metadata: unknown): Record<string, string | undefined> {
  if (typeof metadata !== "object" || metadata === null) return {};
  const annotations = (metadata as { annotations?: unknown }).annotations;
  if (typeof annotations !== "object" || annotations === null) return {};
  const out: Record<string, string | undefined> = {};
  for (const key of [TECHDOCS_REF, SOURCE_LOCATION]) {
    const value = (annotations as Record<string, unknown>)[key];
    if (typeof value === "string" && value.trim() !== "") out[key] = value;
  }
  return out;
}

function decode(segment: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new DocsSourceError(`The ${what} in the URL has invalid percent-encoding.`);
  }
  if (UNSAFE.test(decoded)) throw new DocsSourceError(`The ${what} in the URL contains control characters.`);
  return decoded;
}

function encodePath(value: string): string {
  return value.split("/").map(encodeURIComponent).join("/");
}

const EXPECTED = "https://github.com/<owner>/<repo>/tree/<ref>/<folder> or file:///<path to repo>/tree/<ref>/<folder>";
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const OWNER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
