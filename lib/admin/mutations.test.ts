import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { revokeUserSessions } from "@/lib/admin/mutations";
import { createSession, createUser } from "@/tests/factories";

describe("revokeUserSessions", () => {
  it("deletes every session of the user and records who did it", async () => {
    const admin = await createUser({ role: "admin" });
    const target = await createUser();
    await createSession(target.id);
    await createSession(target.id);

    const result = await revokeUserSessions(admin, target.id);

    expect(result.revoked).toBe(2);
    expect(await db.session.count({ where: { userId: target.id } })).toBe(0);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "session.revoke_all", targetId: target.id } });
    expect(audit).toMatchObject({ actorId: admin.id, actorEmail: admin.email, targetType: "user", data: { revoked: 2, email: target.email } });
  });

  it("refuses a platform engineer or member and changes nothing", async () => {
    for (const role of ["platform", "member"] as const) {
      const actor = await createUser({ role });
      const target = await createUser();
      await createSession(target.id);
      await expect(revokeUserSessions(actor, target.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
      expect(await db.session.count({ where: { userId: target.id } })).toBe(1);
      expect(await db.auditEvent.count({ where: { targetId: target.id } })).toBe(0);
    }
  });

  it("says so when the user does not exist, and writes no audit entry", async () => {
    const admin = await createUser({ role: "admin" });
    const error = await revokeUserSessions(admin, "no-such-user").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("NOT_FOUND");
    expect(await db.auditEvent.count({ where: { targetId: "no-such-user" } })).toBe(0);
  });
});
