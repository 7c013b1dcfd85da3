import os from "node:os";
import path from "node:path";
import { beforeAll, inject } from "vitest";
import { adminQuery, databaseUrl } from "../database";

// Each vitest worker gets its own database, copied from the run's migrated template, so
// test files running in parallel never see each other's rows.
const templateDb = inject("templateDb");
const name = templateDb.replace(/_template$/, `_w${process.env.VITEST_POOL_ID ?? "0"}`);
const globalState = globalThis as unknown as { paveTestDbReady?: Set<string> };

process.env.DATABASE_URL = databaseUrl(name);
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.PAVE_SECRETS_KEY ??= Buffer.alloc(32, 7).toString("base64");
process.env.LOG_LEVEL ??= "silent";
// Local git locations must live under the git root; each worker gets its own.
process.env.PAVE_GIT_ROOT = path.join(os.tmpdir(), `pave-test-git-${process.pid}`);

beforeAll(async () => {
  globalState.paveTestDbReady ??= new Set();
  if (globalState.paveTestDbReady.has(name)) return;
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${templateDb}"`);
  globalState.paveTestDbReady.add(name);
});
