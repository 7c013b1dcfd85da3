import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";

/**
 * Test databases on a real PostgreSQL (127.0.0.1:5432 by default, or TEST_DATABASE_URL).
 * A template is migrated once per run; each vitest worker gets its own copy.
 */
const root = path.resolve(import.meta.dirname, "..");

/** The server tests use, as a URL to its maintenance database. Refuses anything not local. */
export function testServerUrl(): URL {
  const url = new URL(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new Error(`Tests only run against a local PostgreSQL; TEST_DATABASE_URL points at ${url.hostname}.`);
  }
  return url;
}

/** The URL of a database on the test server. */
export function databaseUrl(name: string): string {
  const url = testServerUrl();
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL on the test server's maintenance database. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl().toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs the Prisma CLI (through the project's config) against a database. */
export function prismaCli(args: string[], databaseUrl: string) {
  return spawnSync(path.join(root, "node_modules/.bin/prisma"), args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
}

/** Drops and recreates a database, then applies every migration to it. */
export async function createMigratedDatabase(name: string): Promise<string> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = databaseUrl(name);
  const result = prismaCli(["migrate", "deploy"], url);
  if (result.status !== 0) throw new Error(`migrate deploy failed for ${name}:\n${result.stdout}\n${result.stderr}`);
  return url;
}
