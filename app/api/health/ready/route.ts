import { checkReadiness } from "@/lib/health";
import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Readiness: send this process traffic only while the database answers, its migrations are
// applied and it is not shutting down (503 from the moment SIGTERM arrives). Public: it
// reveals only those three states.
export const GET = defineRoute({
  name: "health.ready",
  auth: "none",
  async handle() {
    const report = await checkReadiness();
    return Response.json(report, { status: report.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
  },
});
