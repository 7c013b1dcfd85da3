import "server-only";
import { recordAudit } from "@/lib/audit";
import type { CurrentUser } from "@/lib/auth/session";
import { getEntityDetail } from "@/lib/catalog/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getFlagTags, isUnleashConfigured, setFlagEnabled, setRollout, UnleashUnavailableError } from "@/lib/flags/admin";
import { flagAccess, resolveFlagOwner } from "@/lib/flags/ownership";
import { findFlagOwnerCandidates, flagsProjectFor } from "@/lib/flags/projects";

const UNREACHABLE = "Unleash could not be reached, so nothing was changed. Try again in a moment.";

// A write is never retried: the person sees the failure and decides.
async function callUnleash<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UnleashUnavailableError) throw new AppError("UNAVAILABLE", UNREACHABLE);
    throw error;
  }
}

/**
 * The Unleash project of the flag a person asks to change, once they may change it. The
 * decision is on the flag itself: the service it belongs to (by `pave-service` tag or name
 * prefix) must be owned by one of their teams, unless they are platform or admin. Which
 * service page they clicked on only tells the project; a flag of another project is not
 * found there by setFlagEnabled/setRollout, which read it under this project before writing.
 */
async function editableFlag(actor: CurrentUser, input: { service: string; flag: string }): Promise<{ projectId: string; entityKey: string; owner: string | null }> {
  if (!isUnleashConfigured()) throw new AppError("UNAVAILABLE", "Pave is not connected to Unleash, so flags cannot be changed here.");
  const entity = await getEntityDetail(input.service, { relations: false });
  if (!entity || entity.kind !== "Component") throw new AppError("NOT_FOUND", "That service is not in the catalog.");
  const projectId = flagsProjectFor(entity);
  if (!projectId) throw new AppError("INVALID", "This service has no flags project: add the unleash.io/project-id annotation.");
  const tags = await callUnleash(() => getFlagTags(input.flag));
  const ownership = resolveFlagOwner({ name: input.flag, tags }, projectId, await findFlagOwnerCandidates(input.flag, tags));
  const access = flagAccess(actor, ownership);
  if (!access.editable) throw new AppError("FORBIDDEN", access.reason ?? "You cannot switch this flag.");
  return { projectId, entityKey: ownership.service?.key ?? entity.key, owner: ownership.service?.key ?? null };
}

/** Switches a flag in one environment; only the team owning its service, platform and admin may. Audited. */
export async function toggleServiceFlag(actor: CurrentUser, input: { service: string; flag: string; environment: string; enabled: boolean }): Promise<{ entityKey: string }> {
  const { projectId, entityKey, owner } = await editableFlag(actor, input);
  await callUnleash(() => setFlagEnabled(projectId, input.flag, input.environment, input.enabled));
  await recordAudit(db, { actor, action: "flags.toggle", target: { type: "flag", id: `${projectId}/${input.flag}` }, data: { environment: input.environment, enabled: input.enabled, service: owner } });
  return { entityKey };
}

/** Changes a flag's gradual rollout percentage in one environment; same rules as toggleServiceFlag. */
export async function setServiceFlagRollout(actor: CurrentUser, input: { service: string; flag: string; environment: string; rollout: number }): Promise<{ entityKey: string }> {
  const { projectId, entityKey, owner } = await editableFlag(actor, input);
  await callUnleash(() => setRollout(projectId, input.flag, input.environment, input.rollout));
  await recordAudit(db, { actor, action: "flags.rollout", target: { type: "flag", id: `${projectId}/${input.flag}` }, data: { environment: input.environment, rollout: input.rollout, service: owner } });
  return { entityKey };
}
