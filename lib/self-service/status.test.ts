import { describe, expect, it } from "vitest";
import { canMoveRequest, DatabaseRequestStatus, isFinalRequestStatus } from "@/lib/self-service/status";

const ALL = Object.values(DatabaseRequestStatus);

describe("database request statuses", () => {
  it("never leave a final status", () => {
    for (const final of ["provisioned", "rejected", "failed"] as const) {
      expect(isFinalRequestStatus(final)).toBe(true);
      for (const to of ALL) expect(canMoveRequest(final, to), `${final} → ${to}`).toBe(false);
    }
  });

  it("follow the pull request: opened, reviewed back and forth, then merged or closed", () => {
    expect(canMoveRequest("submitted", "pr_opened")).toBe(true);
    expect(canMoveRequest("submitted", "failed")).toBe(true);
    // No review, merge or close before there is a pull request.
    for (const to of ["approved", "changes_requested", "provisioned", "rejected"] as const) expect(canMoveRequest("submitted", to)).toBe(false);
    for (const from of ["pr_opened", "approved", "changes_requested"] as const) {
      expect(canMoveRequest(from, "provisioned")).toBe(true);
      expect(canMoveRequest(from, "rejected")).toBe(true);
      expect(canMoveRequest(from, "failed")).toBe(false);
      expect(canMoveRequest(from, "submitted")).toBe(false);
    }
    expect(canMoveRequest("approved", "changes_requested")).toBe(true);
    expect(canMoveRequest("changes_requested", "approved")).toBe(true);
  });
});
