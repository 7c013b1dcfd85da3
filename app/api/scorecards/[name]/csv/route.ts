import { unstable_rethrow } from "next/navigation";
import type { NextRequest } from "next/server";
import { getCurrentUser } from "@/lib/auth/session";
import { GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";
import { scorecardCsv } from "@/lib/scorecards/queries";
import { parseCsvFilters, scorecardNameSchema } from "@/app/(portal)/scorecards/_components/filters";

export const dynamic = "force-dynamic";

const error = (status: number, message: string) => Response.json({ error: message }, { status });

// A scorecard's latest results, one row per entity, with the overview's filters applied.
export async function GET(request: NextRequest, { params }: { params: Promise<{ name: string }> }) {
  try {
    if (!(await getCurrentUser())) return error(401, "Sign in required");
    const name = scorecardNameSchema.safeParse((await params).name);
    if (!name.success) return error(400, `name: ${name.error.issues[0]?.message ?? "invalid"}`);
    const filters = parseCsvFilters(request.nextUrl.searchParams);
    if (!filters.ok) return error(400, filters.error);

    const csv = await scorecardCsv(name.data, filters.filter);
    if (csv === null) return error(404, `No scorecard named "${name.data}".`);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name.data}-scorecard.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    unstable_rethrow(err);
    log.error({ err }, "scorecard csv export failed");
    return error(500, GENERIC_ERROR_MESSAGE);
  }
}
