import { z } from "zod";
import { defineCheck } from "@/lib/scorecards/types";

/** The entity's spec.owner names a Group that exists in the catalog. */
export const ownerIsGroup = defineCheck({
  type: "owner-is-group",
  title: "Owned by a group in the catalog",
  params: z.strictObject({}),
  evaluate(_params, { entity, ownerIsGroup }) {
    if (!entity.owner) return { passed: false, message: "No owner is set" };
    if (ownerIsGroup) return { passed: true, message: `Owned by ${entity.owner}` };
    if (!entity.owner.startsWith("group:")) return { passed: false, message: `Owner ${entity.owner} is not a group` };
    return { passed: false, message: `Owner ${entity.owner} is not in the catalog` };
  },
});
