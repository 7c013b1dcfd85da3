"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/action";
import { recordAudit } from "@/lib/audit";
import type { CurrentUser } from "@/lib/auth/session";
import { canEditEntity } from "@/lib/catalog/permissions";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import { getEntityDetail } from "@/lib/catalog/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { isUnleashConfigured, setFlagEnabled, setRollout, UnleashUnavailableError } from "@/lib/flags/admin";
import { flagsProjectFor } from "@/lib/flags/projects";
import { setRolloutSchema, toggleFlagSchema } from "@/lib/flags/schemas";

const UNREACHABLE = "Unleash could not be reached, so nothing was changed. Try again in a moment.";

// The Unleash project of a service the actor may change; anything else is refused.
async function editableProject(actor: CurrentUser, serviceKey: string): Promise<{ projectId: string; entityKey: string }> {
  if (!isUnleashConfigured()) throw new AppError("UNAVAILABLE", "Pave is not connected to Unleash, so flags cannot be changed here.");
  const entity = await getEntityDetail(serviceKey);
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

function revalidate(entityKey: string) {
  revalidatePath("/flags");
  revalidatePath(entityHrefFromKey(entityKey));
}

export const toggleFlagAction = defineAction({
  name: "flags.toggle",
  role: "member",
  schema: toggleFlagSchema,
  async run({ service, flag, environment, enabled }, { user }) {
    const { projectId, entityKey } = await editableProject(user, service);
    await callUnleash(() => setFlagEnabled(projectId, flag, environment, enabled));
    await recordAudit(db, { actor: user, action: "flags.toggle", target: { type: "flag", id: `${projectId}/${flag}` }, data: { environment, enabled } });
    revalidate(entityKey);
    return { enabled };
  },
});

export const setRolloutAction = defineAction({
  name: "flags.rollout",
  role: "member",
  schema: setRolloutSchema,
  async run({ service, flag, environment, rollout }, { user }) {
    const { projectId, entityKey } = await editableProject(user, service);
    await callUnleash(() => setRollout(projectId, flag, environment, rollout));
    await recordAudit(db, { actor: user, action: "flags.rollout", target: { type: "flag", id: `${projectId}/${flag}` }, data: { environment, rollout } });
    revalidate(entityKey);
    return { rollout };
  },
});
