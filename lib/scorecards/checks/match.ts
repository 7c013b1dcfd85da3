import { z } from "zod";
import type { CheckOutcome } from "@/lib/scorecards/types";

/** Params of the annotation and label checks: a key, and at most one of `equals` or `oneOf`. */
export function matchParams(what: "annotation" | "label") {
  return z
    .strictObject({
      key: z.string({ message: `name the ${what}, e.g. key: ${what === "annotation" ? "pagerduty.com/service-id" : "tier"}` }).min(1, "must not be empty"),
      equals: z.string().optional(),
      oneOf: z.array(z.string()).min(1, "list at least one value").optional(),
    })
    .refine((p) => p.equals === undefined || p.oneOf === undefined, { message: "give either equals or oneOf, not both", path: ["oneOf"] });
}

/** Whether a key of a string map is present, and matches `equals` or `oneOf` when given. */
export function matchValue(
  what: "Annotation" | "Label",
  params: { key: string; equals?: string; oneOf?: string[] },
  values: Record<string, string>,
): CheckOutcome {
  const value = Object.hasOwn(values, params.key) ? values[params.key] : undefined;
  // An empty value means as little as none (Backstage drops empty metadata too).
  if (value === undefined || value === "") return { passed: false, message: `${what} ${params.key} is not set` };
  if (params.equals !== undefined && value !== params.equals) {
    return { passed: false, message: `${what} ${params.key} is "${value}"; expected "${params.equals}"` };
  }
  if (params.oneOf && !params.oneOf.includes(value)) {
    return { passed: false, message: `${what} ${params.key} is "${value}"; expected one of ${params.oneOf.map((v) => `"${v}"`).join(", ")}` };
  }
  return { passed: true, message: `${what} ${params.key} is "${value}"` };
}
