import { z } from "zod";
import { entityKeyField } from "@/lib/catalog/schemas";

// Any non-string gets "Choose a service"; a string is checked as an entity ref key.
const serviceKey = z.string({ message: "Choose a service" }).pipe(entityKeyField);

const flagName = z
  .string({ message: "Name a flag" })
  .min(1, "Name a flag")
  .max(100, "That flag name is too long")
  .regex(/^[A-Za-z0-9._-]+$/, "Flag names use letters, digits, dots, dashes and underscores")
  // "." and ".." would change the Unleash URL the name is put into.
  .refine((name) => name !== "." && name !== "..", "That is not a flag name");

const environment = z.string({ message: "Name an environment" }).min(1, "Name an environment").max(100, "That environment name is too long");

/** Switching one flag on or off in one environment. */
export const toggleFlagSchema = z.object({
  service: serviceKey,
  flag: flagName,
  environment,
  enabled: z.enum(["true", "false"], { message: "Choose on or off" }).transform((v) => v === "true"),
});
export type ToggleFlagInput = z.output<typeof toggleFlagSchema>;

const ROLLOUT_MESSAGE = "Rollout must be a whole number from 0 to 100";

/** Changing the percentage of a flag's gradual rollout in one environment. */
export const setRolloutSchema = z.object({
  service: serviceKey,
  flag: flagName,
  environment,
  rollout: z.coerce
    .number({ message: ROLLOUT_MESSAGE })
    .refine((n) => Number.isInteger(n) && n >= 0 && n <= 100, ROLLOUT_MESSAGE),
});
export type SetRolloutInput = z.output<typeof setRolloutSchema>;
