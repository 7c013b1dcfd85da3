import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { deleteEntity, importCatalogYaml, saveComponent } from "@/lib/catalog/mutations";
import type { ComponentFormInput } from "@/lib/catalog/schemas";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const form = (overrides: Partial<ComponentFormInput> = {}): ComponentFormInput => ({
  name: "gift-cards",
  type: "service",
  lifecycle: "experimental",
  owner: "team-checkout",
  tags: [],
  dependsOn: [],
  providesApis: [],
  consumesApis: [],
  ...overrides,
});

describe("editing the catalog by hand", () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it("lets a member create a component owned by their own team, and refuses other owners", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const { key, created } = await saveComponent(max, form({ dependsOn: ["resource:orders-db"] }));
    expect({ key, created }).toEqual({ key: "component:default/gift-cards", created: true });
    const row = await db.entity.findUniqueOrThrow({ where: { key } });
    expect(row).toMatchObject({ owner: "group:default/team-checkout", sourceType: "form", spec: { owner: "group:default/team-checkout", dependsOn: ["resource:orders-db"] } });
    expect(await db.relation.count({ where: { source: "resource:default/orders-db", type: "dependencyOf", target: key } })).toBe(1);

    await expect(saveComponent(max, form({ name: "not-mine", owner: "team-payments" }))).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.entity.count({ where: { name: "not-mine" } })).toBe(0);
  });

  it("lets the owning team and platform edit and delete, and nobody else; each change is audited", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const outsider = await createUser({ groups: ["team-search"] });
    const pat = await createUser({ role: "platform" });
    await saveComponent(max, form());

    await expect(saveComponent(outsider, form({ key: "component:default/gift-cards", owner: "team-search" }))).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteEntity(outsider, "component:default/gift-cards")).rejects.toMatchObject({ code: "FORBIDDEN" });

    await saveComponent(pat, form({ key: "component:default/gift-cards", title: "Gift cards", owner: "team-payments" }));
    const edited = await db.entity.findUniqueOrThrow({ where: { key: "component:default/gift-cards" } });
    expect(edited).toMatchObject({ title: "Gift cards", owner: "group:default/team-payments" });
    // Max's team no longer owns it.
    await expect(deleteEntity(max, "component:default/gift-cards")).rejects.toMatchObject({ code: "FORBIDDEN" });

    await deleteEntity(pat, "component:default/gift-cards");
    expect(await db.entity.count()).toBe(0);
    const actions = await db.auditEvent.findMany({ where: { targetId: "component:default/gift-cards", actorId: { in: [max.id, pat.id, outsider.id] } }, orderBy: { at: "asc" }, select: { action: true, actorId: true } });
    expect(actions).toEqual([
      { action: "catalog.entity.create", actorId: max.id },
      { action: "catalog.entity.update", actorId: pat.id },
      { action: "catalog.entity.delete", actorId: pat.id },
    ]);
  });

  it("refuses to edit or delete an entity that comes from a file, and to rename or duplicate", async () => {
    const pat = await createUser({ role: "platform" });
    await importCatalogYaml(
      pat,
      "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: from-file\nspec:\n  type: service\n  lifecycle: production\n  owner: team-checkout\n",
    );
    await saveComponent(pat, form());
    await expect(saveComponent(pat, form())).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(saveComponent(pat, form({ key: "component:default/gift-cards", name: "renamed" }))).rejects.toMatchObject({ code: "INVALID" });
    // Pasted entities are editable in Pave; only location entities are not.
    await expect(saveComponent(pat, form({ key: "component:default/from-file", name: "from-file", title: "Edited" }))).resolves.toMatchObject({ created: false });
  });

  it("refuses an edit whose checked entity is not the one written (another kind or namespace of the same name)", async () => {
    const pat = await createUser({ role: "platform" });
    await importCatalogYaml(
      pat,
      [
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments",
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: payments\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-checkout\n  definition: openapi",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n  namespace: checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: team-checkout",
      ].join("\n---\n"),
    );
    const before = await db.entity.findUniqueOrThrow({ where: { key: "component:default/payments" }, select: { owner: true, spec: true, metadata: true } });
    const max = await createUser({ groups: ["team-checkout"] });
    // Max's team owns api:default/payments and component:checkout/payments, not component:default/payments.
    for (const key of ["api:default/payments", "component:checkout/payments"]) {
      await expect(saveComponent(max, form({ key, name: "payments", title: "Taken over" }))).rejects.toMatchObject({ code: "INVALID" });
    }
    expect(await db.entity.findUniqueOrThrow({ where: { key: "component:default/payments" }, select: { owner: true, spec: true, metadata: true } })).toEqual(before);
  });
});
