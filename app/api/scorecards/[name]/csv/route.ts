import { z } from "zod";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { scorecardCsv } from "@/lib/scorecards/queries";
import { scorecardFilterSchema, scorecardNameSchema } from "@/app/(portal)/scorecards/_components/filters";

export const dynamic = "force-dynamic";

// A scorecard's latest results, one row per entity, with the overview's filters applied.
export const GET = defineRoute({
  name: "scorecards.csv",
  auth: "session",
  params: z.object({ name: scorecardNameSchema }),
  query: scorecardFilterSchema,
  async handle({ params: { name }, query: filter }) {
    const csv = await scorecardCsv(name, filter);
    if (csv === null) throw new AppError("NOT_FOUND", `No scorecard named "${name}".`);
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}-scorecard.csv"`,
        "cache-control": "no-store",
      },
    });
  },
});
