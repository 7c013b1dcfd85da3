import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAs } from "./fixtures/auth";
import { query } from "./fixtures/db";

test.describe("create from a golden path", () => {
  test("a developer fills the wizard, previews, runs the template, clones the repo and opens the new entity", async ({ page }) => {
    test.setTimeout(90_000);
    await signInAs(page, "member", "/create");
    await expect(page.getByRole("heading", { name: "Create", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "Choose Node.js microservice" }).click();
    await expect(page.getByRole("heading", { name: "Node.js microservice", level: 1 })).toBeVisible();

    // Page 1, with a validation error that is then corrected.
    await page.getByLabel("Name").fill("Bad Name");
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.locator("#field-name-error")).toContainText("Does not match the expected format");
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await page.getByLabel("Name").fill("e2e-gift-svc");
    await expect(page.locator("#field-name-error")).toHaveCount(0);
    await page.getByLabel("Description").fill("Gift card balances, created by the e2e suite");
    // The owner picker offers catalog groups and preselects the member's own team.
    await expect(page.getByLabel("Owner")).toHaveValue("group:default/team-checkout");
    await page.getByLabel("System").selectOption({ label: "Checkout (checkout)" });
    await page.getByRole("button", { name: "Next" }).click();

    // Page 2: where the repository goes.
    await page.getByLabel("Owner").fill("acme");
    await page.getByLabel("Repository name").fill("e2e-gift-svc");
    await page.getByRole("button", { name: "Next" }).click();

    // Page 3: defaults are fine.
    await expect(page.getByLabel("Port")).toHaveValue("8080");
    await page.getByRole("button", { name: "Next" }).click();

    // Review and dry run: the file tree, and a rendered file.
    await expect(page.getByRole("heading", { name: "Review your answers" })).toBeVisible();
    await expect(page.getByText("github.com/acme/e2e-gift-svc")).toBeVisible();
    await page.getByRole("button", { name: "Preview files" }).click();
    const files = page.getByRole("list", { name: "Generated files" });
    await expect(files.getByRole("button", { name: "Dockerfile" })).toBeVisible();
    await files.getByRole("button", { name: "catalog-info.yaml" }).click();
    await expect(page.getByLabel("Contents of catalog-info.yaml")).toContainText("name: e2e-gift-svc");
    expect(await query("SELECT 1 FROM entities WHERE name = 'e2e-gift-svc'")).toHaveLength(0);

    await page.getByRole("button", { name: "Create" }).click();
    await expect(page).toHaveURL(/\/create\/runs\/[a-z0-9]+$/);
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 45_000 });
    await expect(page.getByRole("progressbar", { name: "Run progress" })).toHaveAttribute("aria-valuenow", "100");
    await expect(page.getByRole("listitem", { name: "Register in the catalog: succeeded" })).toBeVisible();

    // The new repository is a real git repository.
    const remote = await page.getByRole("link", { name: "Repository" }).getAttribute("href");
    expect(remote).toMatch(/^file:\/\/.*\/acme\/e2e-gift-svc\.git$/);
    const clone = mkdtempSync(path.join(os.tmpdir(), "pave-e2e-clone-"));
    execFileSync("git", ["clone", "--quiet", remote!, clone]);
    expect(readFileSync(path.join(clone, "catalog-info.yaml"), "utf8")).toContain("name: e2e-gift-svc");

    await page.getByRole("link", { name: "Open in catalog" }).click();
    await expect(page.getByRole("heading", { name: "e2e-gift-svc", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "team-checkout" })).toBeVisible();

    await page.goto("/create/runs");
    await expect(page.getByRole("table", { name: "Runs" }).getByRole("row").filter({ hasText: "Node.js microservice" }).first()).toContainText("succeeded");
  });
});
