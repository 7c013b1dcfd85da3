import { expect, test } from "@playwright/test";
import { signInAs } from "./fixtures/auth";
import { query } from "./fixtures/db";

test.describe("catalog", () => {
  test("a developer searches, filters, opens a service and follows a relation", async ({ page }) => {
    await signInAs(page, "member", "/catalog");
    await expect(page.getByRole("heading", { name: "Catalog", level: 1 })).toBeVisible();
    const table = page.getByRole("table", { name: "Catalog entities" });
    await expect(table.getByRole("row")).not.toHaveCount(1);

    // Search as you type; the URL keeps the query.
    await page.getByRole("searchbox", { name: "Search the catalog" }).fill("checkout");
    await expect(page).toHaveURL(/[?&]q=checkout/);
    await expect(table.getByRole("link", { name: "Checkout service" })).toBeVisible();
    await expect(table.getByRole("link", { name: "Image resizer" })).toHaveCount(0);

    // Filter by kind with a live count; the URL holds the whole state.
    const filters = page.getByRole("navigation", { name: "Filters" });
    const componentFilter = filters.getByRole("link", { name: /^Kind: Component \(\d+\)$/ });
    await componentFilter.click();
    await expect(page).toHaveURL(/kind=Component/);
    await expect(filters.getByRole("link", { name: /^Kind: Component \(\d+\), selected$/ })).toBeVisible();
    await expect(table.getByRole("cell", { name: "API", exact: true })).toHaveCount(0);

    // A shared URL shows the same view.
    const shared = page.url();
    await page.goto(shared);
    await expect(table.getByRole("link", { name: "Checkout service" })).toBeVisible();

    await table.getByRole("link", { name: "Checkout service" }).click();
    await expect(page.getByRole("heading", { name: "Checkout service", level: 1 })).toBeVisible();
    await expect(page.getByTitle("No entity with this reference is registered").filter({ hasText: "component:legacy-erp" })).toBeVisible();
    await expect(page.getByRole("img", { name: /Dependency graph/ })).toBeVisible();

    // Follow "Depends on → Orders database", then the inverse relation back.
    await page.getByRole("link", { name: /Orders database/ }).first().click();
    await expect(page.getByRole("heading", { name: "Orders database", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "Relations", exact: true }).click();
    await expect(page.getByText("Dependency of", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: /Checkout service/ })).toBeVisible();
  });

  test("a team page shows what the team owns", async ({ page }) => {
    await signInAs(page, "member", "/catalog/group/default/team-checkout");
    await expect(page.getByText("Owns", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: /Checkout service/ })).toBeVisible();
  });

  test("a platform engineer registers YAML: errors per document first, then a clean import", async ({ page }) => {
    await signInAs(page, "platform", "/catalog/register");
    const yaml = page.getByLabel("catalog-info.yaml");
    await yaml.fill(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: e2e-billing
spec:
  type: service
  lifecycle: production
  owner: team-payments
  dependsOn: [component:checkout-service]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Not Valid
spec:
  type: service
`);
    await page.getByRole("button", { name: "Import" }).click();
    const problems = page.getByRole("list", { name: "Problems" });
    await expect(problems).toContainText("Document 2, metadata.name");
    await expect(problems).toContainText("Document 2, spec.owner");
    expect(await query("SELECT 1 FROM entities WHERE name = 'e2e-billing'")).toHaveLength(0);

    await yaml.fill(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: e2e-billing
  description: Registered by the e2e suite
spec:
  type: service
  lifecycle: production
  owner: team-payments
  dependsOn: [component:checkout-service]
`);
    await page.getByRole("button", { name: "Import" }).click();
    await expect(page.getByRole("status")).toContainText("Imported 1 new");
    await page.getByRole("link", { name: "component:e2e-billing" }).click();
    await expect(page.getByRole("heading", { name: "e2e-billing", level: 1 })).toBeVisible();
    const audit = await query<{ action: string }>("SELECT action FROM audit_events WHERE action = 'catalog.import'");
    expect(audit.length).toBeGreaterThan(0);
  });

  test("a member cannot open the register page", async ({ page }) => {
    await signInAs(page, "member");
    const response = await page.goto("/catalog/register");
    expect(response?.status()).toBe(403);
  });

  test("a member creates a component for their team through the form, with field errors first", async ({ page }) => {
    await signInAs(page, "member", "/catalog/new");
    await page.getByLabel("Name").fill("bad name!");
    await page.getByLabel("Owner").selectOption({ label: "Checkout" });
    await page.getByRole("button", { name: "Create component" }).click();
    await expect(page.locator("#name-error")).toContainText('separated by single "-", "_" or "."');
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel("Name").fill("e2e-gift-cards");
    await page.getByLabel("Description").fill("Gift card balances");
    await page.getByRole("button", { name: "Create component" }).click();
    await expect(page).toHaveURL(/\/catalog\/component\/default\/e2e-gift-cards/);
    await expect(page.getByRole("heading", { name: "e2e-gift-cards", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "team-checkout" })).toBeVisible();

    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByLabel("Title").fill("Gift cards");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { name: "Gift cards", level: 1 })).toBeVisible();
    const rows = await query<{ action: string }>(
      "SELECT action FROM audit_events WHERE target_id = 'component:default/e2e-gift-cards' ORDER BY at",
    );
    expect(rows.map((r) => r.action)).toEqual(["catalog.entity.create", "catalog.entity.update"]);
  });
});
