import type { StandInContext } from "@/tests/github-stand-in/context";
import { pullBody, pullSimpleBody, reviewBody } from "@/tests/github-stand-in/responses/pulls";
import { isAncestor, mergeBase, mergeTrees, noreplyEmail, pullHeadSha, timestamp, type Pull, type Repo, type Review } from "@/tests/github-stand-in/store";
import type { GitHubStandIn } from "@/tests/github-stand-in/types";
import { webhookEnvelope, type WebhookSender } from "@/tests/github-stand-in/webhooks";

// People acting on GitHub (the test hooks), and the webhooks they cause.

type People = Pick<GitHubStandIn, "reviewPullRequest" | "mergePullRequest" | "closePullRequest">;

export function createPeople(ctx: StandInContext, webhooks: WebhookSender): People {
  const { store } = ctx;

  function requirePull(ownerRepo: string, number: number): { repo: Repo; pull: Pull } {
    const [owner = "", name = ""] = ownerRepo.split("/");
    const repo = store.findRepo(owner, name);
    const pull = repo?.pulls.find((p) => p.number === number);
    if (!repo || !pull) throw new Error(`stand-in: there is no pull request ${ownerRepo}#${number}`);
    return { repo, pull };
  }

  function closePull(pull: Pull, repo: Repo, now: string): void {
    pull.closedHeadSha = pullHeadSha(repo, pull);
    pull.state = "closed";
    pull.closedAt = now;
    pull.updatedAt = now;
  }

  return {
    async reviewPullRequest(ownerRepo, number, review) {
      const { repo, pull } = requirePull(ownerRepo, number);
      const reviewer = store.accountFor(review.user);
      if (reviewer === pull.user && review.state !== "COMMENTED") {
        throw new Error(`stand-in: GitHub refuses: Can not ${review.state === "APPROVED" ? "approve" : "request changes on"} your own pull request`);
      }
      const submitted: Review = {
        id: store.newId(),
        user: reviewer,
        state: review.state,
        body: review.body ?? "",
        commitId: pullHeadSha(repo, pull),
        submittedAt: timestamp(),
      };
      pull.reviews.push(submitted);
      pull.updatedAt = submitted.submittedAt;
      const webhookReview = { ...reviewBody(ctx, repo, pull, submitted), state: submitted.state.toLowerCase() };
      await webhooks.deliver("pull_request_review", "pull-request-review-submitted", {
        action: "submitted",
        review: webhookReview,
        pull_request: pullSimpleBody(ctx, repo, pull),
        ...webhookEnvelope(ctx, repo, reviewer),
      });
    },

    async mergePullRequest(ownerRepo, number, merge) {
      const { repo, pull } = requirePull(ownerRepo, number);
      if (pull.state !== "open") throw new Error(`stand-in: GitHub refuses: Pull Request is not mergeable (#${number} is closed)`);
      const baseRef = `refs/heads/${pull.base}`;
      const baseSha = repo.refs.get(baseRef);
      const headSha = repo.refs.get(`refs/heads/${pull.head}`);
      if (!baseSha || !headSha) throw new Error(`stand-in: #${number} has lost its base or head branch`);
      const merger = store.accountFor(merge.user);
      const method = merge.method ?? "merge";
      let sha: string;
      if (method === "fast-forward") {
        if (!isAncestor(repo, baseSha, headSha)) throw new Error(`stand-in: "${pull.base}" has moved on; #${number} cannot be fast-forwarded`);
        sha = headSha;
      } else {
        const ancestor = mergeBase(repo, baseSha, headSha);
        const files = mergeTrees(ancestor ? store.filesAt(repo, ancestor) : new Map(), store.filesAt(repo, baseSha), store.filesAt(repo, headSha));
        if (!files) throw new Error(`stand-in: GitHub refuses: Merge conflict between "${pull.base}" and "${pull.head}"`);
        const author = { name: merger.login, email: noreplyEmail(merger), date: timestamp() };
        const commit =
          method === "squash"
            ? store.writeCommit(repo, { tree: store.writeTree(repo, files), parents: [baseSha], message: `${pull.title} (#${number})`, author })
            : store.writeCommit(repo, {
                tree: store.writeTree(repo, files),
                parents: [baseSha, headSha],
                message: `Merge pull request #${number} from ${repo.owner.login}/${pull.head}\n\n${pull.title}`,
                author,
              });
        sha = commit.sha;
      }
      repo.refs.set(baseRef, sha);
      repo.pushedAt = timestamp();
      closePull(pull, repo, repo.pushedAt);
      pull.mergedAt = pull.closedAt;
      pull.mergedBy = merger;
      pull.mergeCommitSha = sha;
      await webhooks.deliver("pull_request", "pull-request-closed", {
        action: "closed",
        number: pull.number,
        pull_request: pullBody(ctx, repo, pull),
        ...webhookEnvelope(ctx, repo, merger),
      });
      return sha;
    },

    async closePullRequest(ownerRepo, number, close = {}) {
      const { repo, pull } = requirePull(ownerRepo, number);
      if (pull.state === "closed") return;
      closePull(pull, repo, timestamp());
      await webhooks.deliver("pull_request", "pull-request-closed", {
        action: "closed",
        number: pull.number,
        pull_request: pullBody(ctx, repo, pull),
        ...webhookEnvelope(ctx, repo, close.user ? store.accountFor(close.user) : store.user),
      });
    },
  };
}
