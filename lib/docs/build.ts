import "server-only";
import { stat } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { docsPageHref } from "@/lib/catalog/paths";
import { getGitHubWebUrl, getGitTreeReader, GitReadError, type GitTreeEntry, type GitTreeReader } from "@/lib/git";
import { MAX_MKDOCS_BYTES, mkdocsNavOrder, navFromMkdocs, navFromTree, orderMarkdownFiles, parseMkdocsConfig, type DocsNavItem } from "@/lib/docs/nav";
import { imageContentType, isMarkdownPath, joinPath, renderMarkdown, type RenderedPage } from "@/lib/docs/render";
import { KINDS_WITHOUT_REPOSITORY, resolveDocsSource, SOURCE_LOCATION, TECHDOCS_REF, type DocsSource, type RepoSpot } from "@/lib/docs/source";

/**
 * Docs builds: read an entity's repository at one commit, record what it has (CI,
 * catalog-info.yaml, docs) for scorecards, render its Markdown and store pages, images
 * and the sidebar in Postgres, so the Docs tab and search never touch git.
 *
 * A build replaces the stored docs in one transaction or not at all: a failure keeps the
 * last good pages and records why, in words a developer can act on.
 */

export type DocsBuildResult = { status: "ready" | "failed" | "skipped" | "none"; pages?: number; error?: string };

export interface DocsBuildOptions {
  /** Build even when the commit, the renderer and the limits are those of the stored pages (a person asked). */
  force?: boolean;
  /** Overrides PAVE_DOCS_MAX_FILES. */
  maxFiles?: number;
  /** Overrides PAVE_DOCS_MAX_BYTES. */
  maxBytes?: number;
  /** Overrides the configured git hosts (tests); refreshAllDocs shares one across its builds. */
  reader?: GitTreeReader;
}

/**
 * The version of the Markdown rendering (lib/docs/render.ts and the link targets built
 * here). Bump it whenever the HTML a page renders to changes, so stored pages of
 * unchanged commits are rebuilt. 2: heading ids carry the "user-content-" prefix.
 */
export const RENDER_VERSION = 2;

/** What stored pages were built from (DocsSite.commitSha): a build with the same fingerprint is skipped. */
export function buildFingerprint(commit: string, limits: { maxFiles: number; maxBytes: number }): string {
  return `${commit}:${RENDER_VERSION}:${limits.maxFiles}:${limits.maxBytes}`;
}

const UNEXPECTED = "The docs build failed unexpectedly. The error has been logged; try again later.";
const NO_MARKDOWN = "No Markdown found: add a docs/ folder or a README.md";
// The characters searchDocs uses to mark matches; page text must not contain them.
const SEARCH_MARKERS = /[\u0002\u0003]/g;

/** A failure the developer can fix; its message is shown on the Docs tab. */
class DocsBuildError extends AppError {
  constructor(message: string) {
    super("INVALID", message);
    this.name = "DocsBuildError";
  }
}

