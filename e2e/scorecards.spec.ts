import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "./fixtures/auth";

// Scorecards are graded by a background job after the server starts, so pages that
// show grades are reloaded until the first evaluation has landed.
async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 60_000) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout, intervals: [500, 1_000, 2_000] });
}

test.describe("Scorecards", () => {
  test("a developer sees a service's scorecard and follows how to fix a failed rule", async ({ page }) => {
    test.setTimeout(120_000);
    // The order service has no Flags project, so that rule fails.
    await signInAs(page, "member", "/catalog/component/default/order-service?tab=scorecard");
    const card = page.getByRole("region", { name: "Production readiness" });
    await reloadUntil(page, () => expect(card.getByRole("link", { name: /^How to fix: / }).first()).toBeVisible({ timeout: 1_000 }));
    await expect(card.getByText(/\d+ of \d+ rules pass/)).toBeVisible();
    await expect(card.getByText("Passed").first()).toBeVisible();
    await expect(card.getByText("Failed").first()).toBeVisible();

    const fix = card.getByRole("link", { name: /^How to fix: .*flags/i });
    await fix.click();
    await expect(page).toHaveURL(/\/catalog\/component\/default\/platform-handbook\?tab=docs&path=production-readiness%2Ffeature-flags/);
    await reloadUntil(page, () => expect(page.locator(".docs-content").getByRole("heading", { name: "Feature flags", level: 1 })).toBeVisible({ timeout: 1_000 }));
  });

  test("the Scorecards page shows levels, the team leaderboard and failing rules, filters by team and exports CSV", async ({ page }) => {
    test.setTimeout(120_000);
    await signInAs(page, "member", "/scorecards");
    await expect(page.getByRole("heading", { name: "Scorecards", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "New scorecard" })).toHaveCount(0);
    await page.getByRole("link", { name: "Production readiness" }).first().click();
    await expect(page.getByRole("heading", { name: "Production readiness", level: 1 })).toBeVisible();
    const leaderboard = page.getByRole("region", { name: "Team leaderboard" });
    await reloadUntil(page, () => expect(leaderboard.getByRole("row")).not.toHaveCount(1, { timeout: 1_000 }));
    await expect(page.getByRole("heading", { name: "Levels" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Most failing rules" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Most failing rules" }).getByRole("link", { name: /^How to fix: / }).first()).toBeVisible();

    // Filter to one team: the leaderboard then has that team only.
    await page.getByLabel("Team", { exact: true }).selectOption({ label: "team-checkout" });
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/owner=group%3Adefault%2Fteam-checkout/);
    await expect(leaderboard.getByRole("row")).toHaveCount(2);
    await expect(leaderboard).toContainText("team-checkout");

    // The CSV has the same filter: a header and the checkout team's services.
    const csvLink = page.getByRole("link", { name: "Export CSV" });
    const href = await csvLink.getAttribute("href");
    expect(href).toContain("owner=");
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const lines = (await response.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^entity/i);
    expect(lines.slice(1).length).toBeGreaterThan(0);
    expect(lines.slice(1).every((line) => line.includes("group:default/team-checkout"))).toBe(true);
    expect(lines.some((line) => line.startsWith("component:default/checkout-service"))).toBe(true);
  });

  test("an admin creates a scorecard; bad YAML is refused with the path and reason", async ({ page, browser }) => {
    test.setTimeout(120_000);
    await signInAs(page, "admin", "/scorecards/new");
    // Type only once the form is interactive (a value typed before hydration is not the form's).
    await page.waitForLoadState("networkidle");
    const yaml = (check: string) =>
      [
        "apiVersion: pave.dev/v1",
        "kind: Scorecard",
        "metadata:",
        "  name: e2e-basics",
        "  title: E2E basics",
        "spec:",
        "  appliesTo:",
        "    kind: [Component]",
        "  levels:",
        "    - { id: bronze, title: Bronze }",
        "  rules:",
        "    - id: described",
        "      title: Has a description",
        "      level: bronze",
        `      check: ${check}`,
        "      howToFix: Add metadata.description to catalog-info.yaml.",
        "      link: /catalog",
      ].join("\n");
    await page.getByLabel("Scorecard YAML").fill(yaml("has-a-descripshun"));
    await page.getByRole("button", { name: "Create scorecard" }).click();
    const problems = page.getByRole("alert").filter({ hasText: "problem" });
    await expect(problems).toContainText("spec.rules[0].check");
    await expect(problems).toContainText("has-a-descripshun");
    await expect(page.getByLabel("Scorecard YAML")).toHaveValue(/has-a-descripshun/);

    await page.getByLabel("Scorecard YAML").fill(yaml("has-description"));
    await page.getByRole("button", { name: "Create scorecard" }).click();
    await expect(page.getByRole("heading", { name: "E2E basics", level: 1 })).toBeVisible();
    await reloadUntil(page, () => expect(page.getByRole("region", { name: "Team leaderboard" }).getByRole("row")).not.toHaveCount(1, { timeout: 1_000 }));

    // Members may read scorecards but not create them.
    const member = await (await browser.newContext()).newPage();
    await signInAs(member, "member", "/scorecards");
    await expect(member.getByRole("link", { name: "E2E basics" })).toBeVisible();
    const denied = await member.goto("/scorecards/new");
    expect(denied?.status()).toBe(403);
  });
});
