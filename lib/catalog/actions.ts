"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineAction, type RevalidateTarget } from "@/lib/action";
import { componentFormSchema, entityKeySchema, importYamlSchema, locationIdSchema, locationSchema, templateSourceSchema } from "@/lib/catalog/schemas";
import { addLocation, deleteEntity, deleteLocation, importCatalogYaml, refreshLocation, saveComponent, setTemplateSource } from "@/lib/catalog/mutations";
import { AppError } from "@/lib/errors";
import { entityHrefFromKey } from "@/lib/catalog/paths";

// Every catalog page (list, entity pages, locations) may show what changed.
const CATALOG: RevalidateTarget = { path: "/catalog", type: "layout" };

export const importYamlAction = defineAction({
  name: "catalog.import-yaml",
  role: "platform",
  schema: importYamlSchema,
  revalidate: [CATALOG],
  async run({ yaml }, { user }) {
    const summary = await importCatalogYaml(user, yaml);
    return { created: summary.created, updated: summary.updated };
  },
});

export const addLocationAction = defineAction({
  name: "catalog.add-location",
  role: "platform",
  schema: locationSchema,
  revalidate: [CATALOG],
  async run({ target, templateSource }, { user }) {
    const { summary } = await addLocation(user, target, { templateSource });
    return { created: summary.created, updated: summary.updated };
  },
});

export const refreshLocationAction = defineAction({
  name: "catalog.refresh-location",
  role: "platform",
  schema: locationIdSchema,
  // Not the revalidate option: a failed refresh is recorded on the location and its
  // entities too, so the pages must show it although the action fails.
  async run({ locationId }, { user }) {
    const result = await refreshLocation(locationId, user);
    revalidatePath("/catalog", "layout");
    if (!result.ok) throw new AppError("UNAVAILABLE", `The refresh failed: ${result.error}`);
    return { created: result.summary!.created.length, updated: result.summary!.updated.length, deleted: result.summary!.deleted.length };
  },
});

export const setTemplateSourceAction = defineAction({
  name: "catalog.template-source",
  role: "platform",
  schema: templateSourceSchema,
  revalidate: ["/catalog/locations", "/create"],
  async run({ locationId, enabled }, { user }) {
    await setTemplateSource(user, locationId, enabled);
    return { enabled };
  },
});

export const deleteLocationAction = defineAction({
  name: "catalog.delete-location",
  role: "platform",
  schema: locationIdSchema,
  revalidate: [CATALOG],
  async run({ locationId }, { user }) {
    return deleteLocation(user, locationId);
  },
});

// Members may call these: the mutation checks ownership of the entity itself.
export const saveComponentAction = defineAction({
  name: "catalog.save-component",
  role: "member",
  schema: componentFormSchema,
  revalidate: [CATALOG],
  async run(input, { user }) {
    const { key } = await saveComponent(user, input);
    redirect(entityHrefFromKey(key));
  },
});

export const deleteEntityAction = defineAction({
  name: "catalog.delete-entity",
  role: "member",
  schema: entityKeySchema,
  revalidate: [CATALOG],
  async run({ key }, { user }) {
    await deleteEntity(user, key);
    redirect("/catalog");
  },
});
