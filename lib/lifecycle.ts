import "server-only";
import http from "node:http";
import https from "node:https";
import { log } from "@/lib/log";

/**
 * The life of a server process: whether it is shutting down (readiness answers 503 from
 * the first moment), and the graceful stop on SIGTERM: keep serving for
 * PAVE_SHUTDOWN_DELAY_SECONDS while load balancers notice, stop accepting connections, let
 * the requests in flight finish, let the worker finish or release its jobs, then exit 0,
 * all within PAVE_SHUTDOWN_GRACE_SECONDS. State lives on globalThis, since Next loads
 * instrumentation and route handlers as separate bundles.
 */

const state = globalThis as unknown as { paveShuttingDown?: boolean; paveShutdownInstalled?: boolean };

/** Whether this process has begun to shut down. */
export function isShuttingDown(): boolean {
  return state.paveShuttingDown === true;
}

/** The HTTP servers this process listens with (Next's own, which it does not hand out). */
function httpServers(): http.Server[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((handle): handle is http.Server => handle instanceof http.Server || handle instanceof https.Server);
}

/** Stops accepting connections and waits for the requests in flight, until `deadline`; then cuts what is left. */
async function closeHttpServers(deadline: number): Promise<void> {
  await Promise.all(
    httpServers().map(
      (server) =>
        new Promise<void>((resolve) => {
          const cut = setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, Math.max(0, deadline - Date.now()));
          server.close(() => {
            clearTimeout(cut);
            resolve();
          });
          // Idle keep-alive connections would hold close() open; busy ones finish their request.
          server.closeIdleConnections();
        }),
    ),
  );
}

/**
 * On SIGTERM or SIGINT: readiness turns 503 and `stopWorker` stops taking jobs (finishing
 * or releasing the running ones); the HTTP server keeps serving for `delayMs`, so load
 * balancers see the 503 and stop sending, then stops accepting connections and lets the
 * requests in flight finish. The process exits 0 — at the latest after `graceMs`.
 */
export function installGracefulShutdown(options: {
  graceMs: number;
  delayMs: number;
  stopWorker?: (timeoutMs: number) => Promise<void>;
  beforeExit?: () => Promise<void>;
}): void {
  if (state.paveShutdownInstalled) return;
  state.paveShutdownInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.paveShuttingDown) return;
    state.paveShuttingDown = true;
    const started = Date.now();
    const deadline = started + options.graceMs;
    log.info({ signal, graceMs: options.graceMs }, "shutting down: not ready, finishing requests and jobs");
    // Whatever happens below, the process is gone shortly after the grace period.
    setTimeout(() => {
      log.warn({ signal }, "grace period over; exiting");
      process.exit(0);
    }, options.graceMs + 2_000).unref();
    const drain = async () => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.delayMs, options.graceMs)));
      await closeHttpServers(deadline);
    };
    void Promise.allSettled([drain(), options.stopWorker?.(Math.max(0, deadline - Date.now()))])
      .then(() => options.beforeExit?.())
      .catch((err: unknown) => log.error({ err }, "shutdown step failed"))
      .finally(() => {
        log.info({ ms: Date.now() - started }, "stopped");
        process.exit(0);
      });
  };
  // Next's own handlers (when NEXT_MANUAL_SIG_HANDLE is unset) would exit at once, mid-request.
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