/** Builds one entity's docs and records its repository facts; never throws for failures a person can act on. */
export async function buildEntityDocs(entityId: string, options: DocsBuildOptions = {}): Promise<DocsBuildResult> {
  const entity = await db.entity.findUnique({
    where: { id: entityId },
    select: { id: true, kind: true, namespace: true, name: true, metadata: true, sourceType: true, location: { select: { target: true } } },
  });
  if (!entity) return { status: "none" };

  const env = getEnv();
  const resolution = resolveDocsSource(
    { kind: entity.kind, metadata: entity.metadata, sourceType: entity.sourceType, locationTarget: entity.location?.target ?? null },
    { githubWebUrl: getGitHubWebUrl(env.GITHUB_API_URL), hasGitHubToken: !!env.GITHUB_TOKEN, gitRoot: path.resolve(env.PAVE_GIT_ROOT) },
  );
  if (resolution.status === "none") {
    await db.$transaction([db.docsSite.deleteMany({ where: { entityId } }), db.entityRepoFacts.deleteMany({ where: { entityId } })]);
    return { status: "none" };
  }
  if (resolution.status === "invalid") {
    await recordFacts(entityId, { sourceUrl: resolution.sourceUrl, error: resolution.error });
    // Pages built from another owner's repository (before that was refused) must not stay visible.
    return failBuild(entityId, resolution.sourceUrl, resolution.error, { dropPages: resolution.outsideOwner === true });
  }

  const { source } = resolution;
  const reader = options.reader ?? getGitTreeReader();
  const limits = { maxFiles: options.maxFiles ?? env.PAVE_DOCS_MAX_FILES, maxBytes: options.maxBytes ?? env.PAVE_DOCS_MAX_BYTES };

  // The repository first: its facts are recorded whatever happens to the docs.
  const repositoryFailed = async (error: unknown): Promise<DocsBuildResult> => {
    const message = safeMessage(error, entityId);
    await recordFacts(entityId, { sourceUrl: source.repo.url, error: message });
    if (!source.declared) {
      await db.docsSite.deleteMany({ where: { entityId } });
      return { status: "none" };
    }
    return failBuild(entityId, source.docs.url, message);
  };
  let commit: string;
  try {
    await checkMirror(source.repo);
    commit = await reader.resolveCommit(source.repo.repo, source.repo.ref);
  } catch (error) {
    return repositoryFailed(error);
  }

  // An hourly refresh of an unchanged repository costs one call per repository, not a tree walk.
  const known: Unchanged = options.force ? { unchanged: false, site: null } : await findUnchanged(entityId, reader, source, commit, limits);
  if (known.unchanged) {
    await db.entityRepoFacts.update({ where: { entityId }, data: { checkedAt: new Date() } });
    return { status: "skipped" };
  }

  let repoRead: RepoRead;
  try {
    repoRead = await readRepository(reader, source.repo, commit);
  } catch (error) {
    return repositoryFailed(error);
  }

  let plan: DocsPlan | undefined;
  let planError: unknown;
  try {
    plan = await planDocs(reader, source, repoRead, known.docsCommit);
  } catch (error) {
    planError = error;
  }
  const hasDocs = !!plan && plan.markdown.length > 0 && (source.annotated || plan.mode !== "readme");
  // A passing outage must not settle hasDocs for this commit: only a plan, or a mistake in
  // the repository itself, is recorded against it.
  const settled = !!plan || planError instanceof DocsBuildError;
  await recordFacts(entityId, {
    sourceUrl: source.repo.url,
    hasCiWorkflow: repoRead.hasCiWorkflow,
    hasCatalogInfo: repoRead.hasCatalogInfo,
    hasDocs,
    commitSha: settled ? repoRead.commit : null,
  });
  if (!source.declared) {
    await db.docsSite.deleteMany({ where: { entityId } });
    return { status: "none" };
  }
  if (!plan) return failBuild(entityId, source.docs.url, safeMessage(planError, entityId));

  try {
    if (plan.markdown.length === 0) {
      throw new DocsBuildError(plan.mode === "mkdocs" ? `No Markdown found in ${plan.root || "the repository root"}, the docs_dir of mkdocs.yml.` : NO_MARKDOWN);
    }
    const fingerprint = buildFingerprint(plan.commit, limits);
    // The facts changed but the docs may not have (read by findUnchanged, unless forced).
    const site = known.site;
    if (site?.status === "ready" && site.commitSha === fingerprint && site.sourceUrl === source.docs.url) return { status: "skipped" };

    const built = await renderSite(reader, source.docs, plan, limits, {
      pageHref: (pagePath) => docsPageHref(entity, pagePath),
      assetHref: (assetPath) => `/api/docs/assets/${encodeURIComponent(entity.id)}/${assetPath.split("/").map(encodeURIComponent).join("/")}`,
    });
    if (built.pages.length === 0) throw new DocsBuildError(built.skippedText > 0 ? "No readable Markdown found: the Markdown files are not UTF-8 text." : NO_MARKDOWN);

    const now = new Date();
    const fields = { sourceUrl: source.docs.url, status: "ready", builtAt: now, attemptedAt: now, error: null, notice: built.notice, nav: built.nav, commitSha: fingerprint };
    await db.$transaction(
      async (tx) => {
        await tx.docsSite.upsert({ where: { entityId }, create: { entityId, ...fields }, update: fields });
        await tx.docsPage.deleteMany({ where: { entityId } });
        await tx.docsAsset.deleteMany({ where: { entityId } });
        await tx.docsPage.createMany({
          data: built.pages.map((page) => ({ entityId, path: page.path, title: page.title, html: page.html, text: page.text.replace(SEARCH_MARKERS, " "), headings: page.headings })),
        });
        if (built.assets.length > 0) await tx.docsAsset.createMany({ data: built.assets.map((asset) => ({ entityId, ...asset })) });
      },
      { timeout: 60_000 },
    );
    log.info({ entityId, commit: plan.commit, pages: built.pages.length, assets: built.assets.length }, "docs built");
    return { status: "ready", pages: built.pages.length };
  } catch (error) {
    return failBuild(entityId, source.docs.url, safeMessage(error, entityId));
  }
}

