import { z } from "zod";

/** A wizard submission: the template and the answers (validated against the template's own schema on the server). */
export const runRequestSchema = z.object({
  templateId: z.string().min(1).max(300),
  values: z.record(z.string().max(100), z.unknown()).refine((v) => Object.keys(v).length <= 200, "Too many answers"),
});
