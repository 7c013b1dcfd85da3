import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { addLocation, refreshLocation } from "@/lib/catalog/mutations";
import { writeEntities } from "@/lib/catalog/store";
import { buildEntityDocs, RENDER_VERSION, refreshAllDocs } from "@/lib/docs/build";
import { getDocsPage, getDocsSite, listDocsSites, searchDocs } from "@/lib/docs/queries";
import { commitFiles, createLocalRepo } from "@/lib/git/local";
import type { GitTreeReader } from "@/lib/git";
import { createGitTreeReader } from "@/lib/git/hosts";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

// Docs builds against real git repositories under PAVE_GIT_ROOT and a real database.
// No GITHUB_TOKEN here: GitHub URLs are read from PAVE_GIT_ROOT/<owner>/<repo>.git, the
// embedded git host. Reading through GitHub itself is in build-github.test.ts.

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0x80]);
const NOT_UTF8 = Uint8Array.from([0x23, 0x20, 0xff, 0xfe, 0x41, 0x0a]);

beforeAll(() => {
  // Another test file in this worker may have configured GitHub; this one runs without it.
  vi.stubEnv("GITHUB_TOKEN", "");
  vi.stubEnv("GITHUB_API_URL", "https://api.github.com");
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(async () => {
  await resetDatabase();
});

/** A bare repository at PAVE_GIT_ROOT/acme/<name>.git, where a GitHub URL without a token is read from. */
async function githubMirror(files: Record<string, string | Uint8Array>): Promise<{ name: string; dir: string }> {
  const name = `svc-${randomUUID().slice(0, 8)}`;
  const dir = path.join(process.env.PAVE_GIT_ROOT!, "acme", `${name}.git`);
  await createLocalRepo(dir, files);
  return { name, dir };
}

async function uploadComponent(name: string, annotations: Record<string, string> = {}) {
  const lines = Object.entries(annotations).map(([key, value]) => `    ${key}: "${value}"`);
  const yaml = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
${lines.length ? `  annotations:\n${lines.join("\n")}\n` : ""}spec:
  type: service
  lifecycle: production
  owner: team-a
`;
  const { entities, errors } = parseCatalogYaml(yaml);
  expect(errors).toEqual([]);
  await db.$transaction((tx) => writeEntities(tx, entities, { type: "upload" }));
  return db.entity.findUniqueOrThrow({ where: { key: `component:default/${name}` }, select: { id: true, key: true } });
}

const HANDBOOK = {
  "catalog-info.yaml": "kind: Component\n",
  ".github/workflows/ci.yml": "on: push\n",
  "mkdocs.yml": `site_name: Checkout
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
nav:
  - Home: index.md
  - Guides:
      - guides/deploy.md
      - Rolling back: guides/rollback.md
`,
  "docs/index.md": "# Checkout handbook\n\nRead [how to deploy](guides/deploy.md#before-you-start).\n\n![Architecture](img/arch.png)\n",
  "docs/guides/deploy.md": "# Deploying checkout\n\n## Before you start\n\nThe flamingo pipeline ships every merge. Back to [home](../index.md).\n",
  "docs/guides/rollback.md": "# Rolling back\n\nUse the previous image.\n",
  "docs/img/arch.png": PNG,
  "docs/img/unused.png": PNG,
  "docs/manual.pdf": Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00]),
  "docs/broken.md": NOT_UTF8,
  "src/main.ts": "export {};\n",
};

describe("buildEntityDocs", () => {
  it("builds mkdocs docs from a GitHub URL read from the local git root: nav, links, images, skipped files, facts", async () => {
    const { name } = await githubMirror(HANDBOOK);
    const entity = await uploadComponent(name, {
      "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main/`,
      "backstage.io/techdocs-ref": "dir:.",
    });

    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 3 });

    const site = (await getDocsSite(entity.id))!;
    expect(site).toMatchObject({ status: "ready", sourceUrl: `https://github.com/acme/${name}/tree/main`, error: null, pageCount: 3 });
    expect(site.builtAt).toBeInstanceOf(Date);
    expect(site.nav).toEqual([
      { title: "Home", path: "index" },
      { title: "Guides", children: [{ title: "Deploying checkout", path: "guides/deploy" }, { title: "Rolling back", path: "guides/rollback" }] },
    ]);
    expect(site.notice).toMatch(/1 Markdown file was skipped because it is not UTF-8 text/);

    const index = (await getDocsPage(entity.id, ""))!;
    expect(index.title).toBe("Checkout handbook");
    expect(index.html).toContain(`href="/catalog/component/default/${name}?tab=docs&#x26;path=guides%2Fdeploy#user-content-before-you-start"`);
    expect(index.html).toContain(`src="/api/docs/assets/${entity.id}/img/arch.png"`);
    const deploy = (await getDocsPage(entity.id, "guides/deploy"))!;
    expect(deploy.headings).toEqual([
      { depth: 1, id: "user-content-deploying-checkout", text: "Deploying checkout" },
      { depth: 2, id: "user-content-before-you-start", text: "Before you start" },
    ]);
    expect(await getDocsPage(entity.id, "nope")).toBeNull();

    // Only the image a page shows is stored; the PDF and the unused image are not.
    const assets = await db.docsAsset.findMany({ where: { entityId: entity.id }, select: { path: true, contentType: true, bytes: true } });
    expect(assets.map((a) => [a.path, a.contentType])).toEqual([["img/arch.png", "image/png"]]);
    expect(Buffer.from(assets[0]!.bytes)).toEqual(Buffer.from(PNG));

    const facts = await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } });
    expect(facts).toMatchObject({ hasCiWorkflow: true, hasCatalogInfo: true, hasDocs: true, error: null, sourceUrl: `https://github.com/acme/${name}/tree/main` });

    expect((await listDocsSites()).map((s) => [s.entityKey, s.status, s.pageCount])).toEqual([[entity.key, "ready", 3]]);
  });

  it("skips an unchanged commit (facts still refreshed) and rebuilds a new one", async () => {
    const { name, dir } = await githubMirror({ "docs/index.md": "# One\n" });
    const entity = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    const firstFacts = await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } });
    expect(firstFacts).toMatchObject({ hasCiWorkflow: false, hasCatalogInfo: false, hasDocs: true });

    expect(await buildEntityDocs(entity.id)).toEqual({ status: "skipped" });
    const later = await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } });
    expect(later.checkedAt.getTime()).toBeGreaterThanOrEqual(firstFacts.checkedAt.getTime());

    await commitFiles(dir, { "docs/index.md": "# Two\n", ".gitlab-ci.yml": "stages: [test]\n" }, "update docs");
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 1 });
    expect((await getDocsPage(entity.id, "index"))!.title).toBe("Two");
    expect((await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).hasCiWorkflow).toBe(true);
  });

  it("keeps the last good pages when a build fails, and records why", async () => {
    const { name, dir } = await githubMirror({ "mkdocs.yml": "site_name: x\n", "docs/index.md": "# Good\n" });
    const entity = await uploadComponent(name, { "backstage.io/techdocs-ref": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    const good = (await getDocsSite(entity.id))!;

    await commitFiles(dir, { "mkdocs.yml": "nav: [unclosed\n" }, "break mkdocs.yml");
    const failed = await buildEntityDocs(entity.id);
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/^mkdocs\.yml is not valid YAML/) });

    const site = (await getDocsSite(entity.id))!;
    expect(site).toMatchObject({ status: "failed", error: failed.error, pageCount: 1, nav: good.nav });
    expect(site.builtAt).toEqual(good.builtAt);
    expect(site.attemptedAt.getTime()).toBeGreaterThan(good.attemptedAt.getTime());
    expect((await getDocsPage(entity.id, ""))!.title).toBe("Good");

    await commitFiles(dir, { "mkdocs.yml": "site_name: fixed\n" }, "fix mkdocs.yml");
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    expect((await getDocsSite(entity.id))!.error).toBeNull();
  });

  it("falls back to the README of an entity read from a location, with its images", async () => {
    const platform = await createUser({ role: "platform" });
    const dir = path.join(process.env.PAVE_GIT_ROOT!, `readme-${randomUUID().slice(0, 8)}.git`);
    await createLocalRepo(dir, {
      "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: readme-only\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
      "README.md": "Intro without a heading.\n\n![logo](assets/logo.png) [contributing](CONTRIBUTING.md)\n",
      "CONTRIBUTING.md": "# Contributing\n",
      "assets/logo.png": PNG,
    });
    await addLocation(platform, `file://${dir}/blob/main/catalog-info.yaml`);
    const entity = await db.entity.findUniqueOrThrow({ where: { key: "component:default/readme-only" }, select: { id: true, locationId: true } });

    // Known only from its catalog file: the repository's facts are recorded, but its
    // README is not taken as the entity's docs until the entity says so.
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "none" });
    expect(await getDocsSite(entity.id)).toBeNull();
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).toMatchObject({
      hasDocs: false,
      hasCatalogInfo: true,
      hasCiWorkflow: false,
      sourceUrl: `file://${dir}/tree/main`,
    });

    await commitFiles(
      dir,
      {
        "catalog-info.yaml":
          "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: readme-only\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
      },
      "Declare the docs",
    );
    expect((await refreshLocation(entity.locationId!)).ok).toBe(true);
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 1 });
    const page = (await getDocsPage(entity.id, "index"))!;
    expect(page.title).toBe("README");
    expect(page.html).toContain(`src="/api/docs/assets/${entity.id}/assets/logo.png"`);
    // A lone README is the single page; links to other Markdown files go to "page not found".
    expect(page.html).toContain("path=CONTRIBUTING");
    expect((await getDocsSite(entity.id))!.nav).toEqual([{ title: "README", path: "index" }]);
    // Named by techdocs-ref, the README counts as docs for scorecards.
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).toMatchObject({ hasDocs: true, hasCatalogInfo: true });
  });

  it("renders what fits the limits, in order, and says which setting raises them", async () => {
    const files: Record<string, string> = { "docs/index.md": "# Index\n" };
    for (const n of [1, 2, 3, 4]) files[`docs/page-${n}.md`] = `# Page ${n}\n\n${"words ".repeat(50)}\n`;
    const { name } = await githubMirror(files);
    const entity = await uploadComponent(name, { "backstage.io/techdocs-ref": `url:https://github.com/acme/${name}/tree/main` });

    expect(await buildEntityDocs(entity.id, { maxFiles: 3 })).toEqual({ status: "ready", pages: 3 });
    const site = (await getDocsSite(entity.id))!;
    expect(site.notice).toBe("Only 3 of 5 files were rendered: these docs are larger than PAVE_DOCS_MAX_FILES allows (3 files). Raise PAVE_DOCS_MAX_FILES to render all of them.");
    expect(site.nav.map((item) => item.path)).toEqual(["index", "page-1", "page-2"]);

    // A new limit rebuilds an unchanged commit: the stored pages were cut at the old one.
    expect(await buildEntityDocs(entity.id, { maxFiles: 3 })).toEqual({ status: "skipped" });
    expect(await buildEntityDocs(entity.id, { maxBytes: 300 })).toEqual({ status: "ready", pages: 1 });
    expect((await getDocsSite(entity.id))!.notice).toMatch(/^Only 1 of 5 files were rendered: .*PAVE_DOCS_MAX_BYTES allows \(300 bytes\)\. Raise PAVE_DOCS_MAX_BYTES/);
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 5 });
    expect((await getDocsSite(entity.id))!.notice).toBeNull();
  });

  it("says so when there is no Markdown, and when the GitHub repository is not in the local git root", async () => {
    const { name } = await githubMirror({ "src/main.ts": "export {};\n", "docs/diagram.png": PNG });
    const bare = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main/` });
    expect(await buildEntityDocs(bare.id)).toEqual({ status: "failed", error: "No Markdown found: add a docs/ folder or a README.md" });
    expect((await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: bare.id } })).hasDocs).toBe(false);

    const missing = await uploadComponent("missing-repo", { "backstage.io/source-location": "url:https://github.com/acme/foo/tree/main/" });
    const message = "Pave has no GITHUB_TOKEN, and there is no local repository acme/foo.git under PAVE_GIT_ROOT";
    expect(await buildEntityDocs(missing.id)).toEqual({ status: "failed", error: message });
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: missing.id } })).toMatchObject({
      error: message,
      hasCiWorkflow: false,
      hasCatalogInfo: false,
      hasDocs: false,
    });
    // Never built: the site names the source it tried.
    expect((await getDocsSite(missing.id))!).toMatchObject({ status: "failed", builtAt: null, nav: [], pageCount: 0, sourceUrl: "https://github.com/acme/foo/tree/main" });
  });

  it("keeps the source of the last good pages when a later build from elsewhere fails, naming the attempt in the error", async () => {
    const { name } = await githubMirror({ "docs/index.md": "# Good\n" });
    const entity = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    const goodUrl = `https://github.com/acme/${name}/tree/main`;

    await db.entity.update({ where: { id: entity.id }, data: { metadata: { name, annotations: { "backstage.io/source-location": "url:https://github.com/acme/absent/tree/main" } } } });
    const result = await buildEntityDocs(entity.id);
    const expected =
      "Pave has no GITHUB_TOKEN, and there is no local repository acme/absent.git under PAVE_GIT_ROOT " +
      `(Tried to build from https://github.com/acme/absent/tree/main; the pages shown were built from ${goodUrl}.)`;
    expect(result).toEqual({ status: "failed", error: expected });
    expect((await getDocsSite(entity.id))!).toMatchObject({ status: "failed", sourceUrl: goodUrl, error: expected, pageCount: 1 });
  });

  it("records an annotation it cannot use as a failed build", async () => {
    const entity = await uploadComponent("bad-ref", { "backstage.io/techdocs-ref": "dir:../../.." });
    const result = await buildEntityDocs(entity.id);
    expect(result).toMatchObject({ status: "failed", error: expect.stringMatching(/has neither/) });
    expect((await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).error).toBe(result.error);
  });

  it("removes docs and facts of an entity that no longer has a source", async () => {
    const { name } = await githubMirror({ "docs/index.md": "# Soon gone\n" });
    const entity = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");

    await db.entity.update({ where: { id: entity.id }, data: { metadata: { name } } });
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "none" });
    expect(await db.docsSite.count({ where: { entityId: entity.id } })).toBe(0);
    expect(await db.docsPage.count({ where: { entityId: entity.id } })).toBe(0);
    expect(await db.entityRepoFacts.count({ where: { entityId: entity.id } })).toBe(0);
    expect(await buildEntityDocs("no-such-entity")).toEqual({ status: "none" });
  });
});

