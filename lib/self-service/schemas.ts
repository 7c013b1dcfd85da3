import { z } from "zod";

export const requestDecisionSchema = z.object({
  requestId: z.string().min(1).max(64),
  decision: z.enum(["approve", "request_changes", "merge", "reject"], { message: "Unknown decision" }),
});

/** Request statuses still waiting on the pull request (review queue, reconciliation). */
export const OPEN_STATUSES = ["submitted", "pr_opened", "approved", "changes_requested"];
