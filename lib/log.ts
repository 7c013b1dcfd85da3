import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino from "pino";

/**
 * Keys whose values never reach a log line, at any depth we log. Tokens, secrets,
 * cookies and passwords are replaced with "[redacted]".
 */
const SECRET_KEYS = [
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "sessionToken",
  "authorization",
  "cookie",
  "set-cookie",
  "NEXTAUTH_SECRET",
  "DATABASE_URL",
];

const redactPaths = SECRET_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith("[") ? "" : ".";
  return [k, `*${dot}${k}`, `*.*${dot}${k}`];
});

/** Removes the password from a connection string or URL before it is logged. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = "redacted";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}

/**
 * The request id of a line written while a span is active (a request, action, route or
 * job, when tracing is on): its trace id, so a log line leads to its trace and back.
 * Without tracing there is no active span and no request id.
 */
function traceFields(): { requestId?: string; spanId?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { requestId: spanContext.traceId, spanId: spanContext.spanId };
}

/** Creates a JSON logger; exported for tests that capture output. */
export function createLogger(destination?: pino.DestinationStream, level = process.env.LOG_LEVEL ?? "info") {
  return pino(
    {
      level,
      base: { app: "pave" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    destination,
  );
}

/** The process-wide structured logger (JSON lines on stdout). */
export const log = createLogger();
