import { z } from "zod";

export const requestDecisionSchema = z.object({
  requestId: z.string().min(1).max(64),
  decision: z.enum(["approve", "request_changes", "merge", "reject"], { message: "Unknown decision" }),
});
