import type { components } from "@octokit/openapi-types";
import type { StandInContext } from "@/tests/github-stand-in/context";
import type { Account } from "@/tests/github-stand-in/store";

// Users, organizations and teams as GitHub describes them.

type Schemas = components["schemas"];
type SimpleUser = Schemas["simple-user"];
type PrivateUser = Schemas["private-user"];
type Team = Schemas["team"];

export function simpleUser({ baseUrl }: StandInContext, account: Account): SimpleUser {
  const api = `${baseUrl}/users/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: `${account.type === "User" ? "U" : "O"}_kgDO${account.id}`,
    avatar_url: `${baseUrl}/avatars/u/${account.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${baseUrl}/${account.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: account.type,
    site_admin: false,
  };
}

export function privateUser(ctx: StandInContext, account: Account): PrivateUser {
  const owned = [...ctx.store.repos.values()].filter((repo) => repo.owner === account);
  return {
    ...simpleUser(ctx, account),
    name: account.login,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: owned.filter((repo) => repo.visibility === "public").length,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2020-01-01T00:00:00Z",
    private_gists: 0,
    total_private_repos: owned.filter((repo) => repo.visibility !== "public").length,
    owned_private_repos: owned.filter((repo) => repo.visibility !== "public").length,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

/** An organization as webhooks carry it. */
export function organizationBody({ baseUrl }: StandInContext, org: Account) {
  const api = `${baseUrl}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: `O_kgDO${org.id}`,
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${baseUrl}/avatars/u/${org.id}?v=4`,
    description: null,
  };
}

export function teamBody({ baseUrl }: StandInContext, owner: Account, slug: string): Team {
  const id = 500_000 + [...slug].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  const api = `${baseUrl}/organizations/${owner.id}/team/${id}`;
  return {
    id,
    node_id: `T_kwDO${id}`,
    url: api,
    html_url: `${baseUrl}/orgs/${owner.login}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "push",
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: "organization",
    parent: null,
  };
}
