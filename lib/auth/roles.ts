/** Pave's roles, lowest first. Each role can do everything the ones before it can. */
export const ROLES = ["member", "platform", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type RoleConfig = {
  adminEmails: string[];
  adminGroups: string[];
  platformEmails: string[];
  platformGroups: string[];
};

const lower = (values: string[]) => new Set(values.map((v) => v.toLowerCase()));

/** The role config grants a person, from their email and identity-provider groups. */
export function resolveRole(person: { email?: string | null; groups: string[] }, config: RoleConfig): Role {
  const email = person.email?.toLowerCase();
  const groups = lower(person.groups);
  const matches = (emails: string[], grantGroups: string[]) =>
    (!!email && lower(emails).has(email)) || [...lower(grantGroups)].some((g) => groups.has(g));
  if (matches(config.adminEmails, config.adminGroups)) return "admin";
  if (matches(config.platformEmails, config.platformGroups)) return "platform";
  return "member";
}

/** Whether a role includes the rights of another. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Reads a groups claim, which IdPs send as a list, a comma string, or not at all. */
export function readGroupsClaim(profile: Record<string, unknown> | undefined, claim: string): string[] {
  const value = profile?.[claim];
  const raw = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  return [...new Set(raw.filter((g): g is string => typeof g === "string").map((g) => g.trim()).filter(Boolean))];
}
