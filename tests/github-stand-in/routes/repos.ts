import type { AddRoute, Reply, StandInContext } from "@/tests/github-stand-in/context";
import { DOCS, error, invalid, notFound } from "@/tests/github-stand-in/responses/errors";
import { directoryBody, fileBody, fullRepositoryBody } from "@/tests/github-stand-in/responses/repos";
import { str, withRepo } from "@/tests/github-stand-in/router";
import { resolveRef, timestamp, type Account, type Repo } from "@/tests/github-stand-in/store";

// Repositories: creating them (for an organization or the token's user), reading and
// updating their settings, and reading their contents at a ref.

export function addRepoRoutes(route: AddRoute, ctx: StandInContext): void {
  const { store } = ctx;

  const createRepoReply = (owner: Account, body: Record<string, unknown>, visibility: Repo["visibility"]): Reply => {
    const name = str(body.name) ?? "";
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      return invalid("Repository creation failed.", [{ resource: "Repository", code: "custom", field: "name", message: "name is invalid" }]);
    }
    if (store.findRepo(owner.login, name)) {
      return invalid("Repository creation failed.", [
        { resource: "Repository", code: "custom", field: "name", message: "name already exists on this account" },
      ]);
    }
    const repo = store.createRepo(owner, name, { description: str(body.description) ?? null, visibility, autoInit: body.auto_init === true });
    return { status: 201, body: fullRepositoryBody(ctx, repo) };
  };

  route("POST", "/orgs/{org}/repos", ({ params, body }) => {
    const org = store.accounts.get((params.org ?? "").toLowerCase());
    if (!org || org.type !== "Organization") return notFound();
    const visibility = str(body.visibility) ?? (body.private === false ? "public" : "private");
    return createRepoReply(org, body, visibility as Repo["visibility"]);
  });

  route("POST", "/user/repos", ({ body }) => createRepoReply(store.user, body, body.private === true ? "private" : "public"));

  route("GET", "/repos/{owner}/{repo}", withRepo(store, (repo) => ({ status: 200, body: fullRepositoryBody(ctx, repo) })));

  route(
    "PATCH",
    "/repos/{owner}/{repo}",
    withRepo(store, (repo, { body }) => {
      const branch = str(body.default_branch);
      if (branch !== undefined && !repo.refs.has(`refs/heads/${branch}`)) {
        return invalid("Validation Failed", [{ resource: "Repository", code: "invalid", field: "default_branch" }]);
      }
      if (branch !== undefined) repo.defaultBranch = branch;
      if ("description" in body) repo.description = str(body.description) || null;
      if (typeof body.private === "boolean") repo.visibility = body.private ? "private" : "public";
      if (str(body.visibility)) repo.visibility = body.visibility as Repo["visibility"];
      repo.updatedAt = timestamp();
      return { status: 200, body: fullRepositoryBody(ctx, repo) };
    }),
  );

  route(
    "GET",
    "/repos/{owner}/{repo}/contents/{path}",
    withRepo(store, (repo, { params, query }) => {
      const filePath = (params.path ?? "").replace(/^\/+|\/+$/g, "");
      const ref = query.get("ref") ?? repo.defaultBranch;
      const sha = resolveRef(repo, ref);
      if (!sha) return error(404, `No commit found for the ref ${ref}`, `${DOCS}/repos/contents#get-repository-content`);
      const files = store.filesAt(repo, sha);
      const content = files.get(filePath);
      if (content !== undefined) return { status: 200, body: fileBody(ctx, repo, ref, filePath, content) };
      const prefix = filePath === "" ? "" : `${filePath}/`;
      if ([...files.keys()].some((name) => name.startsWith(prefix))) return { status: 200, body: directoryBody(ctx, repo, ref, prefix, files) };
      return error(404, "Not Found", `${DOCS}/repos/contents#get-repository-content`);
    }),
  );
}
