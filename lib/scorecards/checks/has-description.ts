import { z } from "zod";
import { defineCheck } from "@/lib/scorecards/types";

/** The entity has a metadata.description. */
export const hasDescription = defineCheck({
  type: "has-description",
  title: "Has a description",
  params: z.strictObject({}),
  evaluate(_params, { entity }) {
    return entity.description.trim() ? { passed: true, message: "Has a description" } : { passed: false, message: "No description is set" };
  },
});
