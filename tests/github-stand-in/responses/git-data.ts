import type { components } from "@octokit/openapi-types";
import type { StandInContext } from "@/tests/github-stand-in/context";
import { blobSha, contentBytes, type Commit, type Repo } from "@/tests/github-stand-in/store";

// Git data (refs, commits, trees, blobs) as GitHub describes it.

type Schemas = components["schemas"];
type GitRef = Schemas["git-ref"];
type GitCommit = Schemas["git-commit"];
type GitTree = Schemas["git-tree"];
type Blob = Schemas["blob"];

export function gitRefBody({ baseUrl }: StandInContext, repo: Repo, ref: string): GitRef {
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const sha = repo.refs.get(ref) ?? "";
  return {
    ref,
    node_id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString("base64url")}`,
    url: `${api}/git/${ref}`,
    object: { type: "commit", sha, url: `${api}/git/commits/${sha}` },
  };
}

export function gitCommitBody({ baseUrl }: StandInContext, repo: Repo, commit: Commit): GitCommit {
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
  return {
    sha: commit.sha,
    node_id: `C_${Buffer.from(commit.sha, "hex").toString("base64url")}`,
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${baseUrl}/${repo.owner.login}/${repo.name}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    message: commit.message,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${baseUrl}/${repo.owner.login}/${repo.name}/commit/${sha}` })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

export function gitTreeBody({ baseUrl, store }: StandInContext, repo: Repo, sha: string): GitTree {
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const files = repo.trees.get(sha) ?? new Map<string, string>();
  const names = new Map<string, "blob" | "tree">();
  for (const filePath of files.keys()) {
    const slash = filePath.indexOf("/");
    names.set(slash === -1 ? filePath : filePath.slice(0, slash), slash === -1 ? "blob" : "tree");
  }
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    truncated: false,
    tree: [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, type]) => {
      if (type === "blob") {
        const content = files.get(name) ?? "";
        const blob = blobSha(contentBytes(content));
        return { path: name, mode: "100644", type, sha: blob, size: contentBytes(content).length, url: `${api}/git/blobs/${blob}` };
      }
      const sub = new Map([...files].filter(([p]) => p.startsWith(`${name}/`)).map(([p, c]) => [p.slice(name.length + 1), c]));
      const subSha = store.writeTree(repo, sub);
      return { path: name, mode: "040000", type, sha: subSha, url: `${api}/git/trees/${subSha}` };
    }),
  };
}

/** A recursive listing: every folder and file below the tree, each with its full path. */
export function recursiveTreeBody({ baseUrl, store, options }: StandInContext, repo: Repo, sha: string): GitTree {
  const api = `${baseUrl}/repos/${repo.owner.login}/${repo.name}`;
  const files = repo.trees.get(sha) ?? new Map<string, string>();
  const entries: GitTree["tree"] = [];
  const folders = new Set<string>();
  for (const filePath of files.keys()) {
    const segments = filePath.split("/");
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join("/"));
  }
  for (const folder of folders) {
    const sub = new Map([...files].filter(([p]) => p.startsWith(`${folder}/`)).map(([p, c]) => [p.slice(folder.length + 1), c]));
    const subSha = store.writeTree(repo, sub);
    entries.push({ path: folder, mode: "040000", type: "tree", sha: subSha, url: `${api}/git/trees/${subSha}` });
  }
  for (const [filePath, content] of files) {
    const bytes = contentBytes(content);
    const blob = blobSha(bytes);
    entries.push({ path: filePath, mode: "100644", type: "blob", sha: blob, size: bytes.length, url: `${api}/git/blobs/${blob}` });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  const limit = options.treeEntryLimit ?? 100_000;
  return { sha, url: `${api}/git/trees/${sha}`, truncated: entries.length > limit, tree: entries.slice(0, limit) };
}

export function blobBody({ baseUrl }: StandInContext, repo: Repo, sha: string, content: string): Blob {
  const bytes = contentBytes(content);
  return {
    sha,
    node_id: `B_${Buffer.from(sha, "hex").toString("base64url")}`,
    size: bytes.length,
    url: `${baseUrl}/repos/${repo.owner.login}/${repo.name}/git/blobs/${sha}`,
    // GitHub wraps base64 content at 60 characters.
    content: (bytes.toString("base64").match(/.{1,60}/g) ?? []).join("\n") + "\n",
    encoding: "base64",
  };
}
