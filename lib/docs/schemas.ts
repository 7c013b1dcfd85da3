import { z } from "zod";

/** The Docs tab's "Build docs now" form: which entity to rebuild. */
export const requestDocsBuildSchema = z.object({
  entityKey: z
    .string()
    .trim()
    .min(3)
    .max(300)
    .regex(/^[a-z0-9]+:[a-z0-9._-]+\/[a-z0-9._-]+$/i, "Not an entity reference"),
});

export type RequestDocsBuildInput = z.infer<typeof requestDocsBuildSchema>;
