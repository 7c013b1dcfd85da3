import { beforeAll, describe, expect, it } from "vitest";
import { importCatalogYaml } from "@/lib/catalog/mutations";
import { resolveFlagOwner } from "@/lib/flags/ownership";
import { findFlagOwnerCandidates, listFlagServices } from "@/lib/flags/projects";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const component = (name: string, namespace: string, owner: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  annotations:\n    unleash.io/project-id: default\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;

describe("the services a flag could belong to", () => {
  beforeAll(async () => {
    await resetDatabase();
    await importCatalogYaml(await createUser({ role: "platform" }), [component("checkout", "default", "team-a"), component("Checkout", "shop", "team-b")].join("---\n"));
  });

  it("finds the same candidates, whatever their case or namespace, as the pages use, so both decide alike", async () => {
    const candidates = await findFlagOwnerCandidates("checkout.x", []);
    expect(candidates.map((c) => c.key).sort()).toEqual(["component:default/checkout", "component:shop/checkout"]);
    const fromPage = resolveFlagOwner({ name: "checkout.x" }, "default", await listFlagServices());
    const fromServer = resolveFlagOwner({ name: "checkout.x" }, "default", candidates);
    expect(fromServer).toEqual(fromPage);
    expect(fromServer).toMatchObject({ service: null, reason: "ambiguous" });
  });
});
