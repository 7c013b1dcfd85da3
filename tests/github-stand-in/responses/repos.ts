import type { components } from "@octokit/openapi-types";
import type { StandInContext } from "@/tests/github-stand-in/context";
import { simpleUser } from "@/tests/github-stand-in/responses/accounts";
import { blobSha, contentBytes, type Repo } from "@/tests/github-stand-in/store";

// Repositories and their contents as GitHub describes them.

type Schemas = components["schemas"];
type FullRepository = Schemas["full-repository"];
type RepositorySchema = Schemas["repository"];
type ContentFile = Schemas["content-file"];
type ContentDirectory = Schemas["content-directory"];

/** The fields "repository" and "full-repository" share. */
function repositoryFields(ctx: StandInContext, repo: Repo) {
  const { baseUrl } = ctx;
  const fullName = `${repo.owner.login}/${repo.name}`;
  const api = `${baseUrl}/repos/${fullName}`;
  const html = `${baseUrl}/${fullName}`;
  const openIssues = repo.pulls.filter((pull) => pull.state === "open").length;
  return {
    id: repo.id,
    node_id: `R_kgDO${repo.id}`,
    name: repo.name,
    full_name: fullName,
    owner: simpleUser(ctx, repo.owner),
    private: repo.visibility !== "public",
    visibility: repo.visibility,
    html_url: html,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${new URL(baseUrl).host}/${fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(baseUrl).hostname}:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

export function repositoryBody(ctx: StandInContext, repo: Repo): RepositorySchema {
  return repositoryFields(ctx, repo);
}

export function fullRepositoryBody(ctx: StandInContext, repo: Repo): FullRepository {
  return {
    ...repositoryFields(ctx, repo),
    subscribers_count: 1,
    network_count: 0,
    ...(repo.owner.type === "Organization" ? { organization: simpleUser(ctx, repo.owner) } : {}),
  };
}

export function fileBody(ctx: StandInContext, repo: Repo, ref: string, filePath: string, content: string): ContentFile {
  const { baseUrl } = ctx;
  const bytes = contentBytes(content);
  const sha = blobSha(bytes);
  const links = linksFor(ctx, repo, ref, filePath, sha, "blob");
  return {
    type: "file",
    encoding: "base64",
    size: bytes.length,
    name: filePath.split("/").pop() ?? filePath,
    path: filePath,
    // GitHub wraps base64 content at 60 characters.
    content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
    sha,
    url: links.self,
    git_url: links.git,
    html_url: links.html,
    download_url: `${baseUrl}/raw/${repo.owner.login}/${repo.name}/${encodeURIComponent(ref)}/${encodePath(filePath)}`,
    _links: links,
  };
}

export function directoryBody(ctx: StandInContext, repo: Repo, ref: string, prefix: string, files: Map<string, string>): ContentDirectory {
  const { baseUrl } = ctx;
  const children = new Map<string, "file" | "dir">();
  for (const name of files.keys()) {
    if (!name.startsWith(prefix)) continue;
    const [first = "", ...rest] = name.slice(prefix.length).split("/");
    children.set(first, rest.length > 0 ? "dir" : "file");
  }
  return [...children].map(([name, type]) => {
    const childPath = prefix + name;
    const content = files.get(childPath);
    const sha = type === "file" && content !== undefined ? blobSha(contentBytes(content)) : blobSha(Buffer.from(childPath));
    const links = linksFor(ctx, repo, ref, childPath, sha, type === "file" ? "blob" : "tree");
    return {
      type,
      size: type === "file" && content !== undefined ? contentBytes(content).length : 0,
      name,
      path: childPath,
      sha,
      url: links.self,
      git_url: links.git,
      html_url: links.html,
      download_url: type === "file" ? `${baseUrl}/raw/${repo.owner.login}/${repo.name}/${encodeURIComponent(ref)}/${encodePath(childPath)}` : null,
      _links: links,
    };
  });
}

function linksFor({ baseUrl }: StandInContext, repo: Repo, ref: string, filePath: string, sha: string, kind: "blob" | "tree"): ContentFile["_links"] {
  const fullName = `${repo.owner.login}/${repo.name}`;
  return {
    self: `${baseUrl}/repos/${fullName}/contents/${encodePath(filePath)}?ref=${encodeURIComponent(ref)}`,
    git: `${baseUrl}/repos/${fullName}/git/${kind}s/${sha}`,
    html: `${baseUrl}/${fullName}/${kind}/${encodeURIComponent(ref)}/${encodePath(filePath)}`,
  };
}

/** A path with each segment percent-encoded, as GitHub writes paths into URLs. */
function encodePath(filePath: string): string {
  return filePath.split("/").map(encodeURIComponent).join("/");
}
