import { z } from "zod";
import { checkRepoFact } from "@/lib/scorecards/checks/repo-file";
import { defineCheck } from "@/lib/scorecards/types";

/** The entity's repository holds a catalog-info.yaml. */
export const hasCatalogInfo = defineCheck({
  type: "has-catalog-info",
  title: "Has catalog-info.yaml in its repository",
  params: z.strictObject({}),
  evaluate(_params, { repo }) {
    return checkRepoFact(repo, "hasCatalogInfo", "catalog-info.yaml found", "No catalog-info.yaml found");
  },
});
