import { renderPrometheusMetrics } from "@/lib/dora/prometheus";
import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Prometheus scrape endpoint; exists only when PAVE_METRICS_TOKEN is set.
export const GET = defineRoute({
  name: "metrics",
  auth: "metrics-token",
  async handle() {
    const { body, contentType } = await renderPrometheusMetrics();
    return new Response(body, { headers: { "content-type": contentType } });
  },
});
