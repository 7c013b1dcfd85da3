import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type Db = PrismaClient;
/** A client or an interactive transaction: what a query helper can run on. */
export type DbClient = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** Creates a Prisma client over node-postgres for a connection string. */
export function createPrismaClient(connectionString: string): PrismaClient {
  // A connection that does not open within 5 s fails, so a request never hangs on a database that is away.
  // JIT compilation costs up to seconds on Pave's wide aggregate queries (rollups, facets)
  // and never pays back on queries this short, so it is off for the app's connections.
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: 10, options: "-c jit=off", connectionTimeoutMillis: 5_000 }) });
}

// One client per process; dev hot reload would otherwise open a new pool per edit.
const globalForPrisma = globalThis as unknown as { paveDb?: PrismaClient };

function client(): PrismaClient {
  // Read directly (start-up already validated it) so scripts like the seed need no full config.
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  globalForPrisma.paveDb ??= createPrismaClient(url);
  return globalForPrisma.paveDb;
}

/**
 * The process-wide database client, connected on first use so that importing a
 * module (e.g. during `next build`) never needs a database.
 */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const target = client();
    const value = Reflect.get(target, property, target);
    return typeof value === "function" ? value.bind(target) : value;
  },
});