/** A tree reader over the local git root that counts what it is asked. */
function countingReader(): { reader: GitTreeReader; calls: string[] } {
  const inner = createGitTreeReader({ gitRoot: path.resolve(process.env.PAVE_GIT_ROOT!) });
  const calls: string[] = [];
  const reader: GitTreeReader = {
    resolveCommit: (repo, ref) => (calls.push("resolveCommit"), inner.resolveCommit(repo, ref)),
    listTree: (repo, commit, dir, options) => (calls.push("listTree"), inner.listTree(repo, commit, dir, options)),
    readBlob: (repo, sha, options) => (calls.push("readBlob"), inner.readBlob(repo, sha, options)),
  };
  return { reader, calls };
}

/** A catalog repository at PAVE_GIT_ROOT/acme/<name>.git holding one component, registered as a location. */
async function locatedComponent(name: string, annotations: Record<string, string>) {
  const catalog = (values: Record<string, string>) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n${Object.entries(values)
      .map(([key, value]) => `    ${key}: "${value}"`)
      .join("\n")}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
  const dir = path.join(process.env.PAVE_GIT_ROOT!, "acme", `catalog-${randomUUID().slice(0, 8)}.git`);
  await createLocalRepo(dir, { "catalog-info.yaml": catalog(annotations) });
  await addLocation(await createUser({ role: "platform" }), `file://${dir}/blob/main/catalog-info.yaml`);
  const entity = await db.entity.findUniqueOrThrow({ where: { key: `component:default/${name}` }, select: { id: true, locationId: true } });
  const annotate = async (values: Record<string, string>) => {
    await commitFiles(dir, { "catalog-info.yaml": catalog(values) }, "Change annotations");
    expect((await refreshLocation(entity.locationId!)).ok).toBe(true);
  };
  return { id: entity.id, annotate };
}

