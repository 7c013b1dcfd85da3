import { describe, expect, it } from "vitest";
import {
  formatLocationTarget,
  getGitHubWebUrl,
  getLocationViewUrl,
  GitLocationError,
  parseLocationTarget,
  type LocationOptions,
} from "@/lib/git/location";

function rejection(target: string, options?: LocationOptions): string {
  try {
    parseLocationTarget(target, options);
  } catch (error) {
    expect(error).toBeInstanceOf(GitLocationError);
    return (error as GitLocationError).message;
  }
  throw new Error(`expected ${JSON.stringify(target)} to be rejected`);
}

describe("parseLocationTarget: GitHub", () => {
  it("reads owner, repo, ref and path from a blob URL", () => {
    const url = "https://github.com/acme/payments/blob/main/services/api/catalog-info.yaml";
    expect(parseLocationTarget(url)).toEqual({
      host: "github",
      owner: "acme",
      repo: "payments",
      ref: "main",
      path: "services/api/catalog-info.yaml",
      url,
    });
  });

  it("accepts a tag or sha, trims whitespace, drops a query or line anchor", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const parsed = parseLocationTarget(`  https://github.com/acme/payments/blob/${sha}/catalog-info.yaml?plain=1#L10 \n`);
    expect(parsed).toMatchObject({ ref: sha, path: "catalog-info.yaml" });
    expect(parsed.url).toBe(`https://github.com/acme/payments/blob/${sha}/catalog-info.yaml`);
    expect(parseLocationTarget("https://github.com/acme/payments/blob/v1.2.3/a.yaml").ref).toBe("v1.2.3");
  });

  it("decodes percent-encoding, with %2F for a branch that has a slash", () => {
    const parsed = parseLocationTarget("https://github.com/acme/payments/blob/release%2F1.0/docs/my%20file.yaml");
    expect(parsed).toMatchObject({ ref: "release/1.0", path: "docs/my file.yaml" });
    expect(parsed.url).toBe("https://github.com/acme/payments/blob/release%2F1.0/docs/my%20file.yaml");
  });

  it("accepts www.github.com and normalises it", () => {
    expect(parseLocationTarget("https://www.github.com/acme/payments/blob/main/a.yaml").url).toBe(
      "https://github.com/acme/payments/blob/main/a.yaml",
    );
  });

  it("accepts the configured GitHub Enterprise (or stand-in) web address only", () => {
    const options = { githubWebUrl: "https://ghe.example.com/" };
    expect(parseLocationTarget("https://ghe.example.com/team/svc/blob/main/catalog-info.yaml", options)).toMatchObject({
      host: "github",
      owner: "team",
      url: "https://ghe.example.com/team/svc/blob/main/catalog-info.yaml",
    });
    expect(rejection("https://github.com/acme/payments/blob/main/a.yaml", options)).toContain("https://ghe.example.com");
    expect(parseLocationTarget("http://127.0.0.1:4010/a/b/blob/main/x.yaml", { githubWebUrl: "http://127.0.0.1:4010" }).host).toBe(
      "github",
    );
  });

  it("rejects other hosts, directories and malformed shapes", () => {
    expect(rejection("https://gitlab.com/acme/payments/blob/main/a.yaml")).toMatch(/reads GitHub files from https:\/\/github.com/);
    expect(rejection("http://github.com/acme/payments/blob/main/a.yaml")).toMatch(/https:\/\/github.com/);
    expect(rejection("https://github.com/acme/payments/tree/main/services")).toMatch(/directory \(\/tree\/\)/);
    expect(rejection("https://github.com/acme/payments")).toMatch(/must look like/);
    expect(rejection("https://github.com/acme/payments/blob/main")).toMatch(/must name a file/);
    expect(rejection("https://github.com/acme/payments/blob/main/")).toMatch(/must name a file/);
    expect(rejection("https://github.com/acme/payments/blob//a.yaml")).toMatch(/must name a branch, tag or commit/);
  });

  it("rejects invalid owners and repository names", () => {
    expect(rejection("https://github.com/-acme/payments/blob/main/a.yaml")).toMatch(/not a valid GitHub owner/);
    expect(rejection("https://github.com/ac.me/payments/blob/main/a.yaml")).toMatch(/not a valid GitHub owner/);
    expect(rejection("https://github.com/acme/pay%20ments/blob/main/a.yaml")).toMatch(/not a valid GitHub repository/);
    expect(rejection("https://github.com/acme/a%2Fb/blob/main/a.yaml")).toMatch(/encoded "\/"/);
  });
});

