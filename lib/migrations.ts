import "server-only";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { db, type DbClient } from "@/lib/db";

/**
 * Which of the migrations this build carries (prisma/migrations) the database has not
 * applied. Web and worker processes refuse to start while any are pending, and readiness
 * says so: migrations are applied once, by `npm run db:deploy`, before processes start.
 */
export async function pendingMigrations(client: DbClient = db): Promise<string[]> {
  const dir = path.join(process.cwd(), "prisma", "migrations");
  const shipped = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const exists = await client.$queryRaw<{ present: boolean }[]>`SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present`;
  if (!exists[0]?.present) return shipped.sort();
  const applied = await client.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const done = new Set(applied.map((row) => row.migration_name));
  return shipped.filter((name) => !done.has(name)).sort();
}
