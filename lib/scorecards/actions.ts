"use server";

import { z } from "zod";
import { defineAction, type RevalidateTarget } from "@/lib/action";
import { createScorecard, deleteScorecard, requestEvaluation, updateScorecard } from "@/lib/scorecards/mutations";
import { deleteScorecardSchema, scorecardYamlSchema, updateScorecardSchema } from "@/lib/scorecards/schemas";

// The pages navigate themselves from the returned name, so the actions return data.

const SCORECARDS: RevalidateTarget = { path: "/scorecards", type: "layout" };
// A scorecard's results show on every entity page too.
const CATALOG: RevalidateTarget = { path: "/catalog", type: "layout" };

export const createScorecardAction = defineAction({
  name: "scorecards.create",
  role: "admin",
  schema: scorecardYamlSchema,
  revalidate: [SCORECARDS],
  async run({ yaml }, { user }) {
    return createScorecard(user, yaml);
  },
});

export const updateScorecardAction = defineAction({
  name: "scorecards.update",
  role: "admin",
  schema: updateScorecardSchema,
  revalidate: [SCORECARDS, CATALOG],
  async run({ name, yaml }, { user }) {
    return updateScorecard(user, name, yaml);
  },
});

export const deleteScorecardAction = defineAction({
  name: "scorecards.delete",
  role: "admin",
  schema: deleteScorecardSchema,
  revalidate: [SCORECARDS, CATALOG],
  async run({ name }, { user }) {
    return deleteScorecard(user, name);
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
