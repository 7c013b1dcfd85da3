import "server-only";
import { db, type DbClient } from "@/lib/db";
import { markDatabaseDown, markDatabaseUp } from "@/lib/database-outage";
import { isShuttingDown } from "@/lib/lifecycle";
import { pendingMigrations } from "@/lib/migrations";

export type HealthReport = { status: "ok" | "unavailable"; checks: { database: "ok" | "down" }; version: string };

export type ReadinessReport = {
  status: "ready" | "not ready";
  checks: { database: "ok" | "down"; migrations: "applied" | "pending" | "unknown"; shutdown: "no" | "in progress" };
};

const version = () => process.env.npm_package_version ?? "dev";

/** Whether the database answers `SELECT 1` within `timeoutMs`; keeps the process's outage mark in step. */
async function databaseAnswers(client: Pick<DbClient, "$queryRaw">, timeoutMs: number): Promise<boolean> {
  try {
    await Promise.race([
      client.$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    markDatabaseUp();
    return true;
  } catch {
    markDatabaseDown();
    return false;
  }
}

/** Checks what the portal needs to serve requests (today: the database). `GET /api/health`. */
export async function checkHealth(client: Pick<DbClient, "$queryRaw"> = db, timeoutMs = 2000): Promise<HealthReport> {
  const database = (await databaseAnswers(client, timeoutMs)) ? "ok" : "down";
  return { status: database === "ok" ? "ok" : "unavailable", checks: { database }, version: version() };
}

/**
 * Whether this process should get traffic (`GET /api/health/ready`): the database
 * answers, every migration this build carries is applied, and it is not shutting down.
 */
export async function checkReadiness(client: DbClient = db, timeoutMs = 2000): Promise<ReadinessReport> {
  const shutdown = isShuttingDown() ? "in progress" : "no";
  const database = (await databaseAnswers(client, timeoutMs)) ? "ok" : "down";
  let migrations: ReadinessReport["checks"]["migrations"] = "unknown";
  if (database === "ok") migrations = await pendingMigrations(client).then((pending) => (pending.length ? "pending" : "applied"), () => "unknown" as const);
  const ready = shutdown === "no" && database === "ok" && migrations === "applied";
  return { status: ready ? "ready" : "not ready", checks: { database, migrations, shutdown } };
}

const probe = globalThis as unknown as { paveDatabaseProbe?: NodeJS.Timeout };

/**
 * A request failed because the database is away: mark it (pages answer 503 at once) and
 * probe every second until it answers again, then clear the mark.
 */
export function noteDatabaseOutage(): void {
  markDatabaseDown();
  if (probe.paveDatabaseProbe) return;
  probe.paveDatabaseProbe = setInterval(() => {
    void databaseAnswers(db, 900).then((up) => {
      if (!up) return;
      clearInterval(probe.paveDatabaseProbe);
      probe.paveDatabaseProbe = undefined;
    });
  }, 1000);
  probe.paveDatabaseProbe.unref();
}
