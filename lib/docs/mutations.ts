import "server-only";
import { recordAudit } from "@/lib/audit";
import type { CurrentUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { queueDocsBuild } from "@/lib/jobs/queue";
import { takeToken, type RateLimit } from "@/lib/rate-limit";

/** Builds asked for within this many seconds of each other run once. */
const BUILD_SINGLETON_SECONDS = 30;
/** Rebuilds one person may ask for: 10 an hour, 5 at once. A build reads a whole repository. */
export const DOCS_REBUILDS_PER_PERSON: RateLimit = { perSecond: 10 / 3600, burst: 5 };

/** Queues a docs build for one entity (any signed-in member may ask, within their limit), built even if nothing changed; audited. */
export async function requestDocsBuild(actor: CurrentUser, entityKey: string): Promise<{ entityId: string; queued: boolean }> {
  const entity = await db.entity.findUnique({ where: { key: entityKey.toLowerCase() }, select: { id: true, key: true } });
  if (!entity) throw new AppError("NOT_FOUND", "That entity is not in the catalog.");
  const taken = await takeToken(`docs-rebuild:${actor.id}`, DOCS_REBUILDS_PER_PERSON);
  if (!taken.ok) {
    throw new AppError("UNAVAILABLE", `You have asked for many docs builds in a short time; try again in ${Math.ceil(taken.retryAfterSeconds / 60)} minutes. Docs also rebuild every hour on their own.`);
  }
  // Forced: a person who asks for a rebuild wants one, even of an unchanged commit.
  const jobId = await queueDocsBuild(entity.id, { force: true, singletonSeconds: BUILD_SINGLETON_SECONDS });
  await recordAudit(db, { actor, action: "docs.build.request", target: { type: "entity", id: entity.key }, data: { queued: jobId !== null } });
  // null: a build of this entity was queued moments ago; that one will do.
  return { entityId: entity.id, queued: jobId !== null };
}
