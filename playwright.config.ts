import { defineConfig } from "@playwright/test";
import { E2E_DATABASE_URL, E2E_SERVER_ENV } from "./e2e/fixtures/env";

// e2e runs the production build (`next start` through the launcher) against a fresh
// database on the local PostgreSQL, and signs in through the built-in OIDC provider.
// Chromium is Debian's (/usr/bin/chromium): Playwright never downloads a browser here.
export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL: "http://localhost:3000",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: "npx tsx e2e/fixtures/server.ts",
    url: "http://localhost:3000/api/health",
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
    env: { ...E2E_SERVER_ENV, DATABASE_URL: E2E_DATABASE_URL },
  },
});
