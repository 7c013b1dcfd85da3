import { describe, expect, it } from "vitest";
import { formatRepoUrl, parseRepoUrl, readRepoUrlDraft, RepoUrlError, type RepoUrlProblem } from "@/lib/git/repo-url";

function problem(value: unknown, options?: { requireOwner?: boolean }): { problem: RepoUrlProblem; message: string } {
  try {
    parseRepoUrl(value, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RepoUrlError);
    return { problem: (error as RepoUrlError).problem, message: (error as RepoUrlError).message };
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe("parseRepoUrl", () => {
  it("reads host, owner and repo, and the parts other hosts have", () => {
    expect(parseRepoUrl("github.com?owner=acme&repo=payments-api")).toEqual({ host: "github.com", owner: "acme", repo: "payments-api" });
    expect(parseRepoUrl("github.com?repo=payments&owner=acme")).toEqual({ host: "github.com", owner: "acme", repo: "payments" });
    expect(parseRepoUrl("GHE.Example.com:8443?owner=Acme_Corp&repo=.github")).toEqual({ host: "ghe.example.com:8443", owner: "Acme_Corp", repo: ".github" });
    expect(parseRepoUrl("dev.azure.com?organization=org&project=My+Project&repo=r")).toEqual({ host: "dev.azure.com", repo: "r", organization: "org", project: "My Project" });
    expect(parseRepoUrl("bitbucket.org?workspace=w&project=p&repo=r")).toEqual({ host: "bitbucket.org", repo: "r", workspace: "w", project: "p" });
    expect(parseRepoUrl("  github.com?owner=acme&repo=x  ")).toEqual({ host: "github.com", owner: "acme", repo: "x" });
  });

  it("requires a repo, and an owner unless a project names the repository", () => {
    expect(problem("github.com?owner=acme")).toEqual({ problem: "no_repo", message: '"github.com?owner=acme" has no repo; add &repo=<name>, e.g. "github.com?owner=acme&repo=my-service"' });
    expect(problem("github.com?repo=x").problem).toBe("no_owner");
    expect(problem("github.com?owner=&repo=x").problem).toBe("no_owner");
    expect(problem("gitlab.com?project=42&repo=r", { requireOwner: true }).problem).toBe("no_owner");
    expect(parseRepoUrl("gitlab.com?project=42&repo=r")).toEqual({ host: "gitlab.com", repo: "r", project: "42" });
  });

  it("holds owners and repository names to GitHub's rules", () => {
    for (const owner of ["-acme", "ac.me", "a/b", "a b", "x".repeat(40), "%2Facme", "acme%0A"]) {
      expect(problem(`github.com?owner=${owner}&repo=x`).problem, owner).toMatch(/^(owner|malformed)$/);
    }
    for (const repo of ["-x", ".", "..", "x.git", "X.GIT", "a/b", "x".repeat(101), "ü"]) {
      expect(problem(`github.com?owner=acme&repo=${encodeURIComponent(repo)}`).problem, repo).toBe("repo");
    }
    expect(parseRepoUrl(`github.com?owner=${"a".repeat(39)}&repo=${"r".repeat(100)}`).repo).toHaveLength(100);
    expect(problem("dev.azure.com?organization=o/p&project=p&repo=r").problem).toBe("part");
  });

  it("accepts only host?parameters: no scheme, path, fragment, whitespace or unknown parameter", () => {
    expect(problem("https://github.com?owner=a&repo=b").problem).toBe("scheme");
    expect(problem("github.com/acme?owner=a&repo=b").problem).toBe("host");
    expect(problem("bad host?repo=x&owner=y").message).toContain("is not a repository URL");
    expect(problem("github.com?owner=a&repo=b#main").problem).toBe("malformed");
    expect(problem("github.com").problem).toBe("malformed");
    expect(problem("-github.com?owner=a&repo=b").problem).toBe("host");
    expect(problem("github..com?owner=a&repo=b").problem).toBe("host");
    expect(problem("github.com:0?owner=a&repo=b").problem).toBe("host");
    expect(problem("github.com:99999?owner=a&repo=b").problem).toBe("host");
    expect(problem("github.com?owner=a&repo=b&branch=main")).toMatchObject({ problem: "parameter", message: expect.stringContaining('unknown parameter "branch"') });
    expect(problem("github.com?owner=a&owner=b&repo=c").problem).toBe("parameter");
    expect(problem("").problem).toBe("empty");
    expect(problem(42).problem).toBe("empty");
    expect(problem(`github.com?owner=a&repo=${"/".repeat(2000)}`).problem).toBe("malformed");
  });
});

describe("readRepoUrlDraft and formatRepoUrl", () => {
  it("reads what is typed so far, keeping the host as typed", () => {
    expect(readRepoUrlDraft("github.com?owner=&repo=")).toEqual({ host: "github.com", owner: "", repo: "" });
    expect(readRepoUrlDraft("GitHub.com?owner=acme-&repo=x.git")).toEqual({ host: "GitHub.com", owner: "acme-", repo: "x.git" });
    expect(readRepoUrlDraft("github.com?owner=a&color=red")).toBeNull();
    expect(readRepoUrlDraft("not a url")).toBeNull();
    expect(readRepoUrlDraft(undefined)).toBeNull();
  });

  it("formats parts back into the value parseRepoUrl reads", () => {
    expect(formatRepoUrl({ host: "github.com", owner: "acme", repo: "x y" })).toBe("github.com?owner=acme&repo=x+y");
    expect(formatRepoUrl({ host: "github.com", owner: "", repo: "" })).toBe("github.com?owner=&repo=");
    for (const value of ["github.com?owner=acme&repo=payments", "dev.azure.com?repo=r&organization=org&project=My+Project"]) {
      expect(formatRepoUrl(parseRepoUrl(value))).toBe(value);
    }
  });
});
