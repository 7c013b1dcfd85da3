import type { AddRoute, StandInContext } from "@/tests/github-stand-in/context";
import { emptyRepo, invalid, notFound } from "@/tests/github-stand-in/responses/errors";
import { blobBody, gitCommitBody, gitRefBody, gitTreeBody, recursiveTreeBody } from "@/tests/github-stand-in/responses/git-data";
import { str, withRepo } from "@/tests/github-stand-in/router";
import { isAncestor, resolveRef, timestamp } from "@/tests/github-stand-in/store";

// Git data: refs, commits, trees and blobs, read and written the way the GitHubWriter
// publishes a change (blobs inline in a tree, a commit on it, a ref moved to the commit).

export function addGitDataRoutes(route: AddRoute, ctx: StandInContext): void {
  const { store } = ctx;

  route(
    "GET",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    withRepo(store, (repo, { params }) => {
      if (repo.refs.size === 0) return emptyRepo();
      const ref = `refs/${params.ref ?? ""}`;
      return repo.refs.has(ref) ? { status: 200, body: gitRefBody(ctx, repo, ref) } : notFound();
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/refs",
    withRepo(store, (repo, { body }) => {
      const ref = str(body.ref) ?? "";
      const sha = str(body.sha) ?? "";
      if (!/^refs\/[^/]+\/.+/.test(ref)) return invalid("Reference name must start with 'refs/' and have at least two slashes.");
      if (!repo.commits.has(sha)) return invalid("Object does not exist");
      if (repo.refs.has(ref)) return invalid("Reference already exists");
      repo.refs.set(ref, sha);
      return { status: 201, body: gitRefBody(ctx, repo, ref) };
    }),
  );

  route(
    "PATCH",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    withRepo(store, (repo, { params, body }) => {
      const ref = `refs/${params.ref ?? ""}`;
      const sha = str(body.sha) ?? "";
      const current = repo.refs.get(ref);
      if (!current) return invalid("Reference does not exist");
      if (!repo.commits.has(sha)) return invalid("Object does not exist");
      if (body.force !== true && !isAncestor(repo, current, sha)) return invalid("Update is not a fast forward");
      repo.refs.set(ref, sha);
      repo.pushedAt = timestamp();
      return { status: 200, body: gitRefBody(ctx, repo, ref) };
    }),
  );

  route(
    "DELETE",
    "/repos/{owner}/{repo}/git/refs/{ref}",
    withRepo(store, (repo, { params }) => {
      const ref = `refs/${params.ref ?? ""}`;
      if (!repo.refs.has(ref)) return invalid("Reference does not exist");
      if (ref === `refs/heads/${repo.defaultBranch}`) return invalid("Cannot delete the default branch");
      repo.refs.delete(ref);
      return { status: 204 };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/commits/{commit_sha}",
    withRepo(store, (repo, { params }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const commit = repo.commits.get(params.commit_sha ?? "");
      return commit ? { status: 200, body: gitCommitBody(ctx, repo, commit) } : notFound();
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    withRepo(store, (repo, { params, query }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const requested = params.tree_sha ?? "";
      // Like GitHub, a commit sha or a branch or tag name also names its commit's tree.
      const commit = repo.trees.has(requested) ? undefined : resolveRef(repo, requested);
      const sha = commit ? repo.commits.get(commit)?.tree : requested;
      if (!sha || !repo.trees.has(sha)) return notFound();
      // GitHub recurses when the parameter is present at all, whatever its value.
      return { status: 200, body: query.has("recursive") ? recursiveTreeBody(ctx, repo, sha) : gitTreeBody(ctx, repo, sha) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    withRepo(store, (repo, { params }) => {
      const sha = params.file_sha ?? "";
      const content = repo.blobs.get(sha);
      return content === undefined ? notFound() : { status: 200, body: blobBody(ctx, repo, sha, content) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/trees",
    withRepo(store, (repo, { body }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const baseTree = str(body.base_tree);
      if (baseTree !== undefined && !repo.trees.has(baseTree)) return invalid("base_tree is not a valid tree");
      const files = new Map(baseTree ? repo.trees.get(baseTree) : []);
      const entries = Array.isArray(body.tree) ? (body.tree as Array<Record<string, unknown>>) : [];
      for (const entry of entries) {
        const entryPath = str(entry.path) ?? "";
        if (entryPath === "" || entryPath.startsWith("/") || entryPath.split("/").some((s) => s === "" || s === "." || s === "..")) {
          return invalid(`tree.path contains a malformed path component`);
        }
        if (entry.type !== "blob") return invalid("Only blob entries are supported by the stand-in");
        if ("content" in entry && typeof entry.sha === "string") return invalid("Must supply either tree.sha or tree.content, but not both");
        if (entry.sha === null) {
          files.delete(entryPath);
          for (const name of [...files.keys()]) if (name.startsWith(`${entryPath}/`)) files.delete(name);
          continue;
        }
        const content = typeof entry.sha === "string" ? repo.blobs.get(entry.sha) : str(entry.content);
        if (content === undefined) return invalid(`tree.sha ${String(entry.sha)} is not a valid blob`);
        for (const name of [...files.keys()]) if (name.startsWith(`${entryPath}/`)) files.delete(name);
        files.set(entryPath, content);
      }
      return { status: 201, body: gitTreeBody(ctx, repo, store.writeTree(repo, files)) };
    }),
  );

  route(
    "POST",
    "/repos/{owner}/{repo}/git/commits",
    withRepo(store, (repo, { body }) => {
      if (repo.commits.size === 0) return emptyRepo();
      const tree = str(body.tree) ?? "";
      if (!repo.trees.has(tree)) return invalid("Tree SHA does not exist");
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
      if (parents.some((parent) => !repo.commits.has(parent))) return invalid("Parent SHA does not exist or is not a commit object");
      const commit = store.writeCommit(repo, { tree, parents, message: str(body.message) ?? "" });
      return { status: 201, body: gitCommitBody(ctx, repo, commit) };
    }),
  );
}
