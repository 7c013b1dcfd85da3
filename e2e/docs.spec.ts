import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test, type Page } from "@playwright/test";
import { signInAs } from "./fixtures/auth";
import { E2E_SERVER_ENV } from "./fixtures/env";

// Docs are built by a background job after the server starts (and on request), so pages
// that show them are reloaded until the build has landed.
async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 45_000) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout, intervals: [500, 1_000, 2_000] });
}

test.describe("Docs", () => {
  test("a developer reads a service's docs and moves between its pages", async ({ page }) => {
    test.setTimeout(90_000);
    await signInAs(page, "member", "/catalog/component/default/checkout-service?tab=docs");
    const sidebar = page.getByRole("navigation", { name: "Docs pages" });
    const content = page.locator(".docs-content");
    await reloadUntil(page, () => expect(sidebar).toBeVisible({ timeout: 1_000 }));
    await expect(page.getByText(/^Built .* from /)).toBeVisible();
    await expect(content.getByRole("heading", { name: "Checkout service", level: 1 })).toBeVisible();

    // The sidebar comes from mkdocs.yml's nav, in its order.
    await expect(sidebar.getByRole("link")).toHaveText(["Overview", "Architecture", "Using the API", "Runbook", "Local development"]);
    await sidebar.getByRole("link", { name: "Architecture" }).click();
    await expect(page).toHaveURL(/[?&]path=architecture(&|#|$)/);
    await expect(sidebar.getByRole("link", { name: "Architecture" })).toHaveAttribute("aria-current", "page");
    await expect(content.getByRole("heading", { level: 1 })).toContainText("Architecture");
    // Mermaid diagrams are drawn in the browser; the image in docs/images is served by Pave.
    await expect(content.getByRole("img", { name: "Diagram" }).locator("svg").first()).toBeVisible({ timeout: 15_000 });
    const image = content.locator("img[src^='/api/docs/assets/']").first();
    await expect(image).toBeVisible();
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // Images are served sandboxed, and only to signed-in people.
    const src = (await image.getAttribute("src"))!;
    const asset = await page.request.get(src);
    expect(asset.status()).toBe(200);
    expect(asset.headers()["content-type"]).toMatch(/^image\//);
    expect(asset.headers()["x-content-type-options"]).toBe("nosniff");
    expect(asset.headers()["content-security-policy"]).toContain("sandbox");
    const anonymous = await playwrightRequest.newContext({ baseURL: new URL(page.url()).origin });
    expect((await anonymous.get(src, { maxRedirects: 0 })).status()).toBe(401);
    await anonymous.dispose();

    // A relative link inside a page leads to the other page.
    await sidebar.getByRole("link", { name: "Overview" }).click();
    await content.getByRole("link", { name: "runbook" }).first().click();
    await expect(page).toHaveURL(/[?&]path=runbook(&|#|$)/);
    await expect(content.getByRole("heading", { level: 1 })).toContainText("Runbook");

    // Code is highlighted; headings carry anchors.
    await sidebar.getByRole("link", { name: "Using the API" }).click();
    await expect(content.locator("pre code.hljs [class^='hljs-']").first()).toBeVisible();
    const anchor = content.locator("h2 a.heading-anchor").first();
    await expect(anchor).toHaveAttribute("href", /^#.+/);
  });

  test("docs search joins the catalog search, marked as docs", async ({ page }) => {
    test.setTimeout(90_000);
    await signInAs(page, "member", "/catalog?q=runbook");
    const results = page.getByRole("list", { name: "Docs results" });
    await reloadUntil(page, () => expect(results.getByText("Docs").first()).toBeVisible({ timeout: 1_000 }));
    await results.getByRole("link").first().click();
    await expect(page).toHaveURL(/\?tab=docs&path=/);
    await expect(page.locator(".docs-content")).toContainText(/runbook/i);
  });

  test("a hostile README renders inert", async ({ page }) => {
    test.setTimeout(90_000);
    // A repository on the embedded git host whose README tries every trick.
    const repo = path.join(E2E_SERVER_ENV.PAVE_GIT_ROOT!, "acme", "e2e-hostile-docs.git");
    const work = mkdtempSync(path.join(tmpdir(), "pave-e2e-hostile-"));
    try {
      writeFileSync(
        path.join(work, "README.md"),
        [
          "# Hostile README",
          "",
          '<script>window.__pwned = "script"</script>',
          '<img src="x" onerror="window.__pwned = \'img\'">',
          '<a href="javascript:window.__pwned=\'link\'">html link</a>',
          "",
          "[markdown link](javascript:window.__pwned='md')",
          "",
          '<iframe src="javascript:parent.__pwned=\'iframe\'"></iframe>',
          '<svg onload="window.__pwned=\'svg\'"><circle r="5"></circle></svg>',
          '<div onclick="window.__pwned=\'div\'">Click this box</div>',
          '<form action="javascript:window.__pwned=\'form\'"><button>Send form</button></form>',
          "<style>body { display: none }</style>",
          '<details open ontoggle="window.__pwned=\'details\'"><summary>Toggle</summary>hidden</details>',
          "",
          "The end.",
        ].join("\n"),
      );
      execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", repo]);
      const git = (...args: string[]) => execFileSync("git", ["-C", work, "-c", "user.name=e2e", "-c", "user.email=e2e@pave.local", ...args]);
      git("init", "--quiet", "--initial-branch=main");
      git("add", "README.md");
      git("commit", "--quiet", "-m", "Hostile README");
      git("push", "--quiet", repo, "main");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }

    await signInAs(page, "platform", "/catalog/register");
    await page.getByLabel("catalog-info.yaml").fill(
      [
        "apiVersion: backstage.io/v1alpha1",
        "kind: Component",
        "metadata:",
        "  name: e2e-hostile-docs",
        "  annotations:",
        "    backstage.io/source-location: url:https://github.com/acme/e2e-hostile-docs/tree/main/",
        "spec:",
        "  type: service",
        "  lifecycle: experimental",
        "  owner: team-platform",
      ].join("\n"),
    );
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByRole("status")).toContainText("Imported 1 new");

    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto("/catalog/component/default/e2e-hostile-docs?tab=docs");
    await page.getByRole("button", { name: "Build docs now" }).click();
    await expect(page.getByText(/Build queued|already queued/)).toBeVisible();
    const content = page.locator(".docs-content");
    await reloadUntil(page, () => expect(content.getByRole("heading", { name: "Hostile README" })).toBeVisible({ timeout: 1_000 }));

    await expect(content).toContainText("The end.");
    await expect(content.locator("script, iframe, object, embed, form, style, meta")).toHaveCount(0);
    await expect(content.locator("[onerror], [onload], [onclick], [ontoggle]")).toHaveCount(0);
    for (const href of await content.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))) {
      expect(href).not.toMatch(/^\s*javascript:/i);
    }
    // Clicking what looks clickable runs nothing either.
    await content.getByText("html link").click();
    await content.getByText("markdown link").click();
    await content.getByText("Click this box").click();
    await content.getByText("Toggle").click();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await expect(page.locator("body")).toBeVisible();
  });
});
