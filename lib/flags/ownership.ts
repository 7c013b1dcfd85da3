import { hasRole, type Role } from "@/lib/auth/roles";
import { isOwnerTeamMember } from "@/lib/catalog/permissions";
import { refLabel } from "@/lib/catalog/paths";
import { CatalogRefError, entityRefKey, parseEntityRef } from "@/lib/catalog/refs";

/**
 * Which service a flag belongs to, and who may switch it. Pure: the pages and the
 * mutations both decide with these functions, so what the page offers is what the
 * server allows.
 *
 * A flag belongs to a service when it carries an Unleash tag `pave-service:<entity ref>`
 * naming it, or else when its name starts with the service's name followed by `.` or
 * `-` (the longest such name wins, as long as every matching name belongs to the same
 * team). Only services whose flags live in the flag's project count, so a catalog file
 * cannot claim flags of a project it does not use.
 */

/** The Unleash tag type that gives a flag to a service explicitly. */
export const SERVICE_TAG_TYPE = "pave-service";

/** A catalog component and the Unleash project of its flags. */
export type FlagService = { key: string; name: string; title: string; owner: string; projectId: string };

export type FlagTag = { type: string; value: string };

export type FlagOwnership =
  | { service: FlagService; via: "tag" | "prefix" }
  | { service: null; reason: "unowned" | "ambiguous" | "unknown-tag"; detail?: string };

/** What the person may do with one flag, and why not when they may not. */
export type FlagAccess = { ownership: FlagOwnership; editable: boolean; reason: string | null };

type Actor = { role: Role; groups: string[] };

/** The names a flag could belong to by prefix: "a.b-c" → ["a", "a.b"]. */
export function prefixCandidates(flag: string): string[] {
  const names: string[] = [];
  for (let i = 1; i < flag.length; i++) {
    if (flag[i] === "." || flag[i] === "-") names.push(flag.slice(0, i));
  }
  return names;
}

/** The entity key a `pave-service` tag names, or null when it is not a component ref. */
export function serviceKeyOfTag(value: string): string | null {
  try {
    const ref = parseEntityRef(value.trim(), { defaultKind: "component", defaultNamespace: "default" });
    return ref.kind.toLowerCase() === "component" ? entityRefKey(ref) : null;
  } catch (error) {
    if (error instanceof CatalogRefError) return null;
    throw error;
  }
}

/** The service a flag of `projectId` belongs to, among the services given. */
export function resolveFlagOwner(flag: { name: string; tags?: FlagTag[] }, projectId: string, services: readonly FlagService[]): FlagOwnership {
  const inProject = services.filter((s) => s.projectId === projectId);
  const tags = (flag.tags ?? []).filter((t) => t.type === SERVICE_TAG_TYPE);
  if (tags.length) {
    const keys = new Set(tags.map((t) => serviceKeyOfTag(t.value)));
    const tagged = inProject.filter((s) => keys.has(s.key));
    if (tagged.length === 1) return { service: tagged[0]!, via: "tag" };
    // Two services tagged on one flag, or a tag naming a service of another project: nobody's.
    if (tagged.length > 1) return { service: null, reason: "ambiguous", detail: tagged.map((s) => s.name).join(", ") };
    return { service: null, reason: "unknown-tag", detail: tags.map((t) => t.value).join(", ") };
  }
  const byName = new Map<string, FlagService[]>();
  for (const service of inProject) {
    const name = service.name.toLowerCase();
    byName.set(name, [...(byName.get(name) ?? []), service]);
  }
  const matches = prefixCandidates(flag.name.toLowerCase()).flatMap((candidate) => byName.get(candidate) ?? []);
  if (matches.length === 0) return { service: null, reason: "unowned" };
  // Longest name first. Several names of different teams match (checkout and checkout-new
  // for checkout-new-flow), or one name in two namespaces: a new service must not take a
  // flag away from the team that has it, so only a tag can decide.
  const longest = matches.reduce((a, b) => (b.name.length > a.name.length ? b : a));
  const sameName = matches.filter((s) => s.name.toLowerCase() === longest.name.toLowerCase());
  if (sameName.length > 1 || matches.some((s) => s.owner.toLowerCase() !== longest.owner.toLowerCase())) {
    return { service: null, reason: "ambiguous", detail: matches.map((s) => s.key).join(", ") };
  }
  return { service: longest, via: "prefix" };
}

/** Whether the person may switch a flag: platform and admin always; members for their team's services. */
export function flagAccess(actor: Actor, ownership: FlagOwnership): FlagAccess {
  if (hasRole(actor.role, "platform")) return { ownership, editable: true, reason: null };
  if (ownership.service) {
    if (isOwnerTeamMember(actor, ownership.service.owner)) return { ownership, editable: true, reason: null };
    return {
      ownership,
      editable: false,
      reason: `Read-only: this flag belongs to ${ownership.service.title || ownership.service.name}, owned by ${refLabel(ownership.service.owner, "group")}. Only that team and the platform team can switch it.`,
    };
  }
  const how = `Name it <service>.… or <service>-…, or tag it ${SERVICE_TAG_TYPE}:<entity ref> in Unleash, to give it to a service.`;
  if (ownership.reason === "ambiguous") {
    return { ownership, editable: false, reason: `Read-only: this flag matches several services (${ownership.detail}); only the platform team can switch it. Tag it ${SERVICE_TAG_TYPE}:<entity ref> to say which.` };
  }
  if (ownership.reason === "unknown-tag") {
    return { ownership, editable: false, reason: `Read-only: its ${SERVICE_TAG_TYPE} tag (${ownership.detail}) names no service of this Unleash project; only the platform team can switch it.` };
  }
  return { ownership, editable: false, reason: `Read-only: this flag belongs to no service, so only the platform team can switch it. ${how}` };
}
