import "server-only";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { listGroups, listSystems } from "@/lib/catalog/queries";
import { isOwnerTeamMember } from "@/lib/catalog/permissions";

/** Owner and system choices for the component form: members only see their own teams. */
export async function loadComponentFormOptions(user: CurrentUser) {
  const [groups, systems] = await Promise.all([listGroups(), listSystems()]);
  const owners = groups
    .filter((g) => hasRole(user.role, "platform") || isOwnerTeamMember(user, g.key))
    .map((g) => ({ value: g.key.replace(/^group:default\//, ""), label: g.title || g.name }));
  return { owners, systems: systems.map((s) => ({ value: s.key.replace(/^system:default\//, ""), label: s.title || s.name })) };
}
