/**
 * Demo people offered by the built-in development identity provider.
 *
 * Other code (authorization rules, seed data, e2e tests) depends on these exact
 * emails, names and groups: change them only together with those.
 */
export type DemoUser = {
  /** Stable account id; becomes the OIDC `sub` claim. */
  id: string;
  email: string;
  name: string;
  groups: string[];
  /** One line shown on the sign-in page. */
  description: string;
};

/**
 * The groups that make demo people admin and platform when the built-in provider is on
 * (the launcher sets them as PAVE_ADMIN_GROUPS / PAVE_PLATFORM_GROUPS; the seed uses them).
 */
export const DEMO_ROLE_GROUPS = {
  admin: "pave-admins",
  platform: "platform-team",
} as const;

/** Ada is an admin, Pat a platform engineer, Max a member. Ids are the OIDC `sub`. */
export const demoUsers: DemoUser[] = [
  {
    id: "ada",
    email: "ada@pave.local",
    name: "Ada Admin",
    groups: [DEMO_ROLE_GROUPS.admin, "team-platform"],
    description: "Admin: can reach the Admin section.",
  },
  {
    id: "pat",
    email: "pat@pave.local",
    name: "Pat Platform",
    groups: [DEMO_ROLE_GROUPS.platform, "team-platform"],
    description: "Platform engineer: owns the platform team's services and templates.",
  },
  {
    id: "max",
    email: "max@pave.local",
    name: "Max Member",
    groups: ["team-checkout"],
    description: "Member: an ordinary developer on the checkout team.",
  },
];
