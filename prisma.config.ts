// Prisma 7 configuration: the CLI reads connection strings from here, not from schema.prisma.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { config as loadDotenv } from "dotenv";
import { defineConfig } from "prisma/config";

const root = path.dirname(fileURLToPath(import.meta.url));

const envFile = path.join(root, ".env");
if (fs.existsSync(envFile)) loadDotenv({ path: envFile, quiet: true });

// Offline schema engine (docs/decisions/001-prisma-wasm-schema-engine.md). Prisma loads this file
// before it looks for its engine, so setting the variable here reaches every CLI command.
// An explicit PRISMA_SCHEMA_ENGINE_BINARY wins; PAVE_PRISMA_NATIVE_ENGINE=1 keeps Prisma's own
// downloaded binary.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && process.env.PAVE_PRISMA_NATIVE_ENGINE !== "1") {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, "scripts/prisma/schema-engine.mjs");
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // process.env rather than Prisma's env() helper, which throws when the variable is missing:
    // `prisma generate` needs no database and must work without DATABASE_URL. Commands that do
    // need one fail with Prisma's own "url is empty" error.
    url: process.env.DATABASE_URL,
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
