import os from "node:os";
import path from "node:path";
import { beforeAll } from "vitest";
import { adminQuery, databaseUrl, TEMPLATE_DB } from "./database";

// Each vitest worker gets its own database, copied from the migrated template, so
// test files running in parallel never see each other's rows.
const name = `pave_test_w${process.env.VITEST_POOL_ID ?? "0"}`;
const globalState = globalThis as unknown as { paveTestDbReady?: Set<string> };

process.env.DATABASE_URL = databaseUrl(name);
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.LOG_LEVEL ??= "silent";
// Local git locations must live under the git root; each worker gets its own.
process.env.PAVE_GIT_ROOT = path.join(os.tmpdir(), `pave-test-git-${process.env.VITEST_POOL_ID ?? "0"}`);

beforeAll(async () => {
  globalState.paveTestDbReady ??= new Set();
  if (globalState.paveTestDbReady.has(name)) return;
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`);
  globalState.paveTestDbReady.add(name);
});
