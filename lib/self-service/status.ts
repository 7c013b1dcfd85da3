import { DatabaseRequestStatus } from "@/lib/generated/prisma/enums";

/**
 * The life of a database request, as a type and a table of the moves it may make. Pure,
 * so pages, mutations and tests share it. A request follows its pull request: opened,
 * reviewed (approved or changes asked for, any number of times), then merged
 * (provisioned) or closed (rejected). Opening it can also fail for good.
 */

export { DatabaseRequestStatus };

/** Request statuses still waiting on the pull request (review queue, reconciliation). */
export const OPEN_STATUSES = ["submitted", "pr_opened", "approved", "changes_requested"] as const satisfies readonly DatabaseRequestStatus[];

/** Statuses in which a request still counts: another one for the same service and environment is refused. */
export const ACTIVE_STATUSES = [...OPEN_STATUSES, "provisioned"] as const satisfies readonly DatabaseRequestStatus[];

/** Where each status may go next. provisioned, rejected and failed are final. */
const MOVES: Record<DatabaseRequestStatus, readonly DatabaseRequestStatus[]> = {
  submitted: ["pr_opened", "failed"],
  // A merge or a close can arrive before Pave has seen any review, and a webhook can skip steps.
  pr_opened: ["approved", "changes_requested", "provisioned", "rejected"],
  // An approval can be dismissed or outweighed by a later change request.
  approved: ["pr_opened", "changes_requested", "provisioned", "rejected"],
  changes_requested: ["pr_opened", "approved", "provisioned", "rejected"],
  provisioned: [],
  rejected: [],
  failed: [],
};

/** Whether a request may move from `from` to `to` (staying put is not a move). */
export function canMoveRequest(from: DatabaseRequestStatus, to: DatabaseRequestStatus): boolean {
  return MOVES[from].includes(to);
}

/** Whether a request is finished: nothing moves it any more. */
export function isFinalRequestStatus(status: DatabaseRequestStatus): boolean {
  return MOVES[status].length === 0;
}

/** Whether a status is one of the requests still waiting on their pull request. */
export function isOpenRequestStatus(status: DatabaseRequestStatus): status is (typeof OPEN_STATUSES)[number] {
  return (OPEN_STATUSES as readonly DatabaseRequestStatus[]).includes(status);
}
