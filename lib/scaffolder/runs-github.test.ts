import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { executeRun, startRun } from "@/lib/scaffolder/runs";
import { getRunView } from "@/lib/scaffolder/queries";
import { stopJobs } from "@/lib/jobs/queue";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

// The same golden path, configured for GitHub: publish:github and catalog:register talk to
// a local stand-in of GitHub's REST API whose every answer is checked against GitHub's
// published OpenAPI description.
let github: GitHubStandIn;

beforeAll(async () => {
  github = await startGitHubStandIn({ token: "ghp_test_token", orgs: ["acme"] });
  // Read once, lazily, by lib/env: set before anything asks for the configuration.
  process.env.GITHUB_TOKEN = "ghp_test_token";
  process.env.GITHUB_API_URL = github.url;
  await resetDatabase();
  const org = parseCatalogYaml("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-checkout\nspec:\n  type: team\n  children: []\n");
  await db.$transaction((tx) => writeEntities(tx, org.entities, { type: "upload" }));
});

afterAll(async () => {
  await stopJobs();
  await github.close();
});

const answers = (name: string) => ({ name, owner: "group:default/team-checkout", repoUrl: `github.com?owner=acme&repo=${name}`, port: 8080, enableFlags: false, lifecycle: "production" });

describe("publishing a golden path to GitHub", () => {
  it("creates the repository with one commit, registers it from GitHub, and survives a 502", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    github.failOn({ method: "POST", path: "/repos/acme/ledger/git/trees", failure: 502, times: 1 });
    const runId = await startRun(max, "builtin:node-microservice", answers("ledger"));

    expect(await executeRun(runId)).toBe("succeeded");

    const repo = github.getRepository("acme/ledger");
    expect(repo).toBeDefined();
    const run = (await getRunView(runId, max))!;
    expect(run.output?.links?.find((l) => l.url)?.url).toMatch(/\/acme\/ledger$/);
    const location = await db.location.findFirstOrThrow({ select: { target: true, host: true } });
    expect(location).toMatchObject({ host: "github", target: expect.stringMatching(/\/acme\/ledger\/blob\/main\/catalog-info\.yaml$/) });
    expect(await db.entity.findUnique({ where: { key: "component:default/ledger" }, select: { owner: true } })).toEqual({ owner: "group:default/team-checkout" });
    // The failed tree request was retried, not fatal.
    expect(github.requests().filter((r) => r.method === "POST" && r.path === "/repos/acme/ledger/git/trees").length).toBe(2);
    expect(github.violations()).toEqual([]);
  });

  it("fails with a clear message when the name is taken on GitHub by someone else", async () => {
    github.setFile("acme/taken", "main", "README.md", "not ours");
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "builtin:node-microservice", answers("taken"));
    expect(await executeRun(runId)).toBe("failed");
    expect((await getRunView(runId, max))!.error).toMatch(/A repository named acme\/taken already exists/);
    expect(github.violations()).toEqual([]);
  });
});
