// Runs once when a Next server process starts: checks the configuration and the database,
// then does what PAVE_PROCESS asks (serve, run jobs, or both) and takes over SIGTERM.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const telemetry = await import("@/lib/telemetry/sdk");
  await telemetry.startTelemetry(); // first, so everything after it is traced
  const { getEnv } = await import("@/lib/env");
  const env = getEnv(); // a bad setting stops start-up here with a message naming it
  const { pendingMigrations } = await import("@/lib/migrations");
  const pending = await pendingMigrations();
  if (pending.length) {
    console.error(
      `\n[pave] The database is missing ${pending.length} migration(s) (${pending.slice(0, 3).join(", ")}${pending.length > 3 ? ", …" : ""}).\n` +
        "Apply them once with `npm run db:deploy` before starting Pave, or start with PAVE_MIGRATE=true (`npm start` then applies them first).\n",
    );
    process.exit(1);
  }
  if (env.PAVE_PROCESS !== "worker") {
    const { provisionInitialIngestTokens } = await import("@/lib/dora/tokens");
    await provisionInitialIngestTokens();
  }
  // Only a process that runs jobs loads the worker (and with it every domain's handlers).
  const worker = env.PAVE_PROCESS !== "web" ? await import("@/lib/jobs/worker") : undefined;
  await worker?.startWorker();
  if (env.NODE_ENV === "production") {
    const { installGracefulShutdown } = await import("@/lib/lifecycle");
    const { db } = await import("@/lib/db");
    installGracefulShutdown({
      graceMs: env.PAVE_SHUTDOWN_GRACE_SECONDS * 1000,
      delayMs: env.PAVE_SHUTDOWN_DELAY_SECONDS * 1000,
      stopWorker: worker?.stopWorker,
      beforeExit: async () => {
        await telemetry.stopTelemetry(); // sends the spans still buffered
        await db.$disconnect();
      },
    });
  }
}

// A request that failed because the database is away: pages answer 503 until it is back.
export async function onRequestError(error: unknown) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { isDatabaseUnreachable } = await import("@/lib/database-outage");
  if (!isDatabaseUnreachable(error)) return;
  const { noteDatabaseOutage } = await import("@/lib/health");
  noteDatabaseOutage();
}
