import { hasRole, type Role } from "@/lib/auth/roles";

type Actor = { role: Role; groups: string[] };

/** The group name in an owner ref key: "group:default/team-checkout" → "team-checkout". */
export function ownerGroupName(ownerKey: string): string | null {
  const match = /^group:[^/]+\/(.+)$/.exec(ownerKey);
  return match ? match[1]! : null;
}

/** Whether the person is a member of the group that owns an entity (groups compare ignoring case). */
export function isOwnerTeamMember(actor: Actor, ownerKey: string): boolean {
  const group = ownerGroupName(ownerKey);
  return !!group && actor.groups.some((g) => g.toLowerCase() === group.toLowerCase());
}

/** Editing or deleting an entity needs platform or admin, or membership of its owning team. */
export function canEditEntity(actor: Actor, entity: { owner: string }): boolean {
  return hasRole(actor.role, "platform") || isOwnerTeamMember(actor, entity.owner);
}

/** Registering files and locations is the platform team's job. */
export function canRegister(actor: Actor): boolean {
  return hasRole(actor.role, "platform");
}
