import { hasRole, type Role } from "@/lib/auth/roles";

type Actor = { role: Role; groups: string[] };

/** The group name in an owner ref key: "group:default/team-checkout" → "team-checkout". */
export function ownerGroupName(ownerKey: string): string | null {
  const match = /^group:[^/]+\/(.+)$/.exec(ownerKey);
  return match ? match[1]! : null;
}

/**
 * The owner keys of the person's teams. An identity-provider group "team-x" is the
 * catalog's group:default/team-x; a group in another namespace must be named
 * "namespace/team-x". Lowercased, as entity ref keys are.
 */
export function teamOwnerKeys(actor: Pick<Actor, "groups">): string[] {
  return actor.groups.map((raw) => {
    const group = raw.trim().toLowerCase();
    return group.includes("/") ? `group:${group}` : `group:default/${group}`;
  });
}

/** Whether the person is a member of the group that owns an entity (namespace included). */
export function isOwnerTeamMember(actor: Actor, ownerKey: string): boolean {
  const key = ownerKey.toLowerCase();
  return key.startsWith("group:") && teamOwnerKeys(actor).includes(key);
}

/** Editing or deleting an entity needs platform or admin, or membership of its owning team. */
export function canEditEntity(actor: Actor, entity: { owner: string }): boolean {
  return hasRole(actor.role, "platform") || isOwnerTeamMember(actor, entity.owner);
}

/** Registering files and locations is the platform team's job. */
export function canRegister(actor: Actor): boolean {
  return hasRole(actor.role, "platform");
}
