import "server-only";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";

/** Signs a user out of every browser by deleting their sessions. Admins only. */
export async function revokeUserSessions(actor: CurrentUser, userId: string): Promise<{ revoked: number; email: string | null }> {
  if (!hasRole(actor.role, "admin")) throw new AppError("FORBIDDEN", "Only admins can sign other people out.");
  return db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
    if (!target) throw new AppError("NOT_FOUND", "That user no longer exists.");
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await recordAudit(tx, {
      actor,
      action: "session.revoke_all",
      target: { type: "user", id: userId },
      data: { email: target.email, revoked: count },
    });
    return { revoked: count, email: target.email };
  });
}

/** Deletes sessions whose expiry has passed (the hourly maintenance job). */
export async function purgeExpiredSessions(): Promise<{ deleted: number }> {
  const { count } = await db.session.deleteMany({ where: { expires: { lt: new Date() } } });
  return { deleted: count };
}
