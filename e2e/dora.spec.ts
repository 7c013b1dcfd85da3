import { expect, test } from "@playwright/test";
import { signInAs } from "./fixtures/auth";

test.describe("DORA dashboards", () => {
  test("a developer reads the organisation dashboard, changes range and benchmark, and drills down to a service", async ({ page }) => {
    test.setTimeout(60_000);
    await signInAs(page, "member", "/dora");
    await expect(page.getByRole("heading", { name: "DORA metrics", level: 1 })).toBeVisible();
    // The demo org's 180 days of delivery data fill the four cards with graded values.
    for (const metric of ["Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore service"]) {
      await expect(page.getByText(metric, { exact: true }).first()).toBeVisible();
    }
    await expect(page.getByText(/^(Elite|High|Medium|Low)$/).first()).toBeVisible();

    await page.getByLabel("Period").selectOption({ label: "Last 30 days" });
    await expect(page).toHaveURL(/range=30/);
    await page.getByLabel("Benchmark").selectOption({ label: "DORA State of DevOps 2023" });
    await expect(page).toHaveURL(/profile=dora-2023/);
    await expect(page.getByText("Tiers follow the DORA State of DevOps 2023 benchmark.", { exact: false })).toBeVisible();

    // Charts have a text alternative.
    await page.getByRole("button", { name: "Show as table" }).first().click();
    await expect(page.getByRole("table").first()).toBeVisible();

    // Organisation → team → service, keeping the filters.
    await page.getByRole("link", { name: "team-checkout" }).first().click();
    await expect(page).toHaveURL(/\/dora\/teams\/team-checkout\?.*profile=dora-2023/);
    await page.getByRole("link", { name: "Checkout service" }).click();
    await expect(page).toHaveURL(/\/dora\/services\/checkout-service/);
    await expect(page.getByRole("heading", { name: "Checkout service", level: 1 })).toBeVisible();
    await expect(page.getByLabel("Benchmark")).toHaveValue("dora-2023");

    // The same dashboard sits on the service's Delivery tab.
    await page.goto("/catalog/component/default/checkout-service?tab=delivery");
    await expect(page.getByText("Deployment frequency", { exact: true }).first()).toBeVisible();
  });
});
