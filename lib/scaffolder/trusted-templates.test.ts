import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { importCatalogYaml } from "@/lib/catalog/mutations";
import { createLocalRepo } from "@/lib/git/local";
import { stopJobs } from "@/lib/jobs/queue";
import { dryRunTemplate, executeRun, ParameterError, startRun } from "@/lib/scaffolder/runs";
import { getRunView, listPickerOptions } from "@/lib/scaffolder/queries";
import { loadTemplate } from "@/lib/scaffolder/templates";
import { createUser, registerTemplateSource } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

// A private repository Pave can read that nobody registered, and a template that tries to
// register it, once on its own and once after publishing its own repository.
const groups = ["team-checkout", "team-payments"]
  .map((name) => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n`)
  .join("---\n");

const registerTemplate = (name: string, withPublish: boolean, target: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: team-checkout
  type: service
  parameters:
    - properties:
        repo: { type: string }
  steps:
${
  withPublish
    ? `    - id: write
      name: Write
      action: fetch:plain
      input:
        url: ./skeleton
    - id: publish
      name: Publish
      action: publish:github
      input:
        repoUrl: github.com?owner=acme&repo=\${{ parameters.repo }}
`
    : ""
}    - id: register
      name: Register
      action: catalog:register
      input:
        catalogInfoUrl: ${target}
`;

describe("what a template may register and whose name it may use", () => {
  let privateTarget: string;
  beforeAll(async () => {
    await resetDatabase();
    const pat = await createUser({ role: "platform" });
    await importCatalogYaml(pat, groups);
    const root = path.resolve(process.env.PAVE_GIT_ROOT!);
    mkdirSync(path.join(root, "platform"), { recursive: true });
    const secretRepo = path.join(root, "platform", "private-infra.git");
    await createLocalRepo(secretRepo, {
      "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: prod-vault\n  description: private\nspec:\n  type: vault\n  owner: team-payments\n",
    });
    privateTarget = `file://${secretRepo}/blob/main/catalog-info.yaml`;
    await registerTemplateSource(registerTemplate("register-any", false, privateTarget));
    await registerTemplateSource(registerTemplate("publish-then-register-any", true, privateTarget), { "skeleton/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: mine\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-checkout\n" });
  });
  afterAll(async () => {
    await stopJobs();
  });

  it("catalog:register refuses any file but one of the repository the same run published", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    for (const template of ["catalog:default/register-any", "catalog:default/publish-then-register-any"]) {
      const preview = await dryRunTemplate(max, template, { repo: "fresh-one" });
      expect(preview.error).toMatch(/catalog:register may register only a file of the repository this run published/);
      const runId = await startRun(max, template, { repo: `fresh-${template.length}` });
      expect(await executeRun(runId)).toBe("failed");
      expect((await getRunView(runId, max))?.error).toMatch(/may register only a file of the repository this run published/);
    }
    expect(await db.location.count({ where: { target: privateTarget } })).toBe(0);
    expect(await db.entity.count({ where: { name: "prod-vault" } })).toBe(0);
  });

  it("OwnerPicker takes only a member's own teams; platform may pick any", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const answers = (owner: string, name: string) => ({ name, owner, repoUrl: `github.com?owner=acme&repo=${name}`, port: 8080, enableFlags: false, lifecycle: "experimental" });
    const error = await startRun(max, "builtin:node-microservice", answers("group:default/team-payments", "not-mine")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).fields).toEqual({ owner: "Choose one of your own teams" });
    await expect(dryRunTemplate(max, "builtin:node-microservice", answers("team-payments", "not-mine"))).rejects.toBeInstanceOf(ParameterError);
    expect(await db.scaffolderRun.count({ where: { createdById: max.id } })).toBe(0);

    const pat = await createUser({ role: "platform" });
    await expect(dryRunTemplate(pat, "builtin:node-microservice", answers("group:default/team-payments", "for-payments"))).resolves.toMatchObject({ ok: true });

    // The wizard offers a member only their teams.
    const template = (await loadTemplate("builtin:node-microservice"))!;
    expect((await listPickerOptions(template, max)).owner?.map((o) => o.value)).toEqual(["group:default/team-checkout"]);
    expect((await listPickerOptions(template, pat)).owner?.map((o) => o.value)).toEqual(["group:default/team-checkout", "group:default/team-payments"]);
  });
});
