import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { buildEntityDocs } from "@/lib/docs/build";
import { getDocsPage, getDocsSite } from "@/lib/docs/queries";
import { standInBinary, startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { resetDatabase } from "@/tests/reset";

// Docs read through GitHub's REST API (Octokit, with a token), from a stand-in whose every
// answer is checked against GitHub's published OpenAPI description.

const TOKEN = "ghp_docs_build_token";
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);
let github: GitHubStandIn;

beforeAll(async () => {
  github = await startGitHubStandIn({
    token: TOKEN,
    repos: {
      "acme/payments": {
        main: {
          "catalog-info.yaml": "kind: Component\n",
          ".github/workflows/build.yaml": "on: push\n",
          "services/payments/catalog-info.yaml": "kind: Component\n",
          "services/payments/docs/index.md": "# Payments\n\nSee [the API](api.md) and [the code](../src/server.ts).\n\n![flow](img/flow.png) ![logo](img/logo.svg)\n",
          "services/payments/docs/api.md": "# API\n\n```mermaid\nsequenceDiagram\n  A->>B: pay\n```\n",
          "services/payments/docs/img/flow.png": standInBinary(PNG),
          "services/payments/docs/img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
          "services/payments/src/server.ts": "export {};\n",
        },
      },
    },
  });
  // Read once, lazily, by lib/env: set before anything asks for the configuration.
  vi.stubEnv("GITHUB_TOKEN", TOKEN);
  vi.stubEnv("GITHUB_API_URL", github.url);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await github.close();
});

beforeEach(async () => {
  await resetDatabase();
});

async function uploadComponent(name: string, annotations: Record<string, string>) {
  const lines = Object.entries(annotations).map(([key, value]) => `    ${key}: "${value}"`);
  const yaml = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n${lines.join("\n")}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;
  const { entities } = parseCatalogYaml(yaml);
  await db.$transaction((tx) => writeEntities(tx, entities, { type: "upload" }));
  return db.entity.findUniqueOrThrow({ where: { key: `component:default/${name}` }, select: { id: true } });
}

describe("docs from GitHub", () => {
  it("builds docs of a monorepo folder through the REST API, with binary images intact, and records facts", async () => {
    const entity = await uploadComponent("payments", {
      "backstage.io/source-location": `url:${github.url}/acme/payments/tree/main/services/payments`,
      "backstage.io/techdocs-ref": "dir:.",
    });
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "ready", pages: 2 });

    const site = (await getDocsSite(entity.id))!;
    expect(site).toMatchObject({ status: "ready", sourceUrl: `${github.url}/acme/payments/tree/main/services/payments`, notice: null });
    expect(site.nav).toEqual([
      { title: "Payments", path: "index" },
      { title: "API", path: "api" },
    ]);
    const index = (await getDocsPage(entity.id, "index"))!;
    expect(index.html).toContain(`href="${github.url}/acme/payments/blob/main/services/payments/src/server.ts"`);
    expect((await getDocsPage(entity.id, "api"))!.html).toContain('<pre class="mermaid">sequenceDiagram');

    const assets = await db.docsAsset.findMany({ where: { entityId: entity.id }, orderBy: { path: "asc" }, select: { path: true, contentType: true, bytes: true } });
    expect(assets.map((a) => [a.path, a.contentType])).toEqual([
      ["img/flow.png", "image/png"],
      ["img/logo.svg", "image/svg+xml"],
    ]);
    expect(Buffer.from(assets[0]!.bytes)).toEqual(Buffer.from(PNG));

    // CI lives at the repository root; catalog-info.yaml in the service's folder.
    expect(await db.entityRepoFacts.findUniqueOrThrow({ where: { entityId: entity.id } })).toMatchObject({
      hasCiWorkflow: true,
      hasCatalogInfo: true,
      hasDocs: true,
      error: null,
    });
    expect(github.requests().some((r) => r.route === "GET /repos/{owner}/{repo}/git/blobs/{file_sha}")).toBe(true);
    expect(github.violations()).toEqual([]);
  });

  it("skips an unchanged commit and rebuilds after a push", async () => {
    const entity = await uploadComponent("payments", { "backstage.io/techdocs-ref": `url:${github.url}/acme/payments/tree/main/services/payments` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    const before = github.requests().length;
    expect(await buildEntityDocs(entity.id)).toEqual({ status: "skipped" });
    // A skipped build resolves the commit and reads neither a tree nor a file.
    const skipped = github.requests().slice(before);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.some((r) => r.route?.includes("/git/blobs/") || r.route?.includes("/git/trees/") || r.route?.includes("/contents"))).toBe(false);

    github.setFile("acme/payments", "main", "services/payments/docs/api.md", "# API v2\n");
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    expect((await getDocsPage(entity.id, "api"))!.title).toBe("API v2");
    expect(github.violations()).toEqual([]);
  });

  it("records a missing repository and an outage in words, keeping the last good docs", async () => {
    const missing = await uploadComponent("ghost", { "backstage.io/source-location": `url:${github.url}/acme/ghost/tree/main` });
    const result = await buildEntityDocs(missing.id);
    expect(result).toEqual({
      status: "failed",
      error: "The repository acme/ghost was not found on GitHub, or the token in GITHUB_TOKEN cannot see that repository.",
    });

    const entity = await uploadComponent("payments", { "backstage.io/techdocs-ref": `url:${github.url}/acme/payments/tree/main/services/payments` });
    expect((await buildEntityDocs(entity.id)).status).toBe("ready");
    github.setFile("acme/payments", "main", "services/payments/docs/api.md", "# API v3\n");
    github.failOn({ method: "GET", path: /\/git\/blobs\//, failure: 503, times: 4 });
    const down = await buildEntityDocs(entity.id);
    expect(down).toEqual({ status: "failed", error: "GitHub could not be reached or answered with an error; try again later." });
    expect((await getDocsSite(entity.id))!).toMatchObject({ status: "failed", pageCount: 2 });
    expect((await getDocsPage(entity.id, "api"))!.title).toBe("API v2");
    expect(github.violations()).toEqual([]);
  }, 60_000);
});
