// Runs once when a Next server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  const env = getEnv(); // a bad setting stops start-up here with a message naming it
  const { provisionInitialIngestTokens } = await import("@/lib/dora/tokens");
  await provisionInitialIngestTokens();
  if (env.PAVE_WORKER === "inline") {
    const { startWorker } = await import("@/lib/jobs/worker");
    await startWorker();
  }
}
