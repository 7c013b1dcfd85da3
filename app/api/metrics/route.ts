import { timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";
import { GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";
import { renderPrometheusMetrics } from "@/lib/dora/prometheus";
import { failedAuth, tooManyFailedAttempts } from "@/lib/rate-limit";

export const dynamic = "force-dynamic";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Prometheus scrape endpoint; exists only when PAVE_METRICS_TOKEN is set.
export async function GET(request: Request) {
  const token = getEnv().PAVE_METRICS_TOKEN;
  if (!token) return Response.json({ error: "Not found." }, { status: 404 });
  const blocked = await failedAuth.blocked(request.headers);
  if (blocked) return tooManyFailedAttempts(blocked);
  const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!sameSecret(given, token)) {
    const wait = await failedAuth.record(request.headers);
    if (wait) return tooManyFailedAttempts(wait);
    return Response.json({ error: "Send Authorization: Bearer <PAVE_METRICS_TOKEN>." }, { status: 401, headers: { "www-authenticate": "Bearer" } });
  }
  try {
    const { body, contentType } = await renderPrometheusMetrics();
    return new Response(body, { headers: { "content-type": contentType } });
  } catch (err) {
    log.error({ err }, "metrics failed");
    return Response.json({ error: GENERIC_ERROR_MESSAGE }, { status: 500 });
  }
}
