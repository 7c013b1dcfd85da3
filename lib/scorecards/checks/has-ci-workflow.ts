import { z } from "zod";
import { checkRepoFact } from "@/lib/scorecards/checks/repo-file";
import { defineCheck } from "@/lib/scorecards/types";

/** The entity's repository has a CI workflow (e.g. in .github/workflows). */
export const hasCiWorkflow = defineCheck({
  type: "has-ci-workflow",
  title: "Has a CI workflow",
  params: z.strictObject({}),
  evaluate(_params, { repo }) {
    return checkRepoFact(repo, "hasCiWorkflow", "CI workflow found", "No CI workflow found");
  },
});
