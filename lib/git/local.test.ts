import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles, createLocalRepo, LocalGitReader, LocalGitTreeReader } from "@/lib/git/local";
import { parseLocationTarget } from "@/lib/git/location";
import { GitReadError } from "@/lib/git/types";

const run = promisify(execFile);
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull };
const git = async (...args: string[]) =>
  (await run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { env: gitEnv })).stdout.trim();

const CATALOG = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n";

let tmp: string;
let root: string;
let repo: string;
let reader: LocalGitReader;

const at = (repoPath: string, ref: string, file: string) => parseLocationTarget(`file://${repoPath}/blob/${encodeURIComponent(ref)}/${file}`);

async function readError(promise: Promise<unknown>): Promise<GitReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitReadError);
  return error as GitReadError;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "pave-local-git-"));
  root = path.join(tmp, "root");
  repo = path.join(root, "payments.git");
  await createLocalRepo(repo, { "catalog-info.yaml": CATALOG, "docs/index.md": "# Payments\n" });
  reader = new LocalGitReader({ root });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("LocalGitReader", () => {
  it("reads a file at main, with its git blob id as sha", async () => {
    const file = await reader.readFile(at(repo, "main", "catalog-info.yaml"));
    expect(file.content).toBe(CATALOG);
    const blobId = createHash("sha1").update(`blob ${Buffer.byteLength(CATALOG)}\0${CATALOG}`).digest("hex");
    expect(file.sha).toBe(blobId);
    expect((await reader.readFile(at(repo, "main", "docs/index.md"))).content).toBe("# Payments\n");
  });

  it("reads at a tag and at a commit sha after the branch has moved on", async () => {
    const first = await git("--git-dir", repo, "rev-parse", "main");
    await git("--git-dir", repo, "tag", "-a", "v1.0.0", "-m", "release", first);
    await commitFiles(repo, { "catalog-info.yaml": CATALOG.replace("payments", "payments-v2") }, "Rename");

    expect((await reader.readFile(at(repo, "v1.0.0", "catalog-info.yaml"))).content).toBe(CATALOG);
    expect((await reader.readFile(at(repo, first, "catalog-info.yaml"))).content).toBe(CATALOG);
    expect((await reader.readFile(at(repo, first.slice(0, 12), "catalog-info.yaml"))).content).toBe(CATALOG);
    expect((await reader.readFile(at(repo, "main", "catalog-info.yaml"))).content).toContain("name: payments-v2");
  });

  it("reads what commitFiles changed, and reports removed files as not found", async () => {
    const repoPath = path.join(root, "inventory.git");
    await createLocalRepo(repoPath, { "catalog-info.yaml": "kind: Component\n", "old.yaml": "kind: API\n" });
    await commitFiles(repoPath, { "catalog-info.yaml": "kind: System\n", "old.yaml": null, "new/api.yaml": "kind: API\n" }, "Update");

    expect((await reader.readFile(at(repoPath, "main", "catalog-info.yaml"))).content).toBe("kind: System\n");
    expect((await reader.readFile(at(repoPath, "main", "new/api.yaml"))).content).toBe("kind: API\n");
    const removed = await readError(reader.readFile(at(repoPath, "main", "old.yaml")));
    expect(removed.kind).toBe("not_found");
    expect(removed.message).toBe('File "old.yaml" at "main" in inventory.git not found.');
  });

  it("reports a missing file, ref or repository as not_found", async () => {
    const file = await readError(reader.readFile(at(repo, "main", "nope.yaml")));
    expect([file.kind, file.status]).toEqual(["not_found", 404]);

    const ref = await readError(reader.readFile(at(repo, "no-such-branch", "catalog-info.yaml")));
    expect(ref.kind).toBe("not_found");
    // Paths are shown relative to PAVE_GIT_ROOT: the server's own paths stay on the server.
    expect(ref.message).toBe('No branch, tag or commit "no-such-branch" in payments.git.');

    const missingRepo = await readError(reader.readFile(at(path.join(root, "ghost.git"), "main", "a.yaml")));
    expect(missingRepo.message).toBe("No git repository at ghost.git.");

    const plainDir = path.join(root, "not-a-repo");
    await mkdir(plainDir, { recursive: true });
    const notRepo = await readError(reader.readFile(at(plainDir, "main", "a.yaml")));
    expect(notRepo.kind).toBe("not_found");
    expect(notRepo.message).toBe("not-a-repo is not a git repository.");
  });

  it("refuses a directory and a file over 2 MiB as invalid", async () => {
    const dir = await readError(reader.readFile(at(repo, "main", "docs")));
    expect(dir.kind).toBe("invalid");
    expect(dir.message).toMatch(/is a directory/);

    const big = path.join(root, "big.git");
    await createLocalRepo(big, { "catalog-info.yaml": "x".repeat(2 * 1024 * 1024 + 1) });
    const tooBig = await readError(reader.readFile(at(big, "main", "catalog-info.yaml")));
    expect(tooBig.kind).toBe("invalid");
    expect(tooBig.message).toMatch(/larger than 2 MiB/);
  });

  it("reads from a non-bare repository (work tree with .git)", async () => {
    const clone = path.join(root, "checkout");
    await git("clone", "--quiet", repo, clone);
    expect((await reader.readFile(at(clone, "main", "docs/index.md"))).content).toBe("# Payments\n");
  });

  it("refuses a repository outside the root, even one that does not exist", async () => {
    const outside = path.join(tmp, "outside.git");
    await createLocalRepo(outside, { "catalog-info.yaml": "kind: Secret\n" });
    for (const repoPath of [outside, path.join(tmp, "ghost.git"), "/etc"]) {
      const error = await readError(reader.readFile(at(repoPath, "main", "catalog-info.yaml")));
      expect(error.kind).toBe("forbidden");
      expect(error.message).toBe("Local git locations must be inside PAVE_GIT_ROOT on the Pave server.");
      expect(error.message).not.toContain(tmp);
    }
    // A sibling whose name merely starts with the root's name is outside too.
    const sibling = `${root}-evil/repo.git`;
    await createLocalRepo(sibling, { "catalog-info.yaml": "kind: Secret\n" });
    expect((await readError(reader.readFile(at(sibling, "main", "catalog-info.yaml")))).kind).toBe("forbidden");
  });

  it("refuses a symlink inside the root that leads outside it", async () => {
    const outside = path.join(tmp, "linked-target.git");
    await createLocalRepo(outside, { "catalog-info.yaml": "kind: Secret\n" });
    const link = path.join(root, "innocent.git");
    await symlink(outside, link);
    const error = await readError(reader.readFile(at(link, "main", "catalog-info.yaml")));
    expect(error.kind).toBe("forbidden");
    expect(error.message).toContain("must be inside PAVE_GIT_ROOT");

    // A work tree inside the root whose .git links outside is refused the same way.
    const worktree = path.join(root, "worktree");
    await mkdir(worktree);
    await symlink(outside, path.join(worktree, ".git"));
    expect((await readError(reader.readFile(at(worktree, "main", "catalog-info.yaml")))).kind).toBe("forbidden");
  });

  it("follows a symlink that stays inside the root", async () => {
    const link = path.join(root, "alias.git");
    await symlink(repo, link);
    expect((await reader.readFile(at(link, "main", "docs/index.md"))).content).toBe("# Payments\n");
  });

  it("ignores GIT_* variables inherited from the environment", async () => {
    const before = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(tmp, "outside.git");
    try {
      expect((await reader.readFile(at(repo, "main", "docs/index.md"))).content).toBe("# Payments\n");
    } finally {
      if (before === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = before;
    }
  });

  it("refuses a GitHub target", async () => {
    const error = await readError(reader.readFile(parseLocationTarget("https://github.com/a/b/blob/main/c.yaml")));
    expect(error.kind).toBe("invalid");
  });
});

describe("LocalGitTreeReader", () => {
  it("names repositories by their path under the root, never the server's", async () => {
    const nested = path.join(root, "acme", "messages.git");
    await createLocalRepo(nested, { "README.md": "# x\n" });
    const treeReader = new LocalGitTreeReader({ root, maxEntries: 100, maxBlobBytes: 1024 });
    const ref = await readError(treeReader.resolveCommit({ host: "local", repoPath: nested }, "nope"));
    expect(ref.message).toBe('No branch, tag or commit "nope" in acme/messages.git.');
    const missing = await readError(treeReader.resolveCommit({ host: "local", repoPath: path.join(root, "acme", "ghost.git") }, "main"));
    expect(missing.message).toBe("No git repository at acme/ghost.git.");

    const noRoot = new LocalGitTreeReader({ root: path.join(tmp, "no-such-root"), maxEntries: 100, maxBlobBytes: 1024 });
    const absent = await readError(noRoot.resolveCommit({ host: "local", repoPath: path.join(tmp, "no-such-root", "x.git") }, "main"));
    expect(absent.message).toBe("PAVE_GIT_ROOT does not exist on the Pave server.");
    for (const error of [ref, missing, absent]) expect(error.message).not.toContain(tmp);
  });

  it("says a listing is too large to list, not that a file is too large", async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 10; n++) files[`docs/${"a".repeat(100)}/${"b".repeat(100)}/page-${n}.md`] = "# Page\n";
    const big = path.join(root, "acme", "long-names.git");
    const commit = await createLocalRepo(big, files);
    const treeReader = new LocalGitTreeReader({ root, maxEntries: 100, maxBlobBytes: 1024, maxListBytes: 2048 });
    const error = await readError(treeReader.listTree({ host: "local", repoPath: big }, commit, "docs"));
    expect(error.kind).toBe("invalid");
    expect(error.message).toBe("The folder docs of acme/long-names.git is too large to list (more than 2 KiB of file names).");
    // Within the entry limit but over it in count, the count is what is reported.
    const few = new LocalGitTreeReader({ root, maxEntries: 3, maxBlobBytes: 1024 });
    expect((await readError(few.listTree({ host: "local", repoPath: big }, commit, "docs"))).message).toBe("The folder docs of acme/long-names.git holds more than 3 entries.");
  });
});

describe("createLocalRepo", () => {
  it("refuses a directory that already has files", async () => {
    await expect(createLocalRepo(repo, { "a.yaml": "" })).rejects.toThrow(/not empty/);
  });
});
