import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// Liveness: the process answers. It touches nothing else, so a database outage or a
// shutdown in progress never makes an orchestrator restart a healthy process.
export const GET = defineRoute({
  name: "health.live",
  auth: "none",
  async handle() {
    return Response.json({ status: "alive" }, { headers: { "cache-control": "no-store" } });
  },
});
