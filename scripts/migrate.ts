// Applies Pave's migrations once, however many processes ask at the same moment: each
// takes a PostgreSQL advisory lock first, so the second waits and then finds nothing to
// do. `npm run db:deploy` (and `npm start` with PAVE_MIGRATE=true, and `npm run dev`).
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";

/** The advisory lock key every migrating process takes ("pave-mig" as a 64-bit number). */
const MIGRATION_LOCK_KEY = "8097880544935011943";

const root = path.resolve(import.meta.dirname, "..");

/** Runs `prisma migrate deploy` under the migration lock. Throws with Prisma's exit code when it fails. */
export async function applyMigrations(databaseUrl: string, say: (message: string) => void = console.log): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [MIGRATION_LOCK_KEY]);
    if (!rows[0]?.locked) {
      say("another process is applying migrations; waiting for it");
      await client.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    }
    const result = spawnSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    if (result.status !== 0) throw new Error(`prisma migrate deploy failed (exit code ${result.status})`);
  } finally {
    // Ending the session releases the lock too; unlocking first lets a waiter go at once.
    await client.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
