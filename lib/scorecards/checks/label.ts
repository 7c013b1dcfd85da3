import { defineCheck } from "@/lib/scorecards/types";
import { matchParams, matchValue } from "@/lib/scorecards/checks/match";

/** The entity has a metadata label, optionally with a given value or one of several. */
export const label = defineCheck({
  type: "label",
  title: "Has a label",
  params: matchParams("label"),
  evaluate(params, { entity }) {
    return matchValue("Label", params, entity.labels);
  },
});
