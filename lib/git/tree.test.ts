import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createLocalRepo } from "@/lib/git/local";
import { blobSha, standInBinary, startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { createGitTreeReader } from "@/lib/git/hosts";
import { GitReadError, type GitRepository, type GitTreeReader } from "@/lib/git/types";

const TOKEN = "ghp_tree_reader_token";
// Not valid UTF-8, and with bytes (0x80–0xff) that a text round trip would mangle.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x7f]);

const FILES = {
  "README.md": "# Payments\n",
  "catalog-info.yaml": "kind: Component\n",
  "docs/index.md": "# Docs\n",
  "docs/guides/deploy.md": "# Deploy\n",
  "docs/img/logo.png": PNG,
  ".github/workflows/ci.yml": "on: push\n",
};

let tmp: string;
let github: GitHubStandIn;
let localRepo: GitRepository;
let localCommit: string;

async function readError(promise: Promise<unknown>): Promise<GitReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitReadError);
  return error as GitReadError;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "pave-tree-"));
  const repoPath = path.join(tmp, "acme", "payments.git");
  localCommit = await createLocalRepo(repoPath, FILES);
  localRepo = { host: "local", repoPath };
  const textOnly = Object.fromEntries(Object.entries(FILES).map(([p, c]) => [p, typeof c === "string" ? c : standInBinary(c)]));
  github = await startGitHubStandIn({ token: TOKEN, repos: { "acme/payments": { main: textOnly, "release/1.0": { "README.md": "# Old\n" } } } });
});

afterAll(async () => {
  await github.close();
  await rm(tmp, { recursive: true, force: true });
});

const hosts: Array<{ name: string; reader: () => GitTreeReader; repo: () => GitRepository }> = [
  { name: "local git", reader: () => createGitTreeReader({ gitRoot: tmp }), repo: () => localRepo },
  {
    name: "GitHub",
    reader: () => createGitTreeReader({ gitRoot: tmp, githubApiUrl: github.url, githubToken: TOKEN }),
    repo: () => ({ host: "github", owner: "acme", repo: "payments" }),
  },
];

describe.each(hosts)("the tree reader on $name", ({ name, reader, repo }) => {
  it("resolves a branch, HEAD and a full sha to the same commit, and names a missing ref", async () => {
    const commit = await reader().resolveCommit(repo(), "main");
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    if (name === "local git") expect(commit).toBe(localCommit);
    expect(await reader().resolveCommit(repo(), "HEAD")).toBe(commit);
    expect(await reader().resolveCommit(repo(), commit)).toBe(commit);
    const missing = await readError(reader().resolveCommit(repo(), "no-such-branch"));
    expect(missing.kind).toBe("not_found");
    expect(missing.message).toMatch(/no-such-branch/);
  });

  it("lists a folder recursively (files only) or one level deep (folders too), with git's shas and sizes", async () => {
    const commit = await reader().resolveCommit(repo(), "main");
    const docs = await reader().listTree(repo(), commit, "docs");
    expect(docs.map((e) => [e.path, e.type, e.size])).toEqual([
      ["docs/guides/deploy.md", "blob", 9],
      ["docs/img/logo.png", "blob", PNG.length],
      ["docs/index.md", "blob", 7],
    ]);
    expect(docs[2]?.sha).toBe(blobSha(Buffer.from("# Docs\n")));

    const top = await reader().listTree(repo(), commit, "", { recursive: false });
    expect(top.map((e) => [e.path, e.type])).toEqual([
      [".github", "tree"],
      ["README.md", "blob"],
      ["catalog-info.yaml", "blob"],
      ["docs", "tree"],
    ]);
    expect(await reader().listTree(repo(), commit, "docs/guides/", { recursive: false })).toHaveLength(1);
    // A folder that does not exist, or is a file, is simply empty.
    expect(await reader().listTree(repo(), commit, "nope")).toEqual([]);
    expect(await reader().listTree(repo(), commit, "README.md")).toEqual([]);
    await expect(reader().listTree(repo(), commit, "docs/../..")).rejects.toBeInstanceOf(GitReadError);
  });

  it("refuses a listing beyond its limit", async () => {
    const commit = await reader().resolveCommit(repo(), "main");
    const error = await readError(reader().listTree(repo(), commit, "", { limit: 3 }));
    expect(error.message).toMatch(/more than 3 entries/);
  });

  it("reads a binary blob byte for byte, and refuses one over maxBytes", async () => {
    const commit = await reader().resolveCommit(repo(), "main");
    const logo = (await reader().listTree(repo(), commit, "docs/img"))[0]!;
    expect(Buffer.from(await reader().readBlob(repo(), logo.sha))).toEqual(Buffer.from(PNG));
    const tooLarge = await readError(reader().readBlob(repo(), logo.sha, { maxBytes: 4 }));
    expect(tooLarge.kind).toBe("invalid");
  });
});

