import { readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signInAs } from "./fixtures/auth";
import { E2E_SERVER_ENV } from "./fixtures/env";

// The running server evaluates Pave's own flags from this file and notices when it changes.
const BOOTSTRAP = E2E_SERVER_ENV.PAVE_FLAGS_BOOTSTRAP!;
const PAUSED = "Self-service requests are paused by the platform team. Existing requests stay visible.";

type Toggle = { name: string; enabled: boolean };

// The file is a list of Unleash toggles, an Unleash features response, or a map of names.
function withFlag(original: string, name: string, enabled: boolean): string {
  const data: unknown = JSON.parse(original);
  const set = (toggles: Toggle[]) => {
    const toggle = toggles.find((t) => t.name === name);
    if (!toggle) throw new Error(`${name} is not in ${BOOTSTRAP}`);
    toggle.enabled = enabled;
  };
  if (Array.isArray(data)) set(data as Toggle[]);
  else if (data && typeof data === "object" && Array.isArray((data as { features?: unknown }).features)) set((data as { features: Toggle[] }).features);
  else if (data && typeof data === "object" && name in data) {
    const map = data as Record<string, unknown>;
    const entry = map[name];
    if (entry && typeof entry === "object") (entry as { enabled: boolean }).enabled = enabled;
    else map[name] = enabled;
  } else throw new Error(`Unexpected format of ${BOOTSTRAP}`);
  return JSON.stringify(data, null, 2);
}

async function expectAfterReload(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout: 5_000, intervals: [250, 500, 1_000] });
}

test.describe.configure({ mode: "serial" });

test.describe("Feature flags", () => {
  let original: string;
  test.beforeAll(() => {
    original = readFileSync(BOOTSTRAP, "utf8");
  });
  test.afterAll(() => {
    writeFileSync(BOOTSTRAP, original);
  });

  test("Pave's own flags switch the benchmark picker and pause self-service", async ({ page }) => {
    test.setTimeout(60_000);
    await signInAs(page, "member", "/dora");
    const benchmark = page.getByLabel("Benchmark");
    await expect(benchmark).toBeVisible();

    try {
      writeFileSync(BOOTSTRAP, withFlag(original, "pave.dora-benchmark-switcher", false));
      await expectAfterReload(page, async () => {
        await expect(page.getByLabel("Period")).toBeVisible();
        await expect(benchmark).toHaveCount(0, { timeout: 500 });
      });

      writeFileSync(BOOTSTRAP, withFlag(original, "pave.self-service-submissions", false));
      await page.goto("/self-service");
      await expectAfterReload(page, async () => {
        await expect(page.getByRole("alert").filter({ hasText: PAUSED })).toBeVisible({ timeout: 500 });
      });
      // Existing requests stay listed.
      await expect(page.getByRole("heading", { name: "My requests" })).toBeVisible();

      await page.goto("/self-service/databases/new");
      await expect(page.getByRole("alert").filter({ hasText: PAUSED })).toBeVisible();
      await expect(page.getByRole("button", { name: "Submit request" })).toHaveCount(0);
    } finally {
      writeFileSync(BOOTSTRAP, original);
    }

    await page.goto("/dora");
    await expectAfterReload(page, async () => {
      await expect(benchmark).toBeVisible({ timeout: 500 });
    });
    await page.goto("/self-service/databases/new");
    await expect(page.getByRole("button", { name: "Submit request" })).toBeVisible();
  });

  test("without Unleash, the Flags page explains how to connect it and lists Pave's own flags", async ({ page }) => {
    await signInAs(page, "member", "/flags");
    await expect(page.getByRole("heading", { name: "Flags", level: 1 })).toBeVisible();
    await expect(page.getByText("Unleash is not connected")).toBeVisible();
    await expect(page.getByText("UNLEASH_ADMIN_TOKEN")).toBeVisible();
    await expect(page.getByText("unleash.io/project-id")).toBeVisible();
    const own = page.getByRole("table", { name: "Pave's own flags" });
    // The shipped defaults have both on.
    for (const flag of ["pave.dora-benchmark-switcher", "pave.self-service-submissions"]) {
      await expect(own.getByRole("row").filter({ hasText: flag }).getByRole("cell").last()).toHaveText("On");
    }
  });
});
