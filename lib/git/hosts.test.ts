import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitReader, createGitWriter, getWriteHost, localRepositoryDir, repositoryFileLocation, type GitHostConfig } from "@/lib/git/hosts";
import { createLocalRepo } from "@/lib/git/local";
import { GitHubWriter } from "@/lib/git/github-writer";
import { LocalGitWriter } from "@/lib/git/local-writer";
import { GitReadError, nullIfNotFound } from "@/lib/git/types";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";

const TOKEN = "ghp_hosts_test_token";
let tmp: string;
let root: string;
let github: GitHubStandIn;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "pave-hosts-"));
  root = path.join(tmp, "root");
  await createLocalRepo(path.join(root, "acme", "infra.git"), {
    "terraform/atlantis.yaml": "version: 3\n",
    "skeleton/README.md": "# ${{ values.name }}\n",
    "skeleton/src/index.ts": "export {};\n",
    "other.txt": "not in the skeleton\n",
  });
  github = await startGitHubStandIn({ token: TOKEN, repos: { "acme/infra": { main: { "terraform/atlantis.yaml": "version: 3 # github\n" } } } });
});

afterAll(async () => {
  await github.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("the host Pave writes to", () => {
  it("is GitHub with a token, else the local git host under the root", () => {
    const local: GitHostConfig = { gitRoot: root };
    const remote: GitHostConfig = { githubApiUrl: github.url, githubToken: TOKEN, gitRoot: root };
    expect([getWriteHost(local), getWriteHost(remote)]).toEqual(["local", "github"]);
    expect(createGitWriter(local)).toBeInstanceOf(LocalGitWriter);
    expect(createGitWriter(remote)).toBeInstanceOf(GitHubWriter);
    expect(localRepositoryDir("acme", "infra", local)).toBe(path.join(root, "acme", "infra.git"));
  });

  it("names a file of one of its repositories as a location the reader reads", async () => {
    for (const config of [{ gitRoot: root }, { githubApiUrl: github.url, githubToken: TOKEN, gitRoot: root }]) {
      const location = repositoryFileLocation({ owner: "acme", repo: "infra" }, "main", "terraform/atlantis.yaml", config);
      const reader = createGitReader(config);
      // The location is the canonical one a person would paste.
      expect(reader.parseLocation(location.url)).toEqual(location);
      expect((await reader.readFile(location)).content).toBe(config.githubToken ? "version: 3 # github\n" : "version: 3\n");
    }
    const local = repositoryFileLocation({ owner: "acme", repo: "infra" }, "release/1.0", "a b.yaml", { gitRoot: "/srv/git" });
    expect(local).toEqual({ host: "local", repoPath: "/srv/git/acme/infra.git", ref: "release/1.0", path: "a b.yaml", url: "file:///srv/git/acme/infra.git/blob/release%2F1.0/a%20b.yaml" });
  });
});

describe("reading through the configured reader", () => {
  it("lists the files below a folder of a local repository", async () => {
    const reader = createGitReader({ gitRoot: root });
    const folder = repositoryFileLocation({ owner: "acme", repo: "infra" }, "main", "skeleton", { gitRoot: root });
    expect(await reader.listFiles(folder)).toEqual(["skeleton/README.md", "skeleton/src/index.ts"]);
    await expect(reader.listFiles(folder, 1)).rejects.toThrow("The folder skeleton holds more than 1 files.");
  });

  it("takes only a missing file for missing: an outage or a refused token is rethrown", async () => {
    const config = { githubApiUrl: github.url, githubToken: TOKEN, gitRoot: root };
    const reader = createGitReader(config);
    const file = (filePath: string) => repositoryFileLocation({ owner: "acme", repo: "infra" }, "main", filePath, config);

    expect((await nullIfNotFound(reader.readFile(file("terraform/atlantis.yaml"))))?.content).toBe("version: 3 # github\n");
    expect(await nullIfNotFound(reader.readFile(file("terraform/missing.yaml")))).toBeNull();

    github.failOn({ method: "GET", path: "/repos/acme/infra/contents/terraform/atlantis.yaml", failure: 502 });
    const outage = await nullIfNotFound(reader.readFile(file("terraform/atlantis.yaml"))).catch((error: unknown) => error);
    expect(outage).toBeInstanceOf(GitReadError);
    expect((outage as GitReadError).kind).toBe("unavailable");

    const refused = createGitReader({ ...config, githubToken: "ghp_wrong" });
    const denied = await nullIfNotFound(refused.readFile(file("terraform/atlantis.yaml"))).catch((error: unknown) => error);
    expect((denied as GitReadError).kind).toBe("forbidden");
  });
});
