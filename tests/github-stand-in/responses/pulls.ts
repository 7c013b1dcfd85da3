import type { components } from "@octokit/openapi-types";
import type { StandInContext } from "@/tests/github-stand-in/context";
import { simpleUser, teamBody } from "@/tests/github-stand-in/responses/accounts";
import { repositoryBody } from "@/tests/github-stand-in/responses/repos";
import { countCommitsAhead, pullHeadSha, type Label, type Pull, type Repo, type Review } from "@/tests/github-stand-in/store";

// Pull requests, their reviews and labels as GitHub describes them.

type Schemas = components["schemas"];
type PullRequestSchema = Schemas["pull-request"];
type PullRequestSimple = Schemas["pull-request-simple"];
type PullRequestReviewSchema = Schemas["pull-request-review"];

export function labelBody({ baseUrl }: StandInContext, repo: Repo, label: Label): PullRequestSimple["labels"][number] {
  return {
    id: label.id,
    node_id: `LA_kwDO${label.id}`,
    url: `${baseUrl}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    // GitHub answers null for a label without a description, but the description's
    // pull-request-simple schema requires a string; "" satisfies every schema.
    description: "",
    color: label.color,
    default: false,
  };
}

export function reviewBody(ctx: StandInContext, repo: Repo, pull: Pull, review: Review): PullRequestReviewSchema {
  const { baseUrl } = ctx;
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${pull.number}`;
  const html = `${baseUrl}/${repo.owner.login}/${repo.name}/pull/${pull.number}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: `PRR_kwDO${review.id}`,
    user: simpleUser(ctx, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: api,
    _links: { html: { href: html }, pull_request: { href: api } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
    author_association: review.user === repo.owner ? "OWNER" : "COLLABORATOR",
  };
}

function pullBase(ctx: StandInContext, repo: Repo, pull: Pull) {
  const { baseUrl } = ctx;
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const html = `${baseUrl}/${repo.owner.login}/${repo.name}/pull/${pull.number}`;
  const headSha = pullHeadSha(repo, pull);
  const link = (href: string) => ({ href });
  const end = (branch: string, sha: string) => ({
    label: `${repo.owner.login}:${branch}`,
    ref: branch,
    sha,
    user: simpleUser(ctx, repo.owner),
    repo: repositoryBody(ctx, repo),
  });
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: `PR_kwDO${pull.id}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: simpleUser(ctx, pull.user),
    body: pull.body,
    labels: pull.labels.map((label) => labelBody(ctx, repo, label)),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pull.requestedReviewers.map((login) => simpleUser(ctx, ctx.store.accountFor(login))),
    requested_teams: pull.requestedTeams.map((slug) => teamBody(ctx, repo.owner, slug)),
    head: end(pull.head, headSha),
    base: end(pull.base, repo.refs.get(`refs/heads/${pull.base}`) ?? ""),
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${headSha}`),
    },
    author_association: repo.owner === pull.user ? "OWNER" : "MEMBER",
    auto_merge: null,
    draft: pull.draft,
  } satisfies PullRequestSimple;
}

export function pullSimpleBody(ctx: StandInContext, repo: Repo, pull: Pull): PullRequestSimple {
  return pullBase(ctx, repo, pull);
}

export function pullBody(ctx: StandInContext, repo: Repo, pull: Pull): PullRequestSchema {
  const base = pullBase(ctx, repo, pull);
  const headSha = base.head.sha;
  const baseSha = base.base.sha;
  const ahead = countCommitsAhead(repo, baseSha, headSha);
  return {
    ...base,
    merged: pull.mergedAt !== null,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: pull.mergedBy ? simpleUser(ctx, pull.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: ahead,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

