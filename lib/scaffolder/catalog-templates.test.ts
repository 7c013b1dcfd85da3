import { mkdirSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { addLocation, setTemplateSource } from "@/lib/catalog/mutations";
import { CatalogImportError } from "@/lib/catalog/store";
import { createLocalRepo } from "@/lib/git/local";
import { dryRunTemplate, startRun } from "@/lib/scaffolder/runs";
import { listTemplates } from "@/lib/scaffolder/templates";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const template = (name: string, url: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
  title: Hello ${name}
spec:
  type: documentation
  parameters:
    - title: Basics
      required: [name]
      properties:
        name: { type: string }
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ${url}
        values:
          name: \${{ parameters.name }}
`;

// A valid template except that one 20 KB anchor is referenced 99 times in a step's input: 2 MB once expanded.
const aliasBombTemplate = `${template("bomb", "./skeleton")}        blob: &blob "${"z".repeat(20_000)}"
        copies: [${Array(99).fill("*blob").join(", ")}]
`;
// The nested shape: 27 copies of a 12 KB leaf, within yaml's own alias count.
const nestedBombTemplate = `${template("laughs", "./skeleton")}        l0: &l0 "${"z".repeat(12_000)}"
        l1: &l1 [*l0, *l0, *l0]
        l2: &l2 [*l1, *l1, *l1]
        l3: [*l2, *l2, *l2]
`;

describe("templates registered from the catalog", () => {
  let repo: string;
  beforeAll(async () => {
    await resetDatabase();
    mkdirSync(process.env.PAVE_GIT_ROOT!, { recursive: true });
    repo = path.join(process.env.PAVE_GIT_ROOT!, `templates-${randomUUID().slice(0, 8)}.git`);
    await createLocalRepo(repo, {
      "templates/hello/template.yaml": template("hello", "./skeleton"),
      "templates/hello/skeleton/README.md": "# ${{ values.name }}\n",
      "templates/hello/skeleton/docs/index.md": "Docs for ${{ values.name | upper }}\n",
      "templates/escape/template.yaml": template("escape", "../../secrets"),
      "secrets/key.txt": "do not read",
      "templates/bomb/template.yaml": aliasBombTemplate,
      "templates/laughs/template.yaml": nestedBombTemplate,
      "templates/unvetted/template.yaml": template("unvetted", "./skeleton"),
      "templates/unvetted/skeleton/README.md": "# ${{ values.name }}\n",
    });
    const pat = await createUser({ role: "platform" });
    await addLocation(pat, `file://${repo}/blob/main/templates/hello/template.yaml`, { templateSource: true });
    await addLocation(pat, `file://${repo}/blob/main/templates/escape/template.yaml`, { templateSource: true });
  });

  it("are offered only from locations a platform user marked as template sources", async () => {
    const pat = await createUser({ role: "platform" });
    const max = await createUser();
    const { locationId } = await addLocation(pat, `file://${repo}/blob/main/templates/unvetted/template.yaml`);
    // In the catalog, but neither in the gallery nor runnable by its id.
    expect(await db.entity.count({ where: { key: "template:default/unvetted" } })).toBe(1);
    expect((await listTemplates()).map((t) => t.id)).not.toContain("catalog:default/unvetted");
    await expect(dryRunTemplate(max, "catalog:default/unvetted", { name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(startRun(max, "catalog:default/unvetted", { name: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await db.scaffolderRun.count({ where: { templateId: "catalog:default/unvetted" } })).toBe(0);

    // Only platform may mark a location; the change is audited.
    await expect(setTemplateSource({ ...max, groups: [] }, locationId, true)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await setTemplateSource(pat, locationId, true);
    expect((await listTemplates()).map((t) => t.id)).toContain("catalog:default/unvetted");
    expect(await db.auditEvent.count({ where: { action: "catalog.location.template_source", targetId: locationId } })).toBe(1);
    await setTemplateSource(pat, locationId, false);
    expect((await listTemplates()).map((t) => t.id)).not.toContain("catalog:default/unvetted");
  });

  it("appear in the gallery and render their skeleton from the location's repository", async () => {
    expect((await listTemplates()).map((t) => t.id)).toEqual(expect.arrayContaining(["catalog:default/hello", "builtin:node-microservice"]));
    const max = await createUser();
    const preview = await dryRunTemplate(max, "catalog:default/hello", { name: "world" });
    expect(preview.error).toBeUndefined();
    expect(Object.fromEntries(preview.files.map((f) => [f.path, f.content]))).toEqual({
      "README.md": "# world\n",
      "docs/index.md": "Docs for WORLD\n",
    });
  });

  // Registering the template's location must fail with the size error, leaving no location and no entity behind.
  async function expectRefused(name: string) {
    const pat = await createUser({ role: "platform" });
    const target = `file://${repo}/blob/main/templates/${name}/template.yaml`;
    const error = await addLocation(pat, target).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CatalogImportError);
    expect((error as CatalogImportError).documents).toEqual([
      {
        document: 1,
        field: "(document)",
        message: "document 1 is over 256 KiB once its YAML aliases are expanded; an entity may be at most 256 KiB (PAVE_CATALOG_MAX_ENTITY_BYTES)",
      },
    ]);
    expect(await db.location.findUnique({ where: { target }, select: { id: true } })).toBeNull();
    expect(await db.entity.findUnique({ where: { key: `template:default/${name}` }, select: { id: true } })).toBeNull();
    expect((await listTemplates()).map((t) => t.id)).not.toContain(`catalog:default/${name}`);
  }

  it("refuses a template whose one anchor, referenced 99 times, expands past the entity limit", async () => {
    await expectRefused("bomb");
  });

  it("refuses a template with the nested billion-laughs shape", async () => {
    await expectRefused("laughs");
  });

  it("cannot reach outside the template's folder", async () => {
    const max = await createUser();
    const preview = await dryRunTemplate(max, "catalog:default/escape", { name: "x" });
    expect(preview.error).toMatch(/must point inside the template's folder/);
    expect(preview.files).toEqual([]);
  });
});
