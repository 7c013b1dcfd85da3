import { getCurrentUser } from "@/lib/auth/session";
import { getRunView } from "@/lib/scaffolder/queries";

export const dynamic = "force-dynamic";

// JSON for the run page's polling. Any signed-in person may follow a run's progress; its
// answers, log and output only its starter, the template's owners and platform (getRunView).
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ error: "Sign in required" }, { status: 401 });
  const { id } = await params;
  if (!/^[a-z0-9]{10,40}$/i.test(id)) return Response.json({ error: "No such run" }, { status: 404 });
  const run = await getRunView(id, user);
  if (!run) return Response.json({ error: "No such run" }, { status: 404 });
  return Response.json(run, { headers: { "cache-control": "no-store" } });
}
