// A standalone job worker for production: `npm run worker`. Run as many as you like
// beside web processes started with PAVE_WORKER=off; they share one Postgres.
import "dotenv/config";
import { getEnv } from "@/lib/env";
import { startWorker, stopJobs } from "@/lib/jobs/worker";
import { log } from "@/lib/log";

getEnv();
await startWorker();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    log.info({ signal }, "worker stopping");
    await stopJobs();
    process.exit(0);
  });
}
