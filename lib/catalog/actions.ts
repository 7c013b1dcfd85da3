"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { defineAction } from "@/lib/action";
import { componentFormSchema, entityKeySchema, importYamlSchema, locationIdSchema, locationSchema, templateSourceSchema } from "@/lib/catalog/schemas";
import { addLocation, deleteEntity, deleteLocation, importCatalogYaml, refreshLocation, saveComponent, setTemplateSource } from "@/lib/catalog/mutations";
import { AppError } from "@/lib/errors";
import { entityHrefFromKey } from "@/lib/catalog/paths";

export const importYamlAction = defineAction({
  name: "catalog.import-yaml",
  role: "platform",
  schema: importYamlSchema,
  async run({ yaml }, { user }) {
    const summary = await importCatalogYaml(user, yaml);
    revalidatePath("/catalog", "layout");
    return { created: summary.created, updated: summary.updated };
  },
});

export const addLocationAction = defineAction({
  name: "catalog.add-location",
  role: "platform",
  schema: locationSchema,
  async run({ target, templateSource }, { user }) {
    const { summary } = await addLocation(user, target, { templateSource });
    revalidatePath("/catalog", "layout");
    return { created: summary.created, updated: summary.updated };
  },
});

export const refreshLocationAction = defineAction({
  name: "catalog.refresh-location",
  role: "platform",
  schema: locationIdSchema,
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
  async run({ locationId, enabled }, { user }) {
    await setTemplateSource(user, locationId, enabled);
    revalidatePath("/catalog/locations");
    revalidatePath("/create");
    return { enabled };
  },
});

export const deleteLocationAction = defineAction({
  name: "catalog.delete-location",
  role: "platform",
  schema: locationIdSchema,
  async run({ locationId }, { user }) {
    const result = await deleteLocation(user, locationId);
    revalidatePath("/catalog", "layout");
    return result;
  },
});

// Members may call these: the mutation checks ownership of the entity itself.
export const saveComponentAction = defineAction({
  name: "catalog.save-component",
  role: "member",
  schema: componentFormSchema,
  async run(input, { user }) {
    const { key } = await saveComponent(user, input);
    revalidatePath("/catalog", "layout");
    redirect(entityHrefFromKey(key));
  },
});

export const deleteEntityAction = defineAction({
  name: "catalog.delete-entity",
  role: "member",
  schema: entityKeySchema,
  async run({ key }, { user }) {
    await deleteEntity(user, key);
    revalidatePath("/catalog", "layout");
    redirect("/catalog");
  },
});
