import { describe, expect, it } from "vitest";
import { parseTreeUrl, resolveDocsSource, type SourceConfig, type SourceEntity } from "@/lib/docs/source";

const withToken: SourceConfig = { githubWebUrl: "https://github.com", hasGitHubToken: true, gitRoot: "/srv/git" };
const noToken: SourceConfig = { ...withToken, hasGitHubToken: false };

const entity = (annotations: Record<string, string>, extra: Partial<SourceEntity> = {}): SourceEntity => ({
  kind: "Component",
  metadata: { name: "checkout", annotations },
  sourceType: "upload",
  locationTarget: null,
  ...extra,
});

function ok(entityInput: SourceEntity, config = withToken) {
  const result = resolveDocsSource(entityInput, config);
  if (result.status !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.source;
}

function invalid(entityInput: SourceEntity, config = withToken): string {
  const result = resolveDocsSource(entityInput, config);
  if (result.status !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
  return result.error;
}

describe("parseTreeUrl", () => {
  it("reads GitHub tree and blob URLs, a bare repository, and a ref with an encoded slash", () => {
    expect(parseTreeUrl("https://github.com/acme/checkout/tree/main/services/api", withToken)).toMatchObject({
      repo: { host: "github", owner: "acme", repo: "checkout" },
      ref: "main",
      dir: "services/api",
      url: "https://github.com/acme/checkout/tree/main/services/api",
      webRepoUrl: "https://github.com/acme/checkout",
    });
    expect(parseTreeUrl("https://github.com/acme/checkout/blob/v1.2/docs/", withToken)).toMatchObject({ ref: "v1.2", dir: "docs" });
    expect(parseTreeUrl("https://github.com/acme/checkout/tree/main/", withToken)).toMatchObject({ ref: "main", dir: "", url: "https://github.com/acme/checkout/tree/main" });
    expect(parseTreeUrl("https://github.com/acme/checkout", withToken)).toMatchObject({ ref: "HEAD", dir: "", url: "https://github.com/acme/checkout" });
    expect(parseTreeUrl("https://github.com/acme/checkout/tree/release%2F1.0/docs", withToken)).toMatchObject({ ref: "release/1.0", dir: "docs" });
  });

  it("reads local file:/// URLs", () => {
    expect(parseTreeUrl("file:///srv/git/acme/checkout.git/tree/main/docs", withToken)).toEqual({
      repo: { host: "local", repoPath: "/srv/git/acme/checkout.git" },
      ref: "main",
      dir: "docs",
      url: "file:///srv/git/acme/checkout.git/tree/main/docs",
    });
    expect(parseTreeUrl("file:///srv/git/acme/checkout.git", withToken)).toMatchObject({ ref: "HEAD", dir: "" });
  });

  it("reads GitHub from the local git root when there is no token", () => {
    expect(parseTreeUrl("https://github.com/acme/checkout/tree/main/docs", noToken)).toEqual({
      repo: { host: "local", repoPath: "/srv/git/acme/checkout.git" },
      ref: "main",
      dir: "docs",
      url: "https://github.com/acme/checkout/tree/main/docs",
      webRepoUrl: "https://github.com/acme/checkout",
      mirrorOf: "acme/checkout",
    });
  });

  it("refuses other hosts, other GitHubs, bad names, dot segments and bad refs", () => {
    expect(() => parseTreeUrl("https://gitlab.com/acme/checkout/tree/main", withToken)).toThrow(/reads GitHub repositories from https:\/\/github.com/);
    expect(() => parseTreeUrl("https://github.example.com/acme/x/tree/main", withToken)).toThrow(/not from https:\/\/github.example.com/);
    expect(parseTreeUrl("https://github.example.com/acme/x/tree/main", { ...withToken, githubWebUrl: "https://github.example.com" }).ref).toBe("main");
    expect(() => parseTreeUrl("ftp://github.com/acme/x", withToken)).toThrow(/not supported/);
    expect(() => parseTreeUrl("https://github.com/acme/x/commits/main", withToken)).toThrow(/folder URL/);
    expect(() => parseTreeUrl("https://github.com/-acme/x/tree/main", withToken)).toThrow(/GitHub repository/);
    expect(() => parseTreeUrl("https://github.com/acme/x/tree/main/../../etc", withToken)).toThrow(/"\.\."/);
    expect(() => parseTreeUrl("https://github.com/acme/x/tree/main/a%2F..%2F..", withToken)).toThrow();
    expect(() => parseTreeUrl("https://github.com/acme/x/tree/-rf/docs", withToken)).toThrow(/not a valid branch/);
    expect(() => parseTreeUrl("https://github.com/acme/x/tree/a..b", withToken)).toThrow(/not a valid branch/);
    expect(() => parseTreeUrl("file:///srv/../etc/tree/main", withToken)).toThrow(/local repository/);
    expect(() => parseTreeUrl("file://server/share/repo.git", withToken)).toThrow(/three slashes/);
    expect(() => parseTreeUrl("https://github.com/acme/x/tree/main/docs\nfoo", withToken)).toThrow();
  });
});

describe("resolveDocsSource", () => {
  it("has nothing for an entity without annotations that was not read from a location", () => {
    expect(resolveDocsSource(entity({}), withToken)).toEqual({ status: "none" });
  });

  it("uses source-location for the repository, and techdocs-ref dir: relative to it", () => {
    const source = ok(
      entity({ "backstage.io/source-location": "url:https://github.com/acme/mono/tree/main/services/checkout/", "backstage.io/techdocs-ref": "dir:./handbook" }),
    );
    expect(source.repo).toMatchObject({ repo: { host: "github", owner: "acme", repo: "mono" }, ref: "main", dir: "services/checkout" });
    expect(source.docs).toMatchObject({ ref: "main", dir: "services/checkout/handbook", url: "https://github.com/acme/mono/tree/main/services/checkout/handbook" });
    expect(source.annotated).toBe(true);
    expect(ok(entity({ "backstage.io/source-location": "url:https://github.com/acme/mono/tree/main/services/checkout", "backstage.io/techdocs-ref": "dir:." })).docs.dir).toBe(
      "services/checkout",
    );
    // ".." may move within the repository…
    expect(ok(entity({ "backstage.io/source-location": "url:https://github.com/acme/mono/tree/main/services/checkout", "backstage.io/techdocs-ref": "dir:../../docs" })).docs.dir).toBe(
      "docs",
    );
  });

  it("refuses dir: that leaves the repository or is absolute", () => {
    const base = { "backstage.io/source-location": "url:https://github.com/acme/mono/tree/main/services" };
    expect(invalid(entity({ ...base, "backstage.io/techdocs-ref": "dir:../.." }))).toMatch(/outside the repository/);
    expect(invalid(entity({ ...base, "backstage.io/techdocs-ref": "dir:/etc" }))).toMatch(/relative folder/);
  });

  it("without source-location, takes the repository and dir: base from the entity's location", () => {
    const fromLocation = entity(
      { "backstage.io/techdocs-ref": "dir:." },
      { sourceType: "location", locationTarget: "https://github.com/acme/checkout/blob/main/services/api/catalog-info.yaml" },
    );
    const source = ok(fromLocation);
    expect(source.repo).toMatchObject({ repo: { host: "github", owner: "acme", repo: "checkout" }, ref: "main", dir: "services/api" });
    expect(source.docs.dir).toBe("services/api");

    const local = ok(entity({}, { sourceType: "location", locationTarget: "file:///srv/git/checkout.git/blob/main/catalog-info.yaml" }));
    expect(local).toMatchObject({ repo: { repo: { host: "local", repoPath: "/srv/git/checkout.git" }, ref: "main", dir: "" }, annotated: false });
    expect(local.docs).toBe(local.repo);
  });

  it("does not give people and groups their catalog file's repository", () => {
    const group = entity({}, { kind: "Group", sourceType: "location", locationTarget: "file:///srv/git/org.git/blob/main/org.yaml" });
    expect(resolveDocsSource(group, withToken)).toEqual({ status: "none" });
  });

  it("takes techdocs-ref url: directly, also as the repository when nothing else names one", () => {
    const source = ok(entity({ "backstage.io/techdocs-ref": "url:https://github.com/acme/handbook/tree/main/docs" }));
    expect(source.docs).toMatchObject({ repo: { owner: "acme", repo: "handbook" }, dir: "docs" });
    expect(source.repo).toBe(source.docs);
    const both = ok(entity({ "backstage.io/source-location": "url:https://github.com/acme/checkout/tree/main/", "backstage.io/techdocs-ref": "url:https://github.com/acme/handbook/tree/main/docs" }));
    expect(both.repo.repo).toMatchObject({ repo: "checkout" });
    expect(both.docs.repo).toMatchObject({ repo: "handbook" });
  });

  it("explains a techdocs-ref it cannot use", () => {
    expect(invalid(entity({ "backstage.io/techdocs-ref": "dir:." }))).toMatch(/has neither/);
    expect(invalid(entity({ "backstage.io/techdocs-ref": "docs" }))).toMatch(/must be dir:<folder> or url:<folder URL>/);
    const bad = resolveDocsSource(entity({ "backstage.io/source-location": "url:https://bitbucket.org/acme/x/src/main" }), withToken);
    expect(bad).toMatchObject({ status: "invalid", sourceUrl: "https://bitbucket.org/acme/x/src/main" });
  });

  it("maps GitHub to the local git root without a token, for the location too", () => {
    const source = ok(entity({}, { sourceType: "location", locationTarget: "https://github.com/acme/checkout/blob/main/catalog-info.yaml" }), noToken);
    expect(source.repo).toMatchObject({ repo: { host: "local", repoPath: "/srv/git/acme/checkout.git" }, mirrorOf: "acme/checkout", url: "https://github.com/acme/checkout/tree/main" });
  });
});

describe("resolveDocsSource for an entity read from a location", () => {
  const fromLocation = (annotations: Record<string, string>, locationTarget = "file:///srv/git/acme/catalog.git/blob/main/catalog-info.yaml") =>
    entity(annotations, { sourceType: "location", locationTarget });

  it("reads the organisation's own repositories (the demo: a local catalog, GitHub source locations)", () => {
    const annotations = { "backstage.io/source-location": "url:https://github.com/acme/checkout/tree/main/", "backstage.io/techdocs-ref": "dir:." };
    expect(ok(fromLocation(annotations), noToken).repo).toMatchObject({ mirrorOf: "acme/checkout" });
    expect(ok(fromLocation(annotations), withToken).repo.repo).toMatchObject({ host: "github", owner: "acme", repo: "checkout" });
    // GitHub owners compare case-insensitively.
    const github = "https://github.com/ACME/catalog/blob/main/catalog-info.yaml";
    expect(ok(fromLocation({ "backstage.io/techdocs-ref": "url:https://github.com/acme/handbook/tree/main/docs" }, github)).docs.dir).toBe("docs");
    expect(ok(fromLocation({ "backstage.io/techdocs-ref": "url:file:///srv/git/acme/handbook.git/tree/main/docs" })).docs.repo).toEqual({
      host: "local",
      repoPath: "/srv/git/acme/handbook.git",
    });
  });

  it("refuses docs or source in another owner's repository, saying whose repositories are allowed", () => {
    const docs = resolveDocsSource(fromLocation({ "backstage.io/techdocs-ref": "url:https://github.com/other-org/secrets/tree/main/docs" }), withToken);
    expect(docs).toEqual({
      status: "invalid",
      error:
        "Docs are read only from repositories of acme, the organisation of this entity's catalog file; backstage.io/techdocs-ref points to other-org/secrets.",
      sourceUrl: "https://github.com/other-org/secrets/tree/main/docs",
      outsideOwner: true,
    });
    const mirrored = invalid(fromLocation({ "backstage.io/techdocs-ref": "url:https://github.com/other-org/secrets" }), noToken);
    expect(mirrored).toMatch(/techdocs-ref points to other-org\/secrets\.$/);
    const source = invalid(fromLocation({ "backstage.io/source-location": "url:https://github.com/other-org/secrets/tree/main/", "backstage.io/techdocs-ref": "dir:." }));
    expect(source).toBe(
      "Docs are read only from repositories of acme, the organisation of this entity's catalog file; backstage.io/source-location points to other-org/secrets.",
    );
    // A GitHub catalog file names its owner too.
    const github = "https://github.com/acme/catalog/blob/main/catalog-info.yaml";
    expect(invalid(fromLocation({ "backstage.io/source-location": "url:https://github.com/evil/x/tree/main/" }, github))).toMatch(/repositories of acme,.*points to evil\/x\./);
    // Local repositories: the first folder under PAVE_GIT_ROOT is the owner; paths outside it are never shown.
    expect(invalid(fromLocation({ "backstage.io/techdocs-ref": "url:file:///srv/git/other/private.git/tree/main" }))).toMatch(/points to other\/private\.git\.$/);
    expect(invalid(fromLocation({ "backstage.io/techdocs-ref": "url:file:///etc/private.git/tree/main" }))).toMatch(/points to a repository outside PAVE_GIT_ROOT\.$/);
    // Folders on this machine are what they are spelt.
    expect(invalid(fromLocation({ "backstage.io/techdocs-ref": "url:https://github.com/ACME/x" }), noToken)).toMatch(/points to ACME\/x\.$/);
  });

  it("lets a repository directly under the root use only itself", () => {
    const target = "file:///srv/git/catalog.git/blob/main/catalog-info.yaml";
    expect(ok(fromLocation({ "backstage.io/techdocs-ref": "dir:./docs" }, target)).docs.dir).toBe("docs");
    expect(ok(fromLocation({ "backstage.io/techdocs-ref": "url:file:///srv/git/catalog.git/tree/main/handbook" }, target)).docs.dir).toBe("handbook");
    expect(invalid(fromLocation({ "backstage.io/techdocs-ref": "url:file:///srv/git/other.git/tree/main" }, target))).toMatch(/points to other\.git\.$/);
  });

  it("does not restrict entities the platform team uploaded or created with the form", () => {
    for (const sourceType of ["upload", "form"]) {
      const source = ok(entity({ "backstage.io/techdocs-ref": "url:https://github.com/other-org/handbook/tree/main/docs" }, { sourceType }));
      expect(source.docs.repo).toMatchObject({ owner: "other-org", repo: "handbook" });
    }
  });
});
