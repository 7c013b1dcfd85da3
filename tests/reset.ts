import { db } from "@/lib/db";

let tables: string[] | undefined;

/**
 * Empties every table of this worker's database (the schema's own list, read from
 * Postgres, so a new table is never forgotten), keeping only the migration history.
 */
export async function resetDatabase(): Promise<void> {
  tables ??= (
    await db.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`
  ).map((row) => row.tablename);
  await db.$executeRawUnsafe(`TRUNCATE ${tables.map((name) => `"${name}"`).join(", ")} RESTART IDENTITY CASCADE`);
}
