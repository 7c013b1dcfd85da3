import "server-only";
import { db, type DbClient } from "@/lib/db";

export type HealthReport = { status: "ok" | "unavailable"; checks: { database: "ok" | "down" }; version: string };

/** Checks what the portal needs to serve requests (today: the database). */
export async function checkHealth(client: Pick<DbClient, "$queryRaw"> = db, timeoutMs = 2000): Promise<HealthReport> {
  let database: "ok" | "down" = "down";
  try {
    await Promise.race([
      client.$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
    ]);
    database = "ok";
  } catch {
    database = "down";
  }
  return { status: database === "ok" ? "ok" : "unavailable", checks: { database }, version: process.env.npm_package_version ?? "dev" };
}