/**
 * Whether the stored facts and docs were read from this very commit with today's
 * renderer and limits: facts without error at the commit and at the same folder, and
 * either a ready site with the same fingerprint or, for an entity that declares no docs,
 * no site. Also answers the docs commit when it had to resolve it (docs in another repository).
 */
type StoredSite = { status: string; commitSha: string | null; sourceUrl: string };
type Unchanged = { unchanged: boolean; docsCommit?: string; site: StoredSite | null };

async function findUnchanged(
  entityId: string,
  reader: GitTreeReader,
  source: DocsSource,
  commit: string,
  limits: { maxFiles: number; maxBytes: number },
): Promise<Unchanged> {
  const [facts, site] = await Promise.all([
    db.entityRepoFacts.findUnique({ where: { entityId }, select: { commitSha: true, error: true, sourceUrl: true, hasDocs: true } }),
    db.docsSite.findUnique({ where: { entityId }, select: { status: true, commitSha: true, sourceUrl: true } }),
  ]);
  if (!facts || facts.error !== null || facts.commitSha !== commit || facts.sourceUrl !== source.repo.url) return { unchanged: false, site };
  if (!source.declared) return { unchanged: site === null, site };
  // Docs named by techdocs-ref always count; facts from before the annotation may say otherwise.
  if (source.annotated && !facts.hasDocs) return { unchanged: false, site };
  if (site?.status !== "ready" || site.sourceUrl !== source.docs.url) return { unchanged: false, site };
  if (sameRepository(source.repo, source.docs)) return { unchanged: site.commitSha === buildFingerprint(commit, limits), site };
  let docsCommit: string;
  try {
    await checkMirror(source.docs);
    docsCommit = await reader.resolveCommit(source.docs.repo, source.docs.ref);
  } catch {
    // The build itself reports what is wrong.
    return { unchanged: false, site };
  }
  return { unchanged: site.commitSha === buildFingerprint(docsCommit, limits), docsCommit, site };
}

/**
 * Rebuilds the docs of every entity with a source (annotation or location), one after
 * the other so a large catalog never floods git hosts; one failure never stops the rest.
 * Also removes docs and facts of entities that no longer have a source.
 */
