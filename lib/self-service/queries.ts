import "server-only";
import { db } from "@/lib/db";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { teamOwnerKeys } from "@/lib/catalog/permissions";
import { OPEN_STATUSES, type DatabaseRequestStatus } from "@/lib/self-service/status";

const listSelect = {
  id: true,
  entityKey: true,
  serviceName: true,
  environment: true,
  engine: true,
  engineVersion: true,
  tier: true,
  status: true,
  prUrl: true,
  lastError: true,
  createdAt: true,
  requestedBy: { select: { email: true, name: true } },
} as const;

export type RequestListItem = {
  id: string;
  entityKey: string;
  serviceName: string;
  environment: string;
  engine: string;
  engineVersion: string;
  tier: string;
  status: DatabaseRequestStatus;
  prUrl: string | null;
  lastError: string | null;
  createdAt: Date;
  requestedBy: string | null;
};

const toItem = ({ requestedBy, ...row }: { requestedBy: { email: string | null; name: string | null } | null } & Omit<RequestListItem, "requestedBy">): RequestListItem => ({
  ...row,
  requestedBy: requestedBy?.name ?? requestedBy?.email ?? null,
});

/** The person's own requests, newest first. */
export async function listMyRequests(user: CurrentUser): Promise<RequestListItem[]> {
  const rows = await db.databaseRequest.findMany({ where: { requestedById: user.id }, orderBy: { createdAt: "desc" }, take: 100, select: listSelect });
  return rows.map(toItem);
}

/** The platform team's queue: requests waiting for a decision, oldest first. */
export async function listOpenRequests(): Promise<RequestListItem[]> {
  const rows = await db.databaseRequest.findMany({
    where: { status: { in: [...OPEN_STATUSES] } },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: listSelect,
  });
  return rows.map(toItem);
}

/** The databases a service has and has asked for (its Infrastructure tab). */
export async function listRequestsForEntity(entityKey: string): Promise<RequestListItem[]> {
  const rows = await db.databaseRequest.findMany({ where: { entityKey }, orderBy: { createdAt: "desc" }, take: 100, select: listSelect });
  return rows.map(toItem);
}

/** One request with its timeline and generated file. */
export async function getRequestDetail(id: string) {
  return db.databaseRequest.findUnique({
    where: { id },
    include: { events: { orderBy: { at: "asc" } }, requestedBy: { select: { email: true, name: true } } },
  });
}

/** Services the person may request a database for: their teams' components (all, for platform). */
export async function listRequestableServices(user: CurrentUser): Promise<{ key: string; name: string; title: string; owner: string }[]> {
  const owners = teamOwnerKeys(user);
  return db.entity.findMany({
    where: { kind: "Component", ...(hasRole(user.role, "platform") ? {} : { owner: { in: owners } }) },
    orderBy: { name: "asc" },
    take: 1000,
    select: { key: true, name: true, title: true, owner: true },
  });
}
