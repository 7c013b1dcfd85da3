import { Registry } from "prom-client";
import { registerCatalogMetrics } from "@/lib/catalog/metrics";
import { registerDoraMetrics } from "@/lib/dora/prometheus";
import { defineRoute } from "@/lib/http/route";
import { registerJobMetrics } from "@/lib/jobs/metrics";
import { registerScaffolderMetrics } from "@/lib/scaffolder/metrics";
import { processMetrics } from "@/lib/telemetry/metrics";

export const dynamic = "force-dynamic";

// Prometheus scrape endpoint; exists only when PAVE_METRICS_TOKEN is set. This process's
// own metrics (process, runtime, HTTP) differ per replica; the rest is read from the
// database and is the same on every replica.
export const GET = defineRoute({
  name: "metrics",
  auth: "metrics-token",
  async handle() {
    const shared = new Registry();
    await Promise.all([registerJobMetrics(shared), registerCatalogMetrics(shared), registerScaffolderMetrics(shared), registerDoraMetrics(shared)]);
    const registry = Registry.merge([processMetrics(), shared]);
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
  },
});
