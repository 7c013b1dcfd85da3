import { z } from "zod";
import { entityKeyField } from "@/lib/catalog/schemas";

/** The Docs tab's "Build docs now" form: which entity to rebuild. */
export const requestDocsBuildSchema = z.object({
  entityKey: z.string().trim().pipe(entityKeyField),
});

export type RequestDocsBuildInput = z.infer<typeof requestDocsBuildSchema>;
