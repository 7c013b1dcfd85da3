import type { components } from "@octokit/openapi-types";
import type { AddRoute, StandInContext } from "@/tests/github-stand-in/context";
import { invalid, notFound } from "@/tests/github-stand-in/responses/errors";
import { labelBody, pullBody, pullSimpleBody, reviewBody } from "@/tests/github-stand-in/responses/pulls";
import { str, withRepo } from "@/tests/github-stand-in/router";
import { isAncestor, timestamp, type Pull, type Repo } from "@/tests/github-stand-in/store";

// Pull requests: listing, opening and reading them, requesting reviewers (collaborators
// only, when the options name them), listing reviews a page at a time, and labelling.

type LabelSchema = components["schemas"]["label"];

const findPull = (repo: Repo, number: string | undefined) => repo.pulls.find((p) => String(p.number) === number);

export function addPullRoutes(route: AddRoute, ctx: StandInContext): void {
  const { options, store } = ctx;

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls",
    withRepo(store, (repo, { query }) => {
      const state = query.get("state") ?? "open";
      const head = query.get("head");
      const base = query.get("base");
      const pulls = repo.pulls
        .filter((pull) => state === "all" || pull.state === state)
        .filter((pull) => !head || `${repo.owner.login}:${pull.head}`.toLowerCase() === head.toLowerCase())
        .filter((pull) => !base || pull.base === base)
        .sort((a, b) => b.number - a.number);
      const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
      return { status: 200, body: pulls.slice(0, perPage).map((pull) => pullSimpleBody(ctx, repo, pull)) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/pulls",
    withRepo(store, (repo, { body }) => {
      const rawHead = str(body.head) ?? "";
      const head = rawHead.includes(":") ? rawHead.slice(rawHead.indexOf(":") + 1) : rawHead;
      const base = str(body.base) ?? "";
      const baseSha = repo.refs.get(`refs/heads/${base}`);
      const headSha = repo.refs.get(`refs/heads/${head}`);
      if (!baseSha) return invalid("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
      if (!headSha) return invalid("Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
      if (repo.pulls.some((pull) => pull.state === "open" && pull.head === head && pull.base === base)) {
        return invalid("Validation Failed", [
          { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner.login}:${head}.` },
        ]);
      }
      if (isAncestor(repo, headSha, baseSha)) {
        return invalid("Validation Failed", [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` }]);
      }
      const now = timestamp();
      const pull: Pull = {
        id: store.newId(),
        number: repo.pulls.length + 1,
        title: str(body.title) ?? "",
        body: str(body.body) ?? null,
        head,
        base,
        draft: body.draft === true,
        state: "open",
        user: store.user,
        requestedReviewers: [],
        requestedTeams: [],
        labels: [],
        reviews: [],
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        closedHeadSha: null,
      };
      repo.pulls.push(pull);
      return { status: 201, body: pullBody(ctx, repo, pull) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    withRepo(store, (repo, { params, body }) => {
      const pull = repo.pulls.find((p) => p.number === Number(params.pull_number));
      if (!pull) return notFound();
      const reviewers = Array.isArray(body.reviewers) ? body.reviewers.map(String) : [];
      const teams = Array.isArray(body.team_reviewers) ? body.team_reviewers.map(String) : [];
      if (reviewers.some((login) => login.toLowerCase() === pull.user.login.toLowerCase())) {
        return invalid("Review cannot be requested from pull request author.");
      }
      const allowed = options.collaborators?.map((login) => login.toLowerCase());
      if (allowed && reviewers.some((login) => !allowed.includes(login.toLowerCase()))) {
        return invalid(
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${repo.owner.login}/${repo.name} repository.`,
        );
      }
      for (const login of reviewers) if (!pull.requestedReviewers.includes(login)) pull.requestedReviewers.push(login);
      for (const slug of teams) if (!pull.requestedTeams.includes(slug)) pull.requestedTeams.push(slug);
      pull.updatedAt = timestamp();
      return { status: 201, body: pullSimpleBody(ctx, repo, pull) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    withRepo(store, (repo, { params }) => {
      const pull = findPull(repo, params.pull_number);
      return pull ? { status: 200, body: pullBody(ctx, repo, pull) } : notFound();
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    withRepo(store, (repo, { params, query }) => {
      const pull = findPull(repo, params.pull_number);
      if (!pull) return notFound();
      const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
      const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
      const reviews = pull.reviews.slice((page - 1) * perPage, page * perPage);
      return { status: 200, body: reviews.map((review) => reviewBody(ctx, repo, pull, review)) };
    }),
  );

  // Only pull requests are modelled; an issue number without one is "Not Found".
  route(
    "POST",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    withRepo(store, (repo, { params, body }) => {
      const pull = findPull(repo, params.issue_number);
      if (!pull) return notFound();
      const requested = Array.isArray(body.labels) ? body.labels : [];
      const names = requested.map((item: unknown) => (typeof item === "string" ? item : str((item as { name?: unknown } | null)?.name) ?? ""));
      if (names.some((name) => name.trim() === "" || name.length > 50)) {
        return invalid("Validation Failed", [{ resource: "Label", code: "invalid", field: "name" }]);
      }
      for (const name of names) {
        const key = name.toLowerCase();
        const label = repo.labels.get(key) ?? { id: store.newId(), name, color: "ededed" };
        repo.labels.set(key, label);
        if (!pull.labels.includes(label)) pull.labels.push(label);
      }
      pull.updatedAt = timestamp();
      return { status: 200, body: pull.labels.map((label) => labelBody(ctx, repo, label)) satisfies LabelSchema[] };
    }),
  );
}