describe("docs of an entity read from a location", () => {
  it("are read only from repositories of the catalog file's owner; pages from another owner are removed", async () => {
    const own = await githubMirror({ "docs/index.md": "# Own docs\n" });
    const secretName = `private-${randomUUID().slice(0, 8)}`;
    await createLocalRepo(path.join(process.env.PAVE_GIT_ROOT!, "other-org", `${secretName}.git`), { "docs/index.md": "# Secret\n\nThe vault combination is zebracorn.\n" });

    // The demo's shape: a local catalog under acme/, source locations on GitHub's acme.
    const entity = await locatedComponent("located-docs", { "backstage.io/source-location": `url:https://github.com/acme/${own.name}/tree/main/`, "backstage.io/techdocs-ref": "dir:." });
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 1 });

    await entity.annotate({ "backstage.io/techdocs-ref": `url:https://github.com/other-org/${secretName}/tree/main` });
    const message = `Docs are read only from repositories of acme, the organisation of this entity's catalog file; backstage.io/techdocs-ref points to other-org/${secretName}.`;
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "failed", error: message });
    expect((await getDocsSite(entity.id))!).toMatchObject({ status: "failed", error: message, pageCount: 0, builtAt: null, nav: [] });
    expect(await db.docsPage.count({ where: { entityId: entity.id } })).toBe(0);
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).toMatchObject({ error: message, hasDocs: false });
    expect(await searchDocs("zebracorn")).toEqual([]);

    // The same through source-location, also when force is asked.
    await entity.annotate({ "backstage.io/source-location": `url:https://github.com/other-org/${secretName}/tree/main/`, "backstage.io/techdocs-ref": "dir:." });
    expect(await buildEntityDocs(entity.id, { force: true })).toMatchObject({ status: "failed", error: expect.stringMatching(/backstage\.io\/source-location points to other-org\//) });
    expect(await searchDocs("zebracorn")).toEqual([]);
  });
});

