import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Tests are server code: let them import modules guarded by `import "server-only"`.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.ts", "scripts/**/*.test.ts", "prisma/**/*.test.ts", "templates/*.test.ts"],
    environment: "node",
    globalSetup: ["./lib/testing/global-setup.ts"],
    setupFiles: ["./lib/testing/worker-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
