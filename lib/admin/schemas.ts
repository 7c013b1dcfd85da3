import { z } from "zod";

export const revokeSessionsSchema = z.object({
  userId: z.string({ message: "Choose a user" }).trim().min(1, "Choose a user").max(64, "Not a valid user id"),
});
export type RevokeSessionsInput = z.infer<typeof revokeSessionsSchema>;

export const auditPageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);
