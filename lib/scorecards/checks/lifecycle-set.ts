import { z } from "zod";
import { defineCheck } from "@/lib/scorecards/types";

/** The entity has a spec.lifecycle, optionally one of a list. */
export const lifecycleSet = defineCheck({
  type: "lifecycle-set",
  title: "Lifecycle is set",
  params: z.strictObject({
    in: z.array(z.string().min(1, "must not be empty")).min(1, "list at least one lifecycle, or leave `in` out").optional(),
  }),
  evaluate(params, { entity }) {
    const lifecycle = entity.lifecycle.trim();
    if (!lifecycle) return { passed: false, message: "No lifecycle is set" };
    if (params.in && !params.in.includes(lifecycle)) {
      return { passed: false, message: `Lifecycle is "${lifecycle}"; expected one of ${params.in.join(", ")}` };
    }
    return { passed: true, message: `Lifecycle is "${lifecycle}"` };
  },
});
