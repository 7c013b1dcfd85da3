import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubReader } from "@/lib/git/github";
import { createLocalRepo } from "@/lib/git/local";
import { parseLocationTarget } from "@/lib/git/location";
import { createGitReader } from "@/lib/git/hosts";
import { blobSha, startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { GitReadError } from "@/lib/git/types";

const TOKEN = "ghp_standin_secret_token_value";
const CATALOG = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\n  description: Zahlungen – ünïcödé\n";

let github: GitHubStandIn;

const target = (ref: string, file: string, repo = "acme/checkout") =>
  parseLocationTarget(`${github.url}/${repo}/blob/${encodeURIComponent(ref)}/${file}`, { githubWebUrl: github.url });

async function readError(promise: Promise<unknown>): Promise<GitReadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitReadError);
  return error as GitReadError;
}

beforeAll(async () => {
  github = await startGitHubStandIn({
    token: TOKEN,
    repos: {
      "acme/checkout": {
        main: { "catalog-info.yaml": CATALOG, "services/api/catalog-info.yaml": "kind: API\n", "docs/my file #1.yaml": "kind: Domain\n" },
        "release/1.0": { "catalog-info.yaml": "kind: Component # 1.0\n" },
      },
    },
  });
});

afterAll(async () => {
  await github.close();
});

describe("GitHubReader against the GitHub stand-in", () => {
  const reader = () => new GitHubReader({ baseUrl: github.url, token: TOKEN });

  it("reads and decodes a file, with GitHub's blob sha", async () => {
    const file = await reader().readFile(target("main", "catalog-info.yaml"));
    expect(file).toEqual({ content: CATALOG, sha: blobSha(Buffer.from(CATALOG)) });
    expect((await reader().readFile(target("main", "services/api/catalog-info.yaml"))).content).toBe("kind: API\n");
    expect((await reader().readFile(target("main", "docs/my%20file%20%231.yaml"))).content).toBe("kind: Domain\n");
  });

  it("reads at a branch whose name has a slash", async () => {
    expect((await reader().readFile(target("release/1.0", "catalog-info.yaml"))).content).toBe("kind: Component # 1.0\n");
  });

  it("sees a file that changed on the server", async () => {
    github.setFile("acme/checkout", "main", "changing.yaml", "v1\n");
    expect((await reader().readFile(target("main", "changing.yaml"))).content).toBe("v1\n");
    github.setFile("acme/checkout", "main", "changing.yaml", "v2\n");
    expect((await reader().readFile(target("main", "changing.yaml"))).content).toBe("v2\n");
    github.setFile("acme/checkout", "main", "changing.yaml", null);
    expect((await readError(reader().readFile(target("main", "changing.yaml")))).kind).toBe("not_found");
  });

  it("maps a missing file, ref or repository to not_found", async () => {
    const file = await readError(reader().readFile(target("main", "nope.yaml")));
    expect([file.kind, file.status]).toEqual(["not_found", 404]);
    expect(file.message).toBe(
      'File "nope.yaml" at "main" in acme/checkout was not found on GitHub, or the token in GITHUB_TOKEN cannot see that repository.',
    );

    const ref = await readError(reader().readFile(target("gone", "catalog-info.yaml")));
    expect(ref.message).toBe('No branch, tag or commit "gone" in acme/checkout on GitHub.');

    const repo = await readError(reader().readFile(target("main", "catalog-info.yaml", "acme/private")));
    expect(repo.kind).toBe("not_found");
  });

  it("refuses a directory", async () => {
    const error = await readError(reader().readFile(target("main", "services")));
    expect(error.kind).toBe("invalid");
    expect(error.message).toMatch(/is a directory/);
  });

  it("maps a wrong or missing token to forbidden, naming the setting but never the token", async () => {
    const wrong = await readError(new GitHubReader({ baseUrl: github.url, token: "ghp_wrong" }).readFile(target("main", "catalog-info.yaml")));
    expect([wrong.kind, wrong.status]).toEqual(["forbidden", 403]);
    expect(wrong.message).toBe("GitHub rejected the token in GITHUB_TOKEN: it is invalid or has expired.");
    expect(wrong.message).not.toContain("ghp_wrong");
    expect(wrong.message).not.toContain("Bad credentials");

    const none = await readError(new GitHubReader({ baseUrl: github.url }).readFile(target("main", "catalog-info.yaml")));
    expect(none.kind).toBe("forbidden");
    expect(none.message).toContain("set GITHUB_TOKEN");
  });

  it("maps a server that is down to unavailable", async () => {
    const down = await startGitHubStandIn();
    const url = down.url;
    await down.close();
    const error = await readError(new GitHubReader({ baseUrl: url, token: TOKEN }).readFile(target("main", "catalog-info.yaml")));
    expect([error.kind, error.status]).toEqual(["unavailable", 503]);
    expect(error.message).toBe("GitHub could not be reached or answered with an error; try again later.");
    expect(error.message).not.toContain(url);
  });

  it("refuses a local target", async () => {
    const error = await readError(reader().readFile(parseLocationTarget("file:///srv/git/a.git/blob/main/a.yaml")));
    expect(error.kind).toBe("invalid");
  });
});

describe("GitHubReader timeouts", () => {
  let silent: Server;

  afterAll(async () => {
    await new Promise((resolve) => silent.close(resolve));
  });

  it("gives up on a server that accepts but never answers", async () => {
    const sockets = new Set<import("node:net").Socket>();
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as import("node:net").AddressInfo;
    const started = Date.now();
    const error = await readError(new GitHubReader({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 }).readFile(target("main", "a.yaml")));
    for (const socket of sockets) socket.destroy();
    expect(error.kind).toBe("unavailable");
    expect(error.message).toBe("GitHub did not answer within 0.3 seconds; try again later.");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("createGitReader", () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "pave-git-reader-"));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("sends GitHub locations to the configured API and local ones to git inside the root", async () => {
    const root = path.join(tmp, "root");
    const repo = path.join(root, "local.git");
    await createLocalRepo(repo, { "catalog-info.yaml": "kind: Group\n" });
    const reader = createGitReader({ githubApiUrl: github.url, githubToken: TOKEN, gitRoot: root });

    const remote = reader.parseLocation(`${github.url}/acme/checkout/blob/main/catalog-info.yaml`);
    expect((await reader.readFile(remote)).content).toBe(CATALOG);
    const local = reader.parseLocation(`file://${repo}/blob/main/catalog-info.yaml`);
    expect((await reader.readFile(local)).content).toBe("kind: Group\n");

    const outside = reader.parseLocation(`file://${tmp}/elsewhere.git/blob/main/catalog-info.yaml`);
    expect((await readError(reader.readFile(outside))).message).toBe("Local git locations must be inside PAVE_GIT_ROOT on the Pave server.");
    // Only the configured GitHub's web address is accepted.
    expect(() => reader.parseLocation("https://github.com/acme/checkout/blob/main/catalog-info.yaml")).toThrow(/reads GitHub files from/);
  });
});
