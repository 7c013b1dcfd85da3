import { defineConfig } from "@playwright/test";
import { PORTS } from "./tests/cluster/harness";

// `npm run test:cluster`: the production build as several processes on one PostgreSQL,
// behind a round-robin proxy, with faults (tests/cluster/). The spec starts and stops
// the processes itself; it needs `npm run build` first.
export default defineConfig({
  testDir: "./tests/cluster",
  testMatch: /\.spec\.ts$/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results/cluster",
  use: {
    baseURL: `http://localhost:${PORTS.proxy}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
