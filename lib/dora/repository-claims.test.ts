import { mkdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { addLocation, importCatalogYaml } from "@/lib/catalog/mutations";
import { findServiceForRepository, repositoryClaims } from "@/lib/dora/github";
import { createLocalRepo } from "@/lib/git/local";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const component = (name: string, slug: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    github.com/project-slug: ${slug}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe("which entity a repository's delivery events belong to", () => {
  beforeAll(async () => {
    await resetDatabase();
    const pat = await createUser({ role: "platform" });
    // The real owner: its catalog file lives in acme/payments itself (the embedded git host's <root>/acme/payments.git).
    const root = path.resolve(process.env.PAVE_GIT_ROOT!);
    mkdirSync(path.join(root, "acme"), { recursive: true });
    const repo = path.join(root, "acme", `payments.git`);
    await createLocalRepo(repo, { "catalog-info.yaml": component("payments", "acme/payments") });
    await addLocation(pat, `file://${repo}/blob/main/catalog-info.yaml`);
    // Someone else's file claims the same repository, under a name that sorts first.
    await importCatalogYaml(pat, component("aaa-claims-payments", "Acme/Payments"));
  });

  it("goes to the entity whose catalog file lives in that repository, whatever other files claim", async () => {
    expect(await findServiceForRepository("acme/payments")).toBe("component:default/payments");
    expect(await repositoryClaims("ACME/payments")).toEqual([
      { key: "component:default/payments", inRepository: true },
      { key: "component:default/aaa-claims-payments", inRepository: false },
    ]);
  });

  it("is not pushed out by a file full of claims under names that sort first", async () => {
    const pat = await createUser({ role: "platform" });
    const flood = Array.from({ length: 60 }, (_, i) => component(`a${String(i).padStart(2, "0")}-claims`, "acme/payments")).join("---\n");
    await importCatalogYaml(pat, flood);
    expect(await findServiceForRepository("acme/payments")).toBe("component:default/payments");
  });

  it("still goes to the one claimant when its file lives elsewhere (a monorepo catalog)", async () => {
    const pat = await createUser({ role: "platform" });
    await importCatalogYaml(pat, component("orders", "acme/orders"));
    expect(await findServiceForRepository("acme/orders")).toBe("component:default/orders");
    expect(await findServiceForRepository("acme/nothing")).toBeNull();
  });
});
