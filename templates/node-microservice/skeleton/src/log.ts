import { pino, type DestinationStream, type Logger } from "pino";
import { serviceName } from "./config.js";

/** Creates the JSON logger; credentials in request headers never reach the log. */
export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          'req.headers["x-api-key"]',
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
