import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { getRunView } from "@/lib/scaffolder/queries";

export const dynamic = "force-dynamic";

const RUN_ID = /^[a-z0-9]{10,40}$/i;

// JSON for the run page's polling. Any signed-in person may follow a run's progress; its
// answers, log and output only its starter, the template's owners and platform (getRunView).
export const GET = defineRoute({
  name: "scaffolder.run",
  auth: "session",
  async handle({ params, user }) {
    // An id that cannot be a run's is answered like an unknown one.
    const id = params.id;
    const run = typeof id === "string" && RUN_ID.test(id) ? await getRunView(id, user) : null;
    if (!run) throw new AppError("NOT_FOUND", "No such run");
    return Response.json(run, { headers: { "cache-control": "no-store" } });
  },
});
