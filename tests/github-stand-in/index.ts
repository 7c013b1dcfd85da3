import type { StandInContext } from "@/tests/github-stand-in/context";
import { createFaults } from "@/tests/github-stand-in/faults";
import { createPeople } from "@/tests/github-stand-in/people";
import { createRouter } from "@/tests/github-stand-in/router";
import { addGitDataRoutes } from "@/tests/github-stand-in/routes/git-data";
import { addPullRoutes } from "@/tests/github-stand-in/routes/pulls";
import { addRepoRoutes } from "@/tests/github-stand-in/routes/repos";
import { addUserRoutes } from "@/tests/github-stand-in/routes/users";
import { startServer } from "@/tests/github-stand-in/server";
import { createStore, snapshotRepository } from "@/tests/github-stand-in/store";
import type { GitHubStandIn, GitHubStandInOptions } from "@/tests/github-stand-in/types";
import { createWebhookSender } from "@/tests/github-stand-in/webhooks";

/**
 * A stand-in for GitHub's REST API in tests: it answers only the endpoints Pave calls,
 * keeping repositories, git objects, refs and pull requests in memory, so what the
 * GitHubWriter publishes can be read back by the GitHubReader.
 *
 * Two checks keep it honest:
 *  - its answers are typed with GitHub's published OpenAPI schemas (@octokit/openapi-types),
 *    so the compiler checks their shape;
 *  - at run time every request body and response is validated against GitHub's OpenAPI
 *    description itself (@octokit/openapi's api.github.com.json). A mismatch is answered
 *    with HTTP 500 (or 422 for a request) listing Ajv's errors, and recorded in
 *    `violations()`, which every test asserts is empty. Without this the stand-in could
 *    drift from the real API (a missing field, a wrong status) and tests would keep
 *    passing against a GitHub that does not exist.
 *
 * Endpoints (OpenAPI path templates):
 *   GET    /user                                         users.getAuthenticated
 *   GET    /user/emails                                  users.listEmailsForAuthenticatedUser
 *   POST   /orgs/{org}/repos                             repos.createInOrg
 *   POST   /user/repos                                   repos.createForAuthenticatedUser
 *   GET    /repos/{owner}/{repo}                         repos.get
 *   PATCH  /repos/{owner}/{repo}                         repos.update
 *   GET    /repos/{owner}/{repo}/contents/{path}?ref=    repos.getContent
 *   GET    /repos/{owner}/{repo}/git/ref/{ref}           git.getRef
 *   POST   /repos/{owner}/{repo}/git/refs                git.createRef
 *   PATCH  /repos/{owner}/{repo}/git/refs/{ref}          git.updateRef
 *   DELETE /repos/{owner}/{repo}/git/refs/{ref}          git.deleteRef
 *   GET    /repos/{owner}/{repo}/git/commits/{commit_sha} git.getCommit
 *   GET    /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=  git.getTree
 *   GET    /repos/{owner}/{repo}/git/blobs/{file_sha}    git.getBlob
 *   POST   /repos/{owner}/{repo}/git/trees               git.createTree
 *   POST   /repos/{owner}/{repo}/git/commits             git.createCommit
 *   GET    /repos/{owner}/{repo}/pulls                   pulls.list
 *   POST   /repos/{owner}/{repo}/pulls                   pulls.create
 *   GET    /repos/{owner}/{repo}/pulls/{pull_number}     pulls.get
 *   GET    /repos/{owner}/{repo}/pulls/{pull_number}/reviews  pulls.listReviews
 *   POST   /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers  pulls.requestReviewers
 *   POST   /repos/{owner}/{repo}/issues/{issue_number}/labels  issues.addLabels (pull requests only; labels auto-created)
 *
 * Test hooks play the people on GitHub: `reviewPullRequest`, `mergePullRequest` and
 * `closePullRequest`. With the `webhook` option each of them also delivers the signed
 * webhook GitHub would send (payload checked against the description's x-webhooks).
 *
 * The parts: types.ts (the public types), store.ts (the in-memory git model),
 * responses/ (bodies as GitHub describes them), routes/ (the endpoints by area),
 * openapi.ts (the validation), webhooks.ts and people.ts (the test hooks), faults.ts,
 * router.ts and server.ts (HTTP), all sharing one context.ts.
 */

export { checkGitHubWebhookPayload } from "@/tests/github-stand-in/openapi";
export { blobSha, standInBinary } from "@/tests/github-stand-in/store";
export type {
  GitHubStandIn,
  GitHubStandInOptions,
  StandInCommit,
  StandInDelivery,
  StandInFailure,
  StandInFaultRule,
  StandInMergeMethod,
  StandInPull,
  StandInRepos,
  StandInRepository,
  StandInRequest,
  StandInReviewState,
} from "@/tests/github-stand-in/types";

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const store = createStore(options);
  const ctx: StandInContext = { options, store, baseUrl: "", violations: [] };
  const router = createRouter();
  addUserRoutes(router.add, ctx);
  addRepoRoutes(router.add, ctx);
  addGitDataRoutes(router.add, ctx);
  addPullRoutes(router.add, ctx);
  const faults = createFaults();
  const webhooks = createWebhookSender(ctx);
  const server = await startServer(ctx, router.match, faults);

  return {
    url: ctx.baseUrl,
    setFile(ownerRepo, ref, filePath, content) {
      const repo = store.findOrCreateRepo(ownerRepo);
      store.commitFiles(repo, ref, (files) => (content === null ? files.delete(filePath) : files.set(filePath, content)), `Update ${filePath}`);
    },
    failNext: faults.failNext,
    failOn: faults.failOn,
    requests: server.requests,
    violations: () => [...ctx.violations],
    getRepository(ownerRepo) {
      const [owner = "", name = ""] = ownerRepo.split("/");
      const repo = store.findRepo(owner, name);
      return repo ? snapshotRepository(store, repo) : undefined;
    },
    listRepositories: () => [...store.repos.values()].map((repo) => `${repo.owner.login}/${repo.name}`),
    ...createPeople(ctx, webhooks),
    deliveries: webhooks.deliveries,
    close: server.close,
  };
}
