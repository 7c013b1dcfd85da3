import { describe, expect, it } from "vitest";
import { MAX_MKDOCS_BYTES, mkdocsNavOrder, navFromMkdocs, navFromTree, orderMarkdownFiles, parseMkdocsConfig } from "@/lib/docs/nav";

const MKDOCS = `site_name: Checkout
docs_dir: handbook
plugins:
  - techdocs-core
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
extra:
  analytics: !ENV [ANALYTICS_KEY, none]
nav:
  - Home: index.md
  - guides/deploy.md
  - Operations:
      - Runbook: ops/runbook.md
      - Gone: ops/deleted.md
      - Status page: https://status.example.com
  - Empty:
      - Nothing: nowhere.md
  - Outside: ../secrets.md
`;

describe("mkdocs.yml", () => {
  it("is read leniently: Python and !ENV tags are ignored, never resolved", () => {
    const config = parseMkdocsConfig(MKDOCS);
    expect(config.docsDir).toBe("handbook");
    expect(config.nav).toHaveLength(5);
    expect(parseMkdocsConfig("site_name: x\n").docsDir).toBe("docs");
    expect(parseMkdocsConfig("").docsDir).toBe("docs");
  });

  it("explains broken files", () => {
    expect(() => parseMkdocsConfig("nav: [unclosed\n")).toThrow(/not valid YAML/);
    expect(() => parseMkdocsConfig("- a\n- b\n")).toThrow(/mapping/);
    expect(() => parseMkdocsConfig("nav: home.md\n")).toThrow(/nav must be a list/);
    expect(() => parseMkdocsConfig("docs_dir: [a]\n")).toThrow(/docs_dir/);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(() => parseMkdocsConfig(bomb)).toThrow(/aliases/);
  });

  const tooBig = new Error("mkdocs.yml is over 256 KiB once its YAML aliases are expanded.");

  it("refuses an mkdocs.yml whose one anchor, referenced 99 times, expands past 256 KiB", () => {
    const bomb = MKDOCS.replace("\nextra:\n", `\nextra:\n  blob: &blob "${"z".repeat(20_000)}"\n  copies: [${Array(99).fill("*blob").join(", ")}]\n`);
    expect(bomb.length).toBeLessThan(MAX_MKDOCS_BYTES);
    expect(() => parseMkdocsConfig(bomb)).toThrow(tooBig);
  });

  it("refuses the nested billion-laughs shape", () => {
    const laughs = `site_name: x\nextra:\n  l0: &l0 "${"z".repeat(12_000)}"\n  l1: &l1 [*l0, *l0, *l0]\n  l2: &l2 [*l1, *l1, *l1]\n  l3: [*l2, *l2, *l2]\nnav:\n  - index.md\n`;
    expect(() => parseMkdocsConfig(laughs)).toThrow(tooBig);
  });

  it("still reads aliases that stay small", () => {
    expect(parseMkdocsConfig("site_name: x\nextra: {a: &a [1, 2], b: *a}\nnav: [index.md]\n").nav).toEqual(["index.md"]);
  });

  it("gives a sidebar of the built pages only, in nav order, without external links or empty sections", () => {
    const { nav } = parseMkdocsConfig(MKDOCS);
    const titles = new Map([
      ["index", "Checkout"],
      ["guides/deploy", "Deploying"],
      ["ops/runbook", "Runbook (page title)"],
      ["extra", "Not in nav"],
    ]);
    expect(navFromMkdocs(nav!, titles)).toEqual([
      { title: "Home", path: "index" },
      { title: "Deploying", path: "guides/deploy" },
      { title: "Operations", children: [{ title: "Runbook", path: "ops/runbook" }] },
    ]);
    expect(mkdocsNavOrder(nav!)).toEqual(["index", "guides/deploy", "ops/runbook", "ops/deleted", "nowhere"]);
  });
});

describe("the file-tree sidebar", () => {
  it("puts the index first, then pages, then folders as sections titled by their index page", () => {
    const nav = navFromTree([
      { path: "index", sourcePath: "index.md", title: "Checkout" },
      { path: "zeta", sourcePath: "zeta.md", title: "Zeta" },
      { path: "alpha", sourcePath: "alpha.md", title: "Alpha" },
      { path: "guides", sourcePath: "guides/README.md", title: "Guides" },
      { path: "guides/deploy", sourcePath: "guides/deploy.md", title: "Deploying" },
      { path: "runbooks/on-call/pager", sourcePath: "runbooks/on-call/pager.md", title: "Pager" },
    ]);
    expect(nav).toEqual([
      { title: "Checkout", path: "index" },
      { title: "Alpha", path: "alpha" },
      { title: "Zeta", path: "zeta" },
      { title: "Guides", path: "guides", children: [{ title: "Deploying", path: "guides/deploy" }] },
      { title: "Runbooks", children: [{ title: "On call", children: [{ title: "Pager", path: "runbooks/on-call/pager" }] }] },
    ]);
  });
});

describe("keeping order", () => {
  it("keeps the index first, then nav order, then path order; index.md wins over README.md", () => {
    const files = ["b.md", "a.md", "guides/README.md", "guides/index.md", "README.md", "c/deep.md"];
    expect(orderMarkdownFiles(files, ["c/deep", "b"])).toEqual([
      { sourcePath: "README.md", pagePath: "index" },
      { sourcePath: "c/deep.md", pagePath: "c/deep" },
      { sourcePath: "b.md", pagePath: "b" },
      { sourcePath: "a.md", pagePath: "a" },
      { sourcePath: "guides/index.md", pagePath: "guides" },
    ]);
  });
});
