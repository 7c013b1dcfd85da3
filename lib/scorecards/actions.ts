"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { createScorecard, deleteScorecard, requestEvaluation, updateScorecard } from "@/lib/scorecards/mutations";
import { deleteScorecardSchema, scorecardYamlSchema, updateScorecardSchema } from "@/lib/scorecards/schemas";

// The pages navigate themselves from the returned name, so the actions return data.

export const createScorecardAction = defineAction({
  name: "scorecards.create",
  role: "admin",
  schema: scorecardYamlSchema,
  async run({ yaml }, { user }) {
    const result = await createScorecard(user, yaml);
    revalidatePath("/scorecards", "layout");
    return result;
  },
});

export const updateScorecardAction = defineAction({
  name: "scorecards.update",
  role: "admin",
  schema: updateScorecardSchema,
  async run({ name, yaml }, { user }) {
    const result = await updateScorecard(user, name, yaml);
    revalidatePath("/scorecards", "layout");
    revalidatePath("/catalog", "layout");
    return result;
  },
});

export const deleteScorecardAction = defineAction({
  name: "scorecards.delete",
  role: "admin",
  schema: deleteScorecardSchema,
  async run({ name }, { user }) {
    const result = await deleteScorecard(user, name);
    revalidatePath("/scorecards", "layout");
    revalidatePath("/catalog", "layout");
    return result;
  },
});

export const evaluateScorecardsAction = defineAction({
  name: "scorecards.evaluate",
  role: "platform",
  schema: z.object({}),
  async run(_input, { user }) {
    return requestEvaluation(user);
  },
});
