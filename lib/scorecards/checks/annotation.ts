import { defineCheck } from "@/lib/scorecards/types";
import { matchParams, matchValue } from "@/lib/scorecards/checks/match";

/** The entity has a metadata annotation, optionally with a given value or one of several. */
export const annotation = defineCheck({
  type: "annotation",
  title: "Has an annotation",
  params: matchParams("annotation"),
  evaluate(params, { entity }) {
    return matchValue("Annotation", params, entity.annotations);
  },
});
