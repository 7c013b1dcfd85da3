import "server-only";
import { recordAudit } from "@/lib/audit";
import type { CurrentUser } from "@/lib/auth/session";
import { canEditEntity } from "@/lib/catalog/permissions";
import { refLabel } from "@/lib/catalog/paths";
import { getEntityDetail } from "@/lib/catalog/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { isUnleashConfigured, setFlagEnabled, setRollout, UnleashUnavailableError } from "@/lib/flags/admin";
import { flagsProjectFor } from "@/lib/flags/projects";

const UNREACHABLE = "Unleash could not be reached, so nothing was changed. Try again in a moment.";

// The Unleash project of a service the actor may change; anything else is refused.
async function editableProject(actor: CurrentUser, serviceKey: string): Promise<{ projectId: string; entityKey: string }> {
  if (!isUnleashConfigured()) throw new AppError("UNAVAILABLE", "Pave is not connected to Unleash, so flags cannot be changed here.");
  const entity = await getEntityDetail(serviceKey, { relations: false });
  if (!entity || entity.kind !== "Component") throw new AppError("NOT_FOUND", "That service is not in the catalog.");
  const projectId = flagsProjectFor(entity);
  if (!projectId) throw new AppError("INVALID", "This service has no flags project: add the unleash.io/project-id annotation.");
  if (!canEditEntity(actor, entity)) {
    throw new AppError("FORBIDDEN", `Only the team that owns ${entity.title || entity.name} (${refLabel(entity.owner, "group")}) can change its flags.`);
  }
  return { projectId, entityKey: entity.key };
}

// A write is never retried: the person sees the failure and decides.
async function callUnleash(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof UnleashUnavailableError) throw new AppError("UNAVAILABLE", UNREACHABLE);
    throw error;
  }
}

/** Switches a service's flag in one environment; only its owning team, platform and admin may. Audited. */
export async function toggleServiceFlag(actor: CurrentUser, input: { service: string; flag: string; environment: string; enabled: boolean }): Promise<{ entityKey: string }> {
  const { projectId, entityKey } = await editableProject(actor, input.service);
  await callUnleash(() => setFlagEnabled(projectId, input.flag, input.environment, input.enabled));
  await recordAudit(db, { actor, action: "flags.toggle", target: { type: "flag", id: `${projectId}/${input.flag}` }, data: { environment: input.environment, enabled: input.enabled } });
  return { entityKey };
}

/** Changes a flag's gradual rollout percentage in one environment; same rules as toggleServiceFlag. */
export async function setServiceFlagRollout(actor: CurrentUser, input: { service: string; flag: string; environment: string; rollout: number }): Promise<{ entityKey: string }> {
  const { projectId, entityKey } = await editableProject(actor, input.service);
  await callUnleash(() => setRollout(projectId, input.flag, input.environment, input.rollout));
  await recordAudit(db, { actor, action: "flags.rollout", target: { type: "flag", id: `${projectId}/${input.flag}` }, data: { environment: input.environment, rollout: input.rollout } });
  return { entityKey };
}