describe("parseLocationTarget: local git", () => {
  it("splits the repository path at /blob/", () => {
    const url = "file:///srv/git/payments.git/blob/main/catalog-info.yaml";
    expect(parseLocationTarget(url)).toEqual({
      host: "local",
      repoPath: "/srv/git/payments.git",
      ref: "main",
      path: "catalog-info.yaml",
      url,
    });
  });

  it("accepts file://localhost/, nested paths and encoded characters", () => {
    const parsed = parseLocationTarget("file://localhost/srv/my%20repos/app/blob/v2/deploy/catalog-info.yaml");
    expect(parsed).toMatchObject({ host: "local", repoPath: "/srv/my repos/app", ref: "v2", path: "deploy/catalog-info.yaml" });
    expect(parsed.url).toBe("file:///srv/my%20repos/app/blob/v2/deploy/catalog-info.yaml");
  });

  it("rejects a host, a missing /blob/ and a missing repository path", () => {
    expect(rejection("file://server/srv/git/a.git/blob/main/x.yaml")).toMatch(/file:\/\/\/ \(three slashes/);
    expect(rejection("file:///srv/git/a.git/main/x.yaml")).toMatch(/must look like file:\/\/\//);
    expect(rejection("file:///blob/main/x.yaml")).toMatch(/must look like file:\/\/\//);
  });

  it("rejects traversal and empty segments in the repository path", () => {
    expect(rejection("file:///srv/git/../etc/a.git/blob/main/x.yaml")).toMatch(/repository path must not contain "\." or "\.\."/);
    expect(rejection("file:///srv/git/%2e%2e/a.git/blob/main/x.yaml")).toMatch(/"\.\."/);
    expect(rejection("file:///srv/./a.git/blob/main/x.yaml")).toMatch(/"\."/);
    expect(rejection("file:///srv//a.git/blob/main/x.yaml")).toMatch(/empty segments/);
  });
});

describe("parseLocationTarget: rejections shared by both hosts", () => {
  const both = ["https://github.com/acme/payments/blob/", "file:///srv/git/a.git/blob/"];

  it("refuses empty, overlong and non-URL input", () => {
    expect(rejection("")).toMatch(/^Enter a location/);
    expect(rejection("   ")).toMatch(/^Enter a location/);
    expect(rejection(`https://github.com/a/b/blob/main/${"x".repeat(2100)}`)).toMatch(/too long/);
    expect(rejection("catalog-info.yaml")).toMatch(/must be a GitHub file URL/);
    expect(rejection("ssh://git@github.com/acme/payments.git")).toMatch(/"ssh:\/\/" are not supported/);
  });

  it.each(both)("refuses path traversal (%s)", (prefix) => {
    expect(rejection(`${prefix}main/../secrets.yaml`)).toMatch(/file path must not contain "\." or "\.\."/);
    expect(rejection(`${prefix}main/a/%2E%2E/%2e%2e/secrets.yaml`)).toMatch(/"\.\."/);
    expect(rejection(`${prefix}main/a/%2F..%2Fsecrets.yaml`)).toMatch(/encoded "\/"/);
    expect(rejection(`${prefix}main/./a.yaml`)).toMatch(/"\."/);
    expect(rejection(`${prefix}main/a%5C..%5Cb.yaml`)).toMatch(/not "\\"/);
    expect(rejection(`${prefix}main/a//b.yaml`)).toMatch(/empty segments/);
  });

  it.each(both)("refuses refs git would not accept or could mistake for options (%s)", (prefix) => {
    expect(rejection(`${prefix}-main/a.yaml`)).toMatch(/must not start with "-"/);
    expect(rejection(`${prefix}--upload-pack=x/a.yaml`)).toMatch(/must not start with "-"/);
    for (const ref of ["main~1", "main^", "a..b", "HEAD@%7B1%7D", "main:a", "ma%20in", "a*", "%2Fmain", "main%2F", "x.lock", ".hidden", "@"]) {
      expect(rejection(`${prefix}${ref}/a.yaml`), ref).toMatch(/not a valid branch, tag or commit name/);
    }
    expect(rejection(`${prefix}${"r".repeat(256)}/a.yaml`)).toMatch(/ref is too long/);
  });

  it.each(both)("refuses control characters, raw or encoded (%s)", (prefix) => {
    expect(rejection(`${prefix}main/a\nb.yaml`)).toMatch(/control characters/);
    expect(rejection(`${prefix}main/a\tb.yaml`)).toMatch(/control characters/);
    expect(rejection(`${prefix}main/a%0Ab.yaml`)).toMatch(/control characters/);
    expect(rejection(`${prefix}main/a%00b.yaml`)).toMatch(/control characters/);
    expect(rejection(`${prefix}ma%1Bin/a.yaml`)).toMatch(/control characters/);
    expect(rejection(`${prefix}main/evil\u202Elmay.yaml`)).toMatch(/control characters/);
  });

  it.each(both)("refuses broken percent-encoding (%s)", (prefix) => {
    expect(rejection(`${prefix}main/100%.yaml`)).toMatch(/invalid percent-encoding/);
    expect(rejection(`${prefix}main/%E0%A4%A.yaml`)).toMatch(/invalid percent-encoding/);
  });
});

describe("formatLocationTarget", () => {
  it("is the inverse of parseLocationTarget for both hosts", () => {
    for (const url of [
      "https://github.com/acme/payments/blob/main/services/api/catalog-info.yaml",
      "https://github.com/acme/payments/blob/release%2F1.0/my%20file.yaml",
      "file:///srv/git/payments.git/blob/v1.0.0/catalog-info.yaml",
    ]) {
      const parsed = parseLocationTarget(url);
      expect(formatLocationTarget(parsed)).toBe(url);
      expect(parseLocationTarget(formatLocationTarget(parsed))).toEqual(parsed);
    }
  });

  it("formats parts for a configured GitHub web address", () => {
    expect(
      formatLocationTarget(
        { host: "github", owner: "team", repo: "svc", ref: "main", path: "catalog-info.yaml" },
        { githubWebUrl: "https://ghe.example.com" },
      ),
    ).toBe("https://ghe.example.com/team/svc/blob/main/catalog-info.yaml");
  });

  it("validates the parts it is given", () => {
    const github = { host: "github", owner: "acme", repo: "payments", ref: "main", path: "a.yaml" } as const;
    expect(() => formatLocationTarget({ ...github, path: "../a.yaml" })).toThrow(GitLocationError);
    expect(() => formatLocationTarget({ ...github, ref: "-x" })).toThrow(GitLocationError);
    expect(() => formatLocationTarget({ ...github, owner: "a/b" })).toThrow(GitLocationError);
    expect(() => formatLocationTarget({ host: "local", repoPath: "relative/repo", ref: "main", path: "a.yaml" })).toThrow(
      /absolute repository path/,
    );
    expect(() => formatLocationTarget({ host: "local", repoPath: "/srv/blob/repo", ref: "main", path: "a.yaml" })).toThrow(
      /named "blob"/,
    );
  });
});

describe("getLocationViewUrl", () => {
  it("links to GitHub's web page for the file, with the branch written as GitHub does", () => {
    const target = parseLocationTarget("https://github.com/acme/payments/blob/release%2F1.0/docs/catalog-info.yaml");
    expect(getLocationViewUrl(target)).toBe("https://github.com/acme/payments/blob/release/1.0/docs/catalog-info.yaml");
    const ghe = parseLocationTarget("https://ghe.example.com/team/svc/blob/main/a.yaml", { githubWebUrl: "https://ghe.example.com" });
    expect(getLocationViewUrl(ghe)).toBe("https://ghe.example.com/team/svc/blob/main/a.yaml");
  });

  it("gives the file:// URL for local git", () => {
    const target = parseLocationTarget("file:///srv/git/a.git/blob/main/catalog-info.yaml");
    expect(getLocationViewUrl(target)).toBe("file:///srv/git/a.git/blob/main/catalog-info.yaml");
  });
});

describe("getGitHubWebUrl", () => {
  it("maps API base URLs to web addresses", () => {
    expect(getGitHubWebUrl(undefined)).toBe("https://github.com");
    expect(getGitHubWebUrl("https://api.github.com")).toBe("https://github.com");
    expect(getGitHubWebUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com");
    expect(getGitHubWebUrl("http://127.0.0.1:4010")).toBe("http://127.0.0.1:4010");
  });
});
