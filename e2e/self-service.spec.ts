import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signInAs } from "./fixtures/auth";
import { E2E_SERVER_ENV } from "./fixtures/env";
import { query } from "./fixtures/db";

test.describe("self-service databases", () => {
  test("a member requests a database; a platform engineer approves and merges it into the infra repo", async ({ browser }) => {
    test.setTimeout(90_000);
    const member = await browser.newContext();
    const page = await member.newPage();
    await signInAs(page, "member", "/self-service");
    await page.getByRole("link", { name: "Request a database" }).click();
    await expect(page.getByRole("heading", { name: "Request a database", level: 1 })).toBeVisible();

    await page.getByLabel("Service").selectOption({ label: "Cart service (team-checkout)" });
    await page.getByLabel("Environment").selectOption("prod");
    await page.getByLabel("Backup retention (days)").fill("3");
    await expect(page.locator("#backupRetentionDays-error")).toHaveText("Production databases need backups of at least 7 days");
    await expect(page.getByRole("checkbox", { name: /Multi-AZ/ })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: /Multi-AZ/ })).toBeDisabled();
    await page.getByLabel("Backup retention (days)").fill("14");
    await expect(page.locator("#backupRetentionDays-error")).toHaveCount(0);
    await page.getByRole("radio", { name: /medium/ }).check();
    await page.getByLabel("Justification").fill("Carts move from Redis to a durable store.");
    await page.getByRole("button", { name: "Submit request" }).click();

    await expect(page).toHaveURL(/\/self-service\/databases\/[a-z0-9]+$/);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("for cart-service (prod)");
    await expect(page.getByLabel("Generated diff")).toContainText('service_name');
    // The pull request is opened by a background job: the page shows it once it's there.
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole("link", { name: /Pull request #\d+/ })).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    const requestUrl = page.url();
    const [request] = await query<{ id: string; file_path: string; status: string }>("SELECT id, file_path, status FROM database_requests WHERE service_name = 'cart-service'");
    expect(request!.status).toBe("pr_opened");
    await member.close();

    const platform = await browser.newContext();
    const reviewer = await platform.newPage();
    await signInAs(reviewer, "platform", "/self-service");
    await expect(reviewer.getByRole("table", { name: "Review queue" }).getByRole("link", { name: "cart-service" })).toBeVisible();
    await reviewer.goto(requestUrl);
    await reviewer.getByRole("button", { name: "Approve" }).click();
    await expect(reviewer.getByTestId("request-status")).toHaveText("approved");
    await reviewer.getByRole("button", { name: "Merge" }).click();
    await expect(reviewer.getByTestId("request-status")).toHaveText("provisioned");
    await expect(reviewer.getByRole("listitem", { name: "Merged (provisioned): done" })).toBeVisible();

    // The file really is on the infra repo's main branch.
    const repo = path.join(E2E_SERVER_ENV.PAVE_GIT_ROOT!, "platform", "infrastructure.git");
    const onMain = execFileSync("git", ["--git-dir", repo, "show", `main:${request!.file_path}`], { encoding: "utf8" });
    expect(onMain).toContain('service_name');
    expect(onMain).toContain('"cart-service"');
    await platform.close();
  });
});