describe("skipping unchanged docs", () => {
  it("stores a fingerprint of commit, renderer and limits, and rebuilds when any changes or when forced", async () => {
    const { name, dir } = await githubMirror({ "docs/index.md": "# One\n" });
    const entity = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    const commit = (await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).commitSha;
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const env = { files: Number(process.env.PAVE_DOCS_MAX_FILES ?? 500), bytes: Number(process.env.PAVE_DOCS_MAX_BYTES ?? 5 * 1024 * 1024) };
    expect((await db.docsSite.findUniqueOrThrow({ where: { entityId: entity.id } })).commitSha).toBe(`${commit}:${RENDER_VERSION}:${env.files}:${env.bytes}`);
    expect(RENDER_VERSION).toBe(2);

    expect(await buildEntityDocs(entity.id)).toEqual({ status: "skipped" });
    expect(await buildEntityDocs(entity.id, { maxFiles: 10 })).toEqual({ status: "ready", pages: 1 });
    expect(await buildEntityDocs(entity.id, { maxFiles: 10 })).toEqual({ status: "skipped" });
    expect(await buildEntityDocs(entity.id, { maxFiles: 10, force: true })).toEqual({ status: "ready", pages: 1 });

    // Pages stored by an older renderer (whose fingerprint was the bare commit) are rebuilt.
    await db.docsSite.update({ where: { entityId: entity.id }, data: { commitSha: commit } });
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 1 });

    await commitFiles(dir, { "docs/index.md": "# Two\n" }, "update");
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 1 });
    expect((await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).commitSha).not.toBe(commit);
  });

  it("skips an unchanged repository after resolving its commit, without listing a tree", async () => {
    const { name } = await githubMirror({ "docs/index.md": "# One\n", ".github/workflows/ci.yml": "on: push\n" });
    const entity = await uploadComponent(name, { "backstage.io/source-location": `url:https://github.com/acme/${name}/tree/main` });
    const { reader, calls } = countingReader();
    expect((await buildEntityDocs(entity.id, { reader })).status).toBe("ready");
    expect(calls.filter((call) => call === "listTree").length).toBeGreaterThan(0);

    calls.length = 0;
    expect(await buildEntityDocs(entity.id, { reader })).toEqual({ status: "skipped" });
    expect(calls).toEqual(["resolveCommit"]);

    // Facts with an error are read again.
    await db.entityRepoFacts.update({ where: { entityId: entity.id }, data: { error: "GitHub was down" } });
    calls.length = 0;
    expect(await buildEntityDocs(entity.id, { reader })).toEqual({ status: "skipped" });
    expect(calls).toContain("listTree");
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).toMatchObject({ error: null, hasCiWorkflow: true, hasDocs: true });
  });

  it("skips an entity that declares no docs and has no site, and shares one reader across a refresh", async () => {
    const repo = path.join(process.env.PAVE_GIT_ROOT!, "acme", `plain-${randomUUID().slice(0, 8)}.git`);
    await createLocalRepo(repo, {
      "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: no-docs\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
      "README.md": "# Not docs\n",
    });
    await addLocation(await createUser({ role: "platform" }), `file://${repo}/blob/main/catalog-info.yaml`);
    const { name } = await githubMirror({ "docs/index.md": "# Docs\n" });
    await uploadComponent(name, { "backstage.io/techdocs-ref": `url:https://github.com/acme/${name}/tree/main` });

    const { reader, calls } = countingReader();
    expect(await refreshAllDocs({ reader })).toEqual({ built: 1, failed: 0, skipped: 0, none: 1 });
    expect(calls.length).toBeGreaterThan(2);
    calls.length = 0;
    expect(await refreshAllDocs({ reader })).toEqual({ built: 0, failed: 0, skipped: 2, none: 0 });
    expect(calls).toEqual(["resolveCommit", "resolveCommit"]);
  });
});

