import "server-only";
import type { DbClient } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type AuditActor = { id: string; email?: string | null } | null;

export type AuditEntry = {
  /** Who acted; null for the system (jobs, webhooks). */
  actor: AuditActor;
  /** A dotted verb, e.g. "session.revoke_all" or "catalog.entity.update". */
  action: string;
  target: { type: string; id?: string | null };
  /** What changed. Never put secrets here: the audit log is shown in the UI. */
  data?: Prisma.InputJsonValue;
};

/**
 * Records one change in the audit trail. Pass the transaction the change runs in,
 * so the entry is written if and only if the change is.
 */
export async function recordAudit(client: DbClient, entry: AuditEntry): Promise<void> {
  await client.auditEvent.create({
    data: {
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      data: entry.data,
    },
  });
}
