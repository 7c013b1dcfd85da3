/**
 * Whether this process currently finds its database unreachable. Set when a request fails
 * because the database could not be reached, cleared by the first query that works
 * again (lib/health.ts probes every second meanwhile). The proxy answers pages with a
 * 503 while it is set, instead of letting each one wait for a failing query. Kept on
 * globalThis: the proxy, instrumentation and route handlers are separate bundles in one
 * process. Imports nothing, so the proxy stays light.
 */

const state = globalThis as unknown as { paveDatabaseDownSince?: number };

/** What a person or client reads while the database is away. */
export const DATABASE_UNAVAILABLE_MESSAGE = "Pave can't reach its database right now. Try again in a few seconds.";

/**
 * Thrown where a library swallowed the database's failure (next-auth answers "no session"
 * when its lookup fails): the request must fail as unavailable, not as signed out.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = "P1001";
  constructor() {
    super(DATABASE_UNAVAILABLE_MESSAGE);
    this.name = "DatabaseUnavailableError";
  }
}

/** Driver adapter error kinds and PostgreSQL SQLSTATE classes that mean "no database", not "bad query". */
const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "DatabaseAccessDenied"]);
const UNREACHABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
/** 57P01–57P03: shut down or starting up; 08xxx: connection exceptions. */
const UNREACHABLE_SQLSTATE = /^(57P0[123]|08\w{3})$/;

/** Whether `error` (or anything in its cause chain) says the database could not be reached. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && typeof current === "object" && depth < 6; depth += 1) {
    const value = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: unknown } } };
    const code = typeof value.code === "string" ? value.code : undefined;
    if (code && (UNREACHABLE_CODES.has(code) || UNREACHABLE_SQLSTATE.test(code))) return true;
    if (typeof value.kind === "string" && UNREACHABLE_KINDS.has(value.kind)) return true;
    if (typeof value.message === "string" && /Connection terminated|timeout exceeded when trying to connect/i.test(value.message)) return true;
    const adapterCause = value.meta?.driverAdapterError?.cause;
    if (adapterCause && isDatabaseUnreachable(adapterCause)) return true;
    current = value.cause;
  }
  return false;
}

/** Since when this process has found the database unreachable, or undefined while it is fine. */
export function databaseDownSince(): number | undefined {
  return state.paveDatabaseDownSince;
}

export function markDatabaseDown(): void {
  state.paveDatabaseDownSince ??= Date.now();
}

export function markDatabaseUp(): void {
  state.paveDatabaseDownSince = undefined;
}
