import "server-only";
import { db } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";

export type UserRow = {
  id: string;
  name: string | null;
  email: string | null;
  role: Role;
  groups: string[];
  lastSignInAt: Date | null;
  activeSessions: number;
};

/** Everyone who has signed in, with how many live sessions each has. */
export async function listUsers(): Promise<UserRow[]> {
  const now = new Date();
  const users = await db.user.findMany({
    orderBy: [{ role: "asc" }, { email: "asc" }],
    take: 500,
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      groups: true,
      lastSignInAt: true,
      _count: { select: { sessions: { where: { expires: { gt: now } } } } },
    },
  });
  return users.map(({ _count, ...user }) => ({ ...user, activeSessions: _count.sessions }));
}

export const AUDIT_PAGE_SIZE = 25;

export type AuditRow = {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  data: unknown;
};

/** One page of the audit trail, newest first. */
export async function listAuditEvents(page: number): Promise<{ rows: AuditRow[]; total: number; pages: number }> {
  const [total, events] = await Promise.all([
    db.auditEvent.count(),
    db.auditEvent.findMany({
      orderBy: [{ at: "desc" }, { id: "desc" }],
      skip: (page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: { id: true, at: true, actorEmail: true, actor: { select: { email: true, name: true } }, action: true, targetType: true, targetId: true, data: true },
    }),
  ]);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
    rows: events.map((e) => ({
      id: e.id,
      at: e.at,
      actor: e.actor?.email ?? e.actorEmail ?? "system",
      action: e.action,
      target: e.targetId ? `${e.targetType}:${e.targetId}` : e.targetType,
      data: e.data,
    })),
  };
}