describe("the tree reader, host specifics", () => {
  it("reads a branch with a slash on GitHub, and a missing repository is not_found with a hint", async () => {
    const reader = createGitTreeReader({ gitRoot: tmp, githubApiUrl: github.url, githubToken: TOKEN });
    const gh: GitRepository = { host: "github", owner: "acme", repo: "payments" };
    const commit = await reader.resolveCommit(gh, "release/1.0");
    expect((await reader.listTree(gh, commit, "")).map((e) => e.path)).toEqual(["README.md"]);
    const missing = await readError(reader.resolveCommit({ host: "github", owner: "acme", repo: "nothing" }, "main"));
    expect(missing.kind).toBe("not_found");
    expect(missing.message).toMatch(/acme\/nothing.*GITHUB_TOKEN/);
    expect(github.violations()).toEqual([]);
  });

  it("walks folder by folder when GitHub truncates a recursive listing", async () => {
    const small = await startGitHubStandIn({ token: TOKEN, treeEntryLimit: 2, repos: { "acme/big": { main: { "a/1.md": "1", "a/b/2.md": "2", "a/b/c/3.md": "3", "z.md": "z" } } } });
    try {
      const reader = createGitTreeReader({ gitRoot: tmp, githubApiUrl: small.url, githubToken: TOKEN });
      const gh: GitRepository = { host: "github", owner: "acme", repo: "big" };
      const commit = await reader.resolveCommit(gh, "main");
      expect((await reader.listTree(gh, commit, "a")).map((e) => e.path)).toEqual(["a/1.md", "a/b/2.md", "a/b/c/3.md"]);
      expect(small.requests().some((r) => r.route === "GET /repos/{owner}/{repo}/git/trees/{tree_sha}")).toBe(true);
      expect(small.violations()).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it("retries a GitHub 502 and reports an outage in words, not GitHub's answer", async () => {
    const reader = createGitTreeReader({ gitRoot: tmp, githubApiUrl: github.url, githubToken: TOKEN });
    const gh: GitRepository = { host: "github", owner: "acme", repo: "payments" };
    github.failNext(1, 502);
    expect(await reader.resolveCommit(gh, "main")).toMatch(/^[0-9a-f]{40}$/);
    github.failOn({ method: "GET", path: /\/git\/ref\//, failure: 503, times: 4 });
    const down = await readError(reader.resolveCommit(gh, "main"));
    expect(down.kind).toBe("unavailable");
    expect(down.message).toMatch(/try again later/);
  }, 60_000);

  it("keeps local reads inside the git root, and lists a new commit after a push", async () => {
    const reader = createGitTreeReader({ gitRoot: path.join(tmp, "acme") });
    const outside = await readError(reader.resolveCommit({ host: "local", repoPath: "/etc" }, "main"));
    expect(outside.kind).toBe("forbidden");
    const missing = await readError(reader.resolveCommit({ host: "local", repoPath: path.join(tmp, "acme", "none.git") }, "main"));
    expect(missing.kind).toBe("not_found");

    const next = await commitFiles(localRepo.host === "local" ? localRepo.repoPath : "", { "docs/new.md": "# New\n" }, "add a page");
    expect(await reader.resolveCommit(localRepo, "main")).toBe(next);
    expect((await reader.listTree(localRepo, next, "docs", { recursive: false })).map((e) => e.path)).toContain("docs/new.md");
    // The old commit still lists what it held.
    expect((await reader.listTree(localRepo, localCommit, "docs")).map((e) => e.path)).not.toContain("docs/new.md");
  });
});
