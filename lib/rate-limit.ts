import "server-only";
import { db, type DbClient } from "@/lib/db";
import { getEnv } from "@/lib/env";

/**
 * Token buckets in Postgres, so every replica shares them and they survive restarts. A
 * bucket holds up to `burst` tokens and refills at `perSecond`; each take is one atomic
 * upsert. A refused take still costs a little (the bucket may dip to -1), so a client
 * that keeps hammering waits a moment longer instead of slipping through at the edge.
 */

export type RateLimit = { perSecond: number; burst: number };
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Takes one token from the bucket `key`. */
export async function takeToken(key: string, limit: RateLimit, client: DbClient = db): Promise<TakeResult> {
  const rows = await client.$queryRaw<{ tokens: number }[]>`
    INSERT INTO rate_limits (key, tokens, updated_at) VALUES (${key}, ${limit.burst - 1}, clock_timestamp())
    ON CONFLICT (key) DO UPDATE SET
      tokens = GREATEST(-1, LEAST(${limit.burst}::float8,
        rate_limits.tokens + EXTRACT(EPOCH FROM clock_timestamp() - rate_limits.updated_at)::float8 * ${limit.perSecond}::float8) - 1),
      updated_at = clock_timestamp()
    RETURNING tokens`;
  const tokens = Number(rows[0]!.tokens);
  if (tokens >= 0) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)) };
}

/** Whether the bucket `key` has a token left now, without taking it. */
export async function hasToken(key: string, limit: RateLimit, client: DbClient = db): Promise<boolean> {
  const rows = await client.$queryRaw<{ available: number }[]>`
    SELECT LEAST(${limit.burst}::float8, tokens + EXTRACT(EPOCH FROM clock_timestamp() - updated_at)::float8 * ${limit.perSecond}::float8) AS available
    FROM rate_limits WHERE key = ${key}`;
  return rows.length === 0 || Number(rows[0]!.available) >= 1;
}

/** Forgets buckets untouched for a day (they would be full again anyway). */
export async function pruneRateLimits(client: DbClient = db): Promise<number> {
  return client.$executeRaw`DELETE FROM rate_limits WHERE updated_at < now() - interval '1 day'`;
}

/**
 * The address a request came from, as far as Pave can tell. Behind PAVE_TRUSTED_PROXY_HOPS
 * proxies, each appending to X-Forwarded-For, it is the entry that the outermost trusted
 * proxy added; with no proxy it is the last entry (Next.js sets the socket's address when
 * the client sent none, but a client can send its own: set the hops to match the proxies).
 */
export function clientAddress(headers: Headers, hops = getEnv().PAVE_TRUSTED_PROXY_HOPS): string {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const address = entries[entries.length - Math.max(1, hops)] ?? entries[0] ?? "unknown";
  return address.slice(0, 64);
}

/** Sign-in attempts (starting a sign-in, or returning from the identity provider) per client address: 60 at once, then one a second. */
export const SIGN_INS_PER_ADDRESS: RateLimit = { perSecond: 1, burst: 60 };

/** Failed bearer-token checks per client address: 10 a minute, bursts of 20. */
export const FAILED_AUTH_PER_ADDRESS: RateLimit = { perSecond: 10 / 60, burst: 20 };

/**
 * For routes that take a bearer token: refuses an address that failed too often before
 * the token is even looked at, and after a failed check counts it. Returns the seconds to
 * wait when the caller should answer 429.
 */
export const failedAuth = {
  async blocked(headers: Headers): Promise<number | null> {
    return (await hasToken(`auth-fail:${clientAddress(headers)}`, FAILED_AUTH_PER_ADDRESS)) ? null : Math.ceil(1 / FAILED_AUTH_PER_ADDRESS.perSecond);
  },
  async record(headers: Headers): Promise<number | null> {
    const taken = await takeToken(`auth-fail:${clientAddress(headers)}`, FAILED_AUTH_PER_ADDRESS);
    return taken.ok ? null : taken.retryAfterSeconds;
  },
};