describe("refreshAllDocs", () => {
  it("builds every entity with a source, one failure not stopping the rest, and drops rows of entities without one", async () => {
    const first = await githubMirror({ "docs/index.md": "# First\n" });
    const second = await githubMirror({ "README.md": "# Second\n" });
    const a = await uploadComponent(first.name, { "backstage.io/source-location": `url:https://github.com/acme/${first.name}/tree/main` });
    const broken = await uploadComponent("broken", { "backstage.io/source-location": "url:https://github.com/acme/absent/tree/main" });
    const b = await uploadComponent(second.name, { "backstage.io/techdocs-ref": `url:https://github.com/acme/${second.name}/tree/main` });
    const plain = await uploadComponent("plain");
    // A location's component uses its repository; a group in the same file does not.
    const locationRepo = path.join(process.env.PAVE_GIT_ROOT!, `org-${randomUUID().slice(0, 8)}.git`);
    await createLocalRepo(locationRepo, {
      "catalog-info.yaml":
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n---\n" +
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: located\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
      "README.md": "# Located\n",
    });
    await addLocation(await createUser({ role: "platform" }), `file://${locationRepo}/blob/main/catalog-info.yaml`);
    // Rows left from when "plain" had a source.
    await db.docsSite.create({ data: { entityId: plain.id, sourceUrl: "x", status: "ready", attemptedAt: new Date(), nav: [] } });
    await db.entityRepoFacts.create({ data: { entityId: plain.id, sourceUrl: "x", checkedAt: new Date() } });

    // "located" names no docs: its repository's facts are recorded, without a docs site.
    expect(await refreshAllDocs()).toEqual({ built: 2, failed: 1, skipped: 0, none: 1 });
    // Unchanged: "located" too is skipped, its facts being those of the same commit.
    expect(await refreshAllDocs()).toEqual({ built: 0, failed: 1, skipped: 3, none: 0 });
    const located = await db.entity.findUniqueOrThrow({ where: { key: "component:default/located" }, select: { id: true } });
    expect(await db.docsSite.count({ where: { entityId: located.id } })).toBe(0);
    expect(await db.entityRepoFacts.count({ where: { entityId: located.id } })).toBe(1);
    const group = await db.entity.findUniqueOrThrow({ where: { key: "group:default/team-a" }, select: { id: true } });
    expect(await db.docsSite.count({ where: { entityId: group.id } })).toBe(0);
    expect(await db.docsSite.count({ where: { entityId: plain.id } })).toBe(0);
    expect(await db.entityRepoFacts.count({ where: { entityId: plain.id } })).toBe(0);
    expect((await getDocsSite(a.id))!.status).toBe("ready");
    expect((await getDocsSite(b.id))!.status).toBe("ready");
    expect((await getDocsSite(broken.id))!.status).toBe("failed");
  });
});

describe("searchDocs", () => {
  it("finds a word in a page body with a marked snippet, and nothing for nonsense or bad syntax", async () => {
    const { name } = await githubMirror(HANDBOOK);
    const entity = await uploadComponent(name, { "backstage.io/techdocs-ref": `url:https://github.com/acme/${name}/tree/main` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");

    const hits = await searchDocs("flamingos");
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ entityKey: entity.key, entityTitle: name, kind: "Component", namespace: "default", name, path: "guides/deploy", title: "Deploying checkout" });
    expect(hits[0]!.snippet.filter((s) => s.match).map((s) => s.text)).toEqual(["flamingo"]);
    expect(hits[0]!.snippet.map((s) => s.text).join("")).toMatch(/The flamingo pipeline ships every merge/);
    expect(hits[0]!.snippet.every((s) => !/[\u0002\u0003]/.test(s.text))).toBe(true);

    expect(await searchDocs("zyxwvutsrq")).toEqual([]);
    expect(await searchDocs("   ")).toEqual([]);
    expect(await searchDocs('"unclosed OR - & | ! :* (')).toEqual([]);
    expect(await searchDocs("the")).toEqual([]);
    expect((await searchDocs("checkout", { limit: 2 })).length).toBe(2);
  });
});
