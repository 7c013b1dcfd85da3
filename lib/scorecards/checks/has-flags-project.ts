import { z } from "zod";
import { defineCheck } from "@/lib/scorecards/types";

import { UNLEASH_PROJECT as UNLEASH_PROJECT_ANNOTATION } from "@/lib/catalog/annotations";

/**
 * The entity names its Unleash project. Pave's default project (PAVE_UNLEASH_DEFAULT_PROJECT)
 * does not count: the rule asks a team to say where its flags live.
 */
export const hasFlagsProject = defineCheck({
  type: "has-flags-project",
  title: "Has a feature flags project",
  params: z.strictObject({}),
  evaluate(_params, { entity }) {
    const project = entity.annotations[UNLEASH_PROJECT_ANNOTATION]?.trim();
    return project
      ? { passed: true, message: `Flags live in the Unleash project "${project}"` }
      : { passed: false, message: `No ${UNLEASH_PROJECT_ANNOTATION} annotation` };
  },
});