export async function refreshAllDocs(options: DocsBuildOptions = {}): Promise<{ built: number; failed: number; skipped: number; none: number }> {
  // The same rule as resolveDocsSource: an annotation, or a location for kinds that live in a repository.
  const hasSource = Prisma.sql`(
    (e.source_type = 'location' AND lower(e.kind) <> ALL(${[...KINDS_WITHOUT_REPOSITORY]}::text[]))
    OR e.metadata->'annotations'->>${TECHDOCS_REF} IS NOT NULL
    OR e.metadata->'annotations'->>${SOURCE_LOCATION} IS NOT NULL)`;
  const candidates = await db.$queryRaw<{ id: string }[]>`SELECT e.id FROM entities e WHERE ${hasSource} ORDER BY e.key`;
  await db.$executeRaw`DELETE FROM docs_sites d WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = d.entity_id AND ${hasSource})`;
  await db.$executeRaw`DELETE FROM entity_repo_facts f WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = f.entity_id AND ${hasSource})`;

  // One reader for the whole refresh, so its GitHub client (and its rate-limit handling) is shared.
  const shared = { ...options, reader: options.reader ?? getGitTreeReader() };
  const counts = { built: 0, failed: 0, skipped: 0, none: 0 };
  for (const { id } of candidates) {
    try {
      const result = await buildEntityDocs(id, shared);
      if (result.status === "ready") counts.built += 1;
      else counts[result.status] += 1;
    } catch (error) {
      // buildEntityDocs handles what it expects; this is the database or a bug.
      log.error({ entityId: id, err: error }, "docs build crashed");
      counts.failed += 1;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------
// Reading the repository

interface RepoRead {
  commit: string;
  /** The repository folder's direct children. */
  top: GitTreeEntry[];
  hasCiWorkflow: boolean;
  hasCatalogInfo: boolean;
}

/** Lists what the repository facts need at a resolved commit (checkMirror has run). */
async function readRepository(reader: GitTreeReader, spot: RepoSpot, commit: string): Promise<RepoRead> {
  const top = await reader.listTree(spot.repo, commit, spot.dir, { recursive: false });
  const prefix = spot.dir ? `${spot.dir}/` : "";
  const hasCatalogInfo = top.some((entry) => entry.type === "blob" && (entry.path === `${prefix}catalog-info.yaml` || entry.path === `${prefix}catalog-info.yml`));

  // CI config lives at the repository root (GitHub Actions requires it); a service in a
  // monorepo folder may also carry its own .gitlab-ci.yml or Jenkinsfile.
  let hasCiWorkflow = false;
  for (const dir of spot.dir ? [spot.dir, ""] : [""]) {
    const entries = dir === spot.dir ? top : await reader.listTree(spot.repo, commit, dir, { recursive: false });
    const at = dir ? `${dir}/` : "";
    if (entries.some((entry) => entry.type === "blob" && (entry.path === `${at}.gitlab-ci.yml` || entry.path === `${at}Jenkinsfile`))) hasCiWorkflow = true;
    if (!hasCiWorkflow && entries.some((entry) => entry.type === "tree" && entry.path === `${at}.github`)) {
      const workflows = await reader.listTree(spot.repo, commit, `${at}.github/workflows`, { limit: 5_000 });
      hasCiWorkflow = workflows.some((entry) => /\.ya?ml$/i.test(entry.path));
    }
    if (hasCiWorkflow) break;
  }
  return { commit, top, hasCiWorkflow, hasCatalogInfo };
}

/** Without GITHUB_TOKEN a GitHub repository is read from PAVE_GIT_ROOT; say so plainly when it is not there. */
async function checkMirror(spot: RepoSpot): Promise<void> {
  if (!spot.mirrorOf || spot.repo.host !== "local") return;
  const exists = await stat(spot.repo.repoPath).then(
    () => true,
    () => false,
  );
  if (!exists) throw new GitReadError("not_found", `Pave has no GITHUB_TOKEN, and there is no local repository ${spot.mirrorOf}.git under PAVE_GIT_ROOT`);
}

interface DocsPlan {
  commit: string;
  mode: "mkdocs" | "folder" | "readme";
  /** The docs root inside the repository ("" for the root). */
  root: string;
  /** Markdown files relative to the root, in keeping order. */
  markdown: { sourcePath: string; pagePath: string; size: number; sha: string }[];
  /** Images below the root (relative to it), by path. */
  images: Map<string, { size: number; sha: string; contentType: string }>;
  /** mkdocs' nav, when it has one. */
  mkdocsNav?: unknown[];
}

/** Finds the docs root (mkdocs.yml → its docs_dir, else docs/, else a README) and lists what to render. */
async function planDocs(reader: GitTreeReader, source: DocsSource, repoRead: RepoRead, docsCommit?: string): Promise<DocsPlan> {
  const spot = source.docs;
  const sameRepo = sameRepository(source.repo, spot);
  if (!sameRepo && docsCommit === undefined) await checkMirror(spot);
  const commit = sameRepo ? repoRead.commit : (docsCommit ?? (await reader.resolveCommit(spot.repo, spot.ref)));
  const top = sameRepo && spot.dir === source.repo.dir ? repoRead.top : await reader.listTree(spot.repo, commit, spot.dir, { recursive: false });
  const at = spot.dir ? `${spot.dir}/` : "";
  const blob = (name: RegExp) => top.find((entry) => entry.type === "blob" && name.test(entry.path.slice(at.length)));

  const mkdocs = blob(/^mkdocs\.ya?ml$/);
  let mode: DocsPlan["mode"];
  let root: string;
  let mkdocsNav: unknown[] | undefined;
  let files: GitTreeEntry[];
  if (mkdocs) {
    if (mkdocs.size > MAX_MKDOCS_BYTES) throw new DocsBuildError(`mkdocs.yml is larger than ${MAX_MKDOCS_BYTES / 1024} KiB.`);
    const text = decodeUtf8(await reader.readBlob(spot.repo, mkdocs.sha, { maxBytes: MAX_MKDOCS_BYTES }));
    if (text === undefined) throw new DocsBuildError("mkdocs.yml is not UTF-8 text.");
    let config: ReturnType<typeof parseMkdocsConfig>;
    try {
      config = parseMkdocsConfig(text);
    } catch (error) {
      throw new DocsBuildError(error instanceof Error ? error.message : "mkdocs.yml could not be read.");
    }
    if (config.docsDir.startsWith("/") || config.docsDir.includes("\\")) throw new DocsBuildError(`mkdocs.yml: docs_dir must be a relative folder, not "${config.docsDir}".`);
    root = joinPath(spot.dir, config.docsDir);
    if (root === ".." || root.startsWith("../")) throw new DocsBuildError(`mkdocs.yml: docs_dir "${config.docsDir}" points outside the repository.`);
    mode = "mkdocs";
    mkdocsNav = config.nav;
    files = await reader.listTree(spot.repo, commit, root);
  } else if (top.some((entry) => entry.type === "tree" && entry.path === `${at}docs`)) {
    mode = "folder";
    root = `${at}docs`;
    files = await reader.listTree(spot.repo, commit, root);
  } else {
    mode = "readme";
    root = spot.dir;
    const readme = blob(/^readme\.(md|markdown)$/i);
    if (!readme) return { commit, mode, root, markdown: [], images: new Map() };
    // Images the README shows may sit anywhere below it; a folder too large to list just has none.
    const below = await reader.listTree(spot.repo, commit, root).catch((error: unknown) => {
      if (error instanceof GitReadError && error.kind === "invalid") return [];
      throw error;
    });
    files = [readme, ...below.filter((entry) => imageContentType(entry.path) !== undefined)];
  }

  const prefix = root ? `${root}/` : "";
  const relative = (entry: GitTreeEntry) => entry.path.slice(prefix.length);
  const byPath = new Map(files.filter((entry) => entry.type === "blob").map((entry) => [relative(entry), entry]));
  const markdownFiles = mode === "readme" ? [relative(files[0]!)] : [...byPath.keys()].filter(isMarkdownPath);
  const markdown = orderMarkdownFiles(markdownFiles, mkdocsNav ? mkdocsNavOrder(mkdocsNav) : []).map((file) => {
    const entry = byPath.get(file.sourcePath)!;
    // A README alone is the single index page, whatever its name.
    return { ...file, pagePath: mode === "readme" ? "index" : file.pagePath, size: entry.size, sha: entry.sha };
  });
  const images = new Map<string, { size: number; sha: string; contentType: string }>();
  for (const [file, entry] of byPath) {
    const contentType = imageContentType(file);
    if (contentType) images.set(file, { size: entry.size, sha: entry.sha, contentType });
  }
  return { commit, mode, root, markdown, images, ...(mkdocsNav ? { mkdocsNav } : {}) };
}

function sameRepository(a: RepoSpot, b: RepoSpot): boolean {
  if (a.ref !== b.ref) return false;
  if (a.repo.host === "local" && b.repo.host === "local") return a.repo.repoPath === b.repo.repoPath;
  if (a.repo.host === "github" && b.repo.host === "github") return a.repo.owner.toLowerCase() === b.repo.owner.toLowerCase() && a.repo.repo.toLowerCase() === b.repo.repo.toLowerCase();
  return false;
}

// ---------------------------------------------------------------------------------------
// Rendering

interface BuiltSite {
  pages: (RenderedPage & { path: string })[];
  assets: { path: string; contentType: string; bytes: Uint8Array<ArrayBuffer> }[];
  nav: DocsNavItem[];
  notice: string | null;
  /** Markdown files left out because they are not UTF-8 text. */
  skippedText: number;
}

/**
 * Reads and renders the pages, then the images they show, within the limits: files and
 * bytes are counted in keeping order (index, nav or path order, then images), and the
 * first file that does not fit ends the build there.
 */
async function renderSite(
  reader: GitTreeReader,
  spot: RepoSpot,
  plan: DocsPlan,
  limits: { maxFiles: number; maxBytes: number },
  hrefs: { pageHref: (pagePath: string) => string; assetHref: (assetPath: string) => string },
): Promise<BuiltSite> {
  let files = 0;
  let bytes = 0;
  let limitHit: "files" | "bytes" | undefined;
  const fits = (size: number) => {
    if (limitHit) return false;
    if (files + 1 > limits.maxFiles) limitHit = "files";
    else if (bytes + size > limits.maxBytes) limitHit = "bytes";
    if (limitHit) return false;
    files += 1;
    bytes += size;
    return true;
  };

  const sources: { sourcePath: string; pagePath: string; text: string }[] = [];
  let skippedText = 0;
  for (const file of plan.markdown) {
    if (!fits(file.size)) break;
    const text = decodeUtf8(await reader.readBlob(spot.repo, file.sha, { maxBytes: Math.max(file.size, 1) }));
    if (text === undefined) {
      skippedText += 1;
      continue;
    }
    sources.push({ sourcePath: file.sourcePath, pagePath: file.pagePath, text });
  }

  const pagePaths = new Set(sources.map((source) => source.pagePath));
  const fileHref = (docsRelative: string) => {
    const inRepo = joinPath(plan.root, docsRelative);
    if (!spot.webRepoUrl || inRepo === "" || inRepo === ".." || inRepo.startsWith("../")) return undefined;
    return `${spot.webRepoUrl}/blob/${encodeURIComponent(spot.ref)}/${inRepo.split("/").map(encodeURIComponent).join("/")}`;
  };
  const renderAll = (assets: Set<string>, shown?: Set<string>) =>
    sources.map((source) => ({
      path: source.pagePath,
      ...renderMarkdown(source.text, {
        pagePath: source.pagePath,
        sourcePath: source.sourcePath,
        pages: pagePaths,
        assets,
        pageHref: hrefs.pageHref,
        assetHref: (assetPath) => {
          shown?.add(assetPath);
          return hrefs.assetHref(assetPath);
        },
        fileHref,
      }),
    }));

  // Only images a page shows are stored; render once to learn which those are.
  const shown = new Set<string>();
  let pages = renderAll(new Set(plan.images.keys()), shown);
  const assets: BuiltSite["assets"] = [];
  for (const assetPath of [...shown].sort()) {
    const image = plan.images.get(assetPath);
    if (!image || !fits(image.size)) continue;
    const content = await reader.readBlob(spot.repo, image.sha, { maxBytes: Math.max(image.size, 1) });
    assets.push({ path: assetPath, contentType: image.contentType, bytes: Uint8Array.from(content) });
  }
  // Some images did not fit: render again so pages do not point at images that are not stored.
  if (assets.length < shown.size) pages = renderAll(new Set(assets.map((asset) => asset.path)));

  const titles = new Map(pages.map((page) => [page.path, page.title]));
  const nav = plan.mkdocsNav
    ? navFromMkdocs(plan.mkdocsNav, titles)
    : navFromTree(pages.map((page, index) => ({ path: page.path, title: page.title, sourcePath: sources[index]!.sourcePath })));

  const total = plan.markdown.length + shown.size;
  const kept = pages.length + assets.length;
  const notices: string[] = [];
  if (limitHit) {
    const setting = limitHit === "files" ? "PAVE_DOCS_MAX_FILES" : "PAVE_DOCS_MAX_BYTES";
    const allowed = limitHit === "files" ? `${limits.maxFiles} files` : formatBytes(limits.maxBytes);
    notices.push(`Only ${kept} of ${total} files were rendered: these docs are larger than ${setting} allows (${allowed}). Raise ${setting} to render all of them.`);
  }
  if (skippedText > 0) notices.push(`${skippedText} Markdown ${skippedText === 1 ? "file was" : "files were"} skipped because ${skippedText === 1 ? "it is" : "they are"} not UTF-8 text.`);
  return { pages, assets, nav, notice: notices.length > 0 ? notices.join(" ") : null, skippedText };
}

// ---------------------------------------------------------------------------------------
// Recording outcomes

async function recordFacts(
  entityId: string,
  facts: { sourceUrl: string; error?: string; hasCiWorkflow?: boolean; hasCatalogInfo?: boolean; hasDocs?: boolean; commitSha?: string | null },
): Promise<void> {
  const fields = {
    sourceUrl: facts.sourceUrl,
    // Facts with an error are read again next time, whatever the commit.
    commitSha: facts.error ? null : (facts.commitSha ?? null),
    hasCiWorkflow: !facts.error && !!facts.hasCiWorkflow,
    hasCatalogInfo: !facts.error && !!facts.hasCatalogInfo,
    hasDocs: !facts.error && !!facts.hasDocs,
    error: facts.error ?? null,
    checkedAt: new Date(),
  };
  await db.entityRepoFacts.upsert({ where: { entityId }, create: { entityId, ...fields }, update: fields });
}

/**
 * Records a failed attempt; pages, images, nav, builtAt and the source they were built
 * from stay (the attempted source goes into the message when it differs), unless
 * dropPages says they must go. A site that never built shows the attempted source.
 */
async function failBuild(entityId: string, sourceUrl: string, error: string, options: { dropPages?: boolean } = {}): Promise<DocsBuildResult> {
  const now = new Date();
  const failed = { status: "failed", attemptedAt: now };
  if (options.dropPages) {
    const cleared = { ...failed, sourceUrl, error, builtAt: null, notice: null, nav: [], commitSha: null };
    await db.$transaction([
      db.docsPage.deleteMany({ where: { entityId } }),
      db.docsAsset.deleteMany({ where: { entityId } }),
      db.docsSite.upsert({ where: { entityId }, create: { entityId, ...cleared }, update: cleared }),
    ]);
    return { status: "failed", error };
  }
  const site = await db.docsSite.findUnique({ where: { entityId }, select: { sourceUrl: true, _count: { select: { pages: true } } } });
  if (site && site._count.pages > 0) {
    const message = site.sourceUrl === sourceUrl ? error : `${error} (Tried to build from ${sourceUrl}; the pages shown were built from ${site.sourceUrl}.)`;
    await db.docsSite.update({ where: { entityId }, data: { ...failed, error: message } });
    return { status: "failed", error: message };
  }
  await db.docsSite.upsert({ where: { entityId }, create: { entityId, ...failed, sourceUrl, error, nav: [] }, update: { ...failed, sourceUrl, error } });
  return { status: "failed", error };
}

/** The message to store for a failure: ours and git's are written for people; anything else is logged, not shown. */
function safeMessage(error: unknown, entityId: string): string {
  if (error instanceof AppError) return error.message;
  log.error({ entityId, err: error }, "docs build failed unexpectedly");
  return UNEXPECTED;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return undefined;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}
