import { checkHealth } from "@/lib/health";
import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Public on purpose: load balancers call it without a session. It reveals only up/down.
export const GET = defineRoute({
  name: "health",
  auth: "none",
  async handle() {
    const report = await checkHealth();
    return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
  },
});
