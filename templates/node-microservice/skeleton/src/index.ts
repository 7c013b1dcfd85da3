import { readConfig } from "./config.js";
{%- if values.enableFlags %}
import { startFeatureFlags } from "./flags.js";
{%- endif %}
import { createLogger } from "./log.js";
import { createServer } from "./server.js";

// Longer than a typical request, shorter than Kubernetes' 30 s grace period.
const SHUTDOWN_TIMEOUT_MS = 10_000;

const config = readConfig();
const logger = createLogger(config.logLevel);
{%- if values.enableFlags %}
const flags = await startFeatureFlags({ logger, unleash: config.unleash });
{%- endif %}

let shuttingDown = false;
const server = createServer({ logger,{% if values.enableFlags %} flags,{% endif %} isReady: () => !shuttingDown });

server.listen(config.port, () => {
  logger.info({ port: config.port }, "listening");
});

function shutdown(signal: NodeJS.Signals): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down");

  // Stop accepting connections, let in-flight requests finish, then exit.
  server.close((err) => {
{%- if values.enableFlags %}
    flags.close();
{%- endif %}
    if (err) logger.error({ err }, "error while closing the server");
    process.exit(err ? 1 : 0);
  });
  server.closeIdleConnections();
  setTimeout(() => {
    logger.error("shutdown timed out; exiting");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
