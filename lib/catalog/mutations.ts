import "server-only";
import { db } from "@/lib/db";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { CurrentUser } from "@/lib/auth/session";
import { catalogLimitsFromEnv, parseCatalogYaml } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { toCatalogYaml } from "@/lib/catalog/export";
import { entityRefKey, parseEntityRef } from "@/lib/catalog/refs";
import { canEditEntity, canRegister, isOwnerTeamMember } from "@/lib/catalog/permissions";
import type { ComponentFormInput } from "@/lib/catalog/schemas";
import { CatalogImportError, writeEntities, type WriteSummary } from "@/lib/catalog/store";
import { hasRole } from "@/lib/auth/roles";
import { getGitReader } from "@/lib/git";
import { getEnv } from "@/lib/env";
import { queueDocsBuild, queueDocsRefresh } from "@/lib/jobs/queue";
import { SOURCE_LOCATION, TECHDOCS_REF } from "@/lib/catalog/annotations";

const summaryForAudit = (s: WriteSummary) => ({
  created: s.created.length,
  updated: s.updated.length,
  deleted: s.deleted.length,
  // A sample is enough to find the change; the full list could be thousands of refs.
  keys: [...s.created, ...s.updated].slice(0, 20),
  deletedKeys: s.deleted.slice(0, 20),
});

/** Parses catalog YAML, throwing CatalogImportError with every problem found. */
function parseOrThrow(yaml: string): CatalogEntity[] {
  const { entities, errors } = parseCatalogYaml(yaml, catalogLimitsFromEnv(getEnv()));
  if (errors.length) throw new CatalogImportError(errors);
  if (!entities.length) throw new CatalogImportError([{ document: 0, field: "(file)", message: "The file has no entities" }]);
  return entities;
}

/** Imports a pasted or uploaded catalog-info.yaml: all of it, or nothing. */
export async function importCatalogYaml(actor: CurrentUser, yaml: string): Promise<WriteSummary> {
  if (!canRegister(actor)) throw new AppError("FORBIDDEN", "Registering catalog files needs the platform role.");
  const entities = parseOrThrow(yaml);
  return db.$transaction(
    async (tx) => {
      const summary = await writeEntities(tx, entities, { type: "upload" });
      await recordAudit(tx, { actor, action: "catalog.import", target: { type: "catalog" }, data: summaryForAudit(summary) });
      return summary;
    },
    { timeout: 60_000 },
  );
}

/** Reads a location's file and parses it. Git errors are AppErrors written for users. */
async function readLocation(target: string): Promise<{ entities: CatalogEntity[]; sha: string }> {
  const reader = getGitReader();
  const file = await reader.readFile(reader.parseLocation(target));
  return { entities: parseOrThrow(file.content), sha: file.sha };
}

/**
 * Registers a location: reads it now, and imports it only if it is valid. Its templates
 * are offered in Create only when `templateSource` says so: a template's steps run with
 * Pave's git credentials, so which files may define them is the platform team's call.
 */
export async function addLocation(actor: CurrentUser, target: string, options: { templateSource?: boolean } = {}): Promise<{ locationId: string; summary: WriteSummary }> {
  if (!canRegister(actor)) throw new AppError("FORBIDDEN", "Registering locations needs the platform role.");
  const normalized = target.trim();
  if (await db.location.findUnique({ where: { target: normalized }, select: { id: true } })) {
    throw new AppError("CONFLICT", "That location is already registered. Refresh it from the Locations list.");
  }
  return createLocation(actor, normalized, options.templateSource === true);
}

/** Offers a location's templates in Create, or stops offering them. Platform only; audited. */
export async function setTemplateSource(actor: CurrentUser, locationId: string, enabled: boolean): Promise<void> {
  if (!canRegister(actor)) throw new AppError("FORBIDDEN", "Choosing template sources needs the platform role.");
  await db.$transaction(async (tx) => {
    const location = await tx.location.findUnique({ where: { id: locationId }, select: { target: true, templateSource: true } });
    if (!location) throw new AppError("NOT_FOUND", "That location no longer exists.");
    if (location.templateSource === enabled) return;
    await tx.location.update({ where: { id: locationId }, data: { templateSource: enabled } });
    await recordAudit(tx, { actor, action: "catalog.location.template_source", target: { type: "location", id: locationId }, data: { target: location.target, enabled } });
  });
}

async function createLocation(actor: AuditActor, target: string, templateSource = false): Promise<{ locationId: string; summary: WriteSummary; entities: CatalogEntity[] }> {
  const host = getGitReader().parseLocation(target).host;
  const { entities, sha } = await readLocation(target);
  return db.$transaction(
    async (tx) => {
      const location = await tx.location.create({
        data: { target, host, templateSource, createdById: actor?.id ?? null, lastRefreshedAt: new Date(), lastSha: sha },
        select: { id: true },
      });
      const summary = await writeEntities(tx, entities, { type: "location", locationId: location.id });
      await recordAudit(tx, { actor, action: "catalog.location.add", target: { type: "location", id: location.id }, data: { target, templateSource, ...summaryForAudit(summary) } });
      return { locationId: location.id, summary, entities };
    },
    { timeout: 60_000 },
  );
}

/**
 * Registers the catalog-info.yaml a template run just published, on behalf of the
 * person who ran it (templates are the paved road: no platform role needed). A retried
 * run finds its location already there and refreshes it instead of adding another.
 */
export async function registerPublishedLocation(actor: AuditActor, target: string): Promise<{ entities: CatalogEntity[] }> {
  const existing = await db.location.findUnique({ where: { target }, select: { id: true } });
  if (!existing) return createLocation(actor, target);
  const refreshed = await refreshLocation(existing.id, actor);
  if (!refreshed.ok) throw new AppError("UNAVAILABLE", refreshed.error ?? "The catalog could not read the new repository.");
  return { entities: refreshed.entities ?? [] };
}

/**
 * Re-reads a location. On success its entities are replaced and the ones it no longer
 * lists are deleted. On failure the entities keep their last good version and the
 * error is stored on the location and on each of its entities.
 */
export async function refreshLocation(
  locationId: string,
  actor: AuditActor = null,
): Promise<{ ok: boolean; summary?: WriteSummary; entities?: CatalogEntity[]; error?: string; changed?: boolean }> {
  const location = await db.location.findUnique({ where: { id: locationId }, select: { id: true, target: true, lastSha: true } });
  if (!location) throw new AppError("NOT_FOUND", "That location no longer exists.");
  try {
    const { entities, sha } = await readLocation(location.target);
    const changed = sha !== location.lastSha;
    const summary = await db.$transaction(
      async (tx) => {
        const summary = await writeEntities(tx, entities, { type: "location", locationId });
        await tx.location.update({ where: { id: locationId }, data: { lastRefreshedAt: new Date(), lastSha: sha, lastError: null } });
        if (actor || summary.created.length || summary.deleted.length || changed) {
          await recordAudit(tx, { actor, action: "catalog.location.refresh", target: { type: "location", id: locationId }, data: summaryForAudit(summary) });
        }
        return summary;
      },
      { timeout: 60_000 },
    );
    return { ok: true, summary, entities, changed };
  } catch (error) {
    const message =
      error instanceof CatalogImportError
        ? error.documents.map((d) => `document ${d.document}, ${d.field}: ${d.message}`).join("; ")
        : error instanceof AppError
          ? error.message
          : "The refresh failed unexpectedly. It has been logged.";
    if (!(error instanceof AppError)) log.error({ err: error, locationId }, "location refresh failed");
    await db.$transaction([
      db.location.update({ where: { id: locationId }, data: { lastRefreshedAt: new Date(), lastError: message } }),
      db.entity.updateMany({ where: { locationId }, data: { refreshError: message } }),
    ]);
    return { ok: false, error: message };
  }
}

/**
 * Re-reads every location, oldest first (the 5-minute job). Docs and scorecards follow the
 * catalog: a changed file sends its docs to be rebuilt (and then re-graded), and entities
 * that name their docs but were never read get a build now, not at the hourly refresh.
 */
export async function refreshAllLocations(): Promise<{ refreshed: number; failed: number; changed: number; docsQueued: number }> {
  const locations = await db.location.findMany({ select: { id: true, lastSha: true }, orderBy: { lastRefreshedAt: { sort: "asc", nulls: "first" } } });
  let failed = 0;
  let changed = 0;
  for (const { id, lastSha } of locations) {
    const result = await refreshLocation(id);
    if (!result.ok) failed += 1;
    else if (result.changed || lastSha === null) changed += 1;
  }
  if (changed > 0) await queueDocsRefresh();
  const fresh = await db.$queryRaw<{ id: string }[]>`
    SELECT e.id FROM entities e
    WHERE (e.metadata->'annotations' ? ${TECHDOCS_REF} OR e.metadata->'annotations' ? ${SOURCE_LOCATION})
      AND NOT EXISTS (SELECT 1 FROM entity_repo_facts f WHERE f.entity_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM docs_sites d WHERE d.entity_id = e.id)
    LIMIT 200`;
  for (const { id } of fresh) await queueDocsBuild(id, { singletonSeconds: 300 });
  return { refreshed: locations.length - failed, failed, changed, docsQueued: fresh.length };
}

/** Removes a location and every entity it provided. */
export async function deleteLocation(actor: CurrentUser, locationId: string): Promise<{ deleted: number }> {
  if (!canRegister(actor)) throw new AppError("FORBIDDEN", "Removing locations needs the platform role.");
  return db.$transaction(async (tx) => {
    const location = await tx.location.findUnique({ where: { id: locationId }, select: { target: true } });
    if (!location) throw new AppError("NOT_FOUND", "That location no longer exists.");
    const deleted = await tx.entity.count({ where: { locationId } });
    await tx.location.delete({ where: { id: locationId } });
    await recordAudit(tx, { actor, action: "catalog.location.delete", target: { type: "location", id: locationId }, data: { target: location.target, deletedEntities: deleted } });
    return { deleted };
  });
}

/** Deletes one entity. Entities from a location must be removed at their source instead. */
export async function deleteEntity(actor: CurrentUser, key: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const entity = await tx.entity.findUnique({ where: { key }, select: { id: true, owner: true, sourceType: true, location: { select: { target: true } } } });
    if (!entity) throw new AppError("NOT_FOUND", "That entity no longer exists.");
    if (!canEditEntity(actor, entity)) throw new AppError("FORBIDDEN", "Only its owning team, platform engineers and admins can delete this entity.");
    if (entity.sourceType === "location") {
      throw new AppError("CONFLICT", `This entity comes from ${entity.location?.target ?? "a location"}. Remove it from that file; the next refresh deletes it here.`);
    }
    await tx.entity.delete({ where: { id: entity.id } });
    await recordAudit(tx, { actor, action: "catalog.entity.delete", target: { type: "entity", id: key } });
  });
}

const refKeyOrNull = (value: string | undefined, defaultKind: string) =>
  value ? entityRefKey(parseEntityRef(value, { defaultKind, defaultNamespace: "default" })) : undefined;

/**
 * Creates or edits a Component from the form. Its owner must be one of the person's
 * teams unless they are platform or admin; an edit keeps metadata the form doesn't show.
 */
export async function saveComponent(actor: CurrentUser, input: ComponentFormInput): Promise<{ key: string; created: boolean }> {
  const ownerRef = input.owner.includes(":") || input.owner.includes("/") ? input.owner : `group:default/${input.owner}`;
  const ownerKey = refKeyOrNull(ownerRef, "group")!;
  const isPlatform = hasRole(actor.role, "platform");
  if (!isPlatform && !isOwnerTeamMember(actor, ownerKey)) {
    throw new AppError("FORBIDDEN", "You can only set one of your own teams as the owner.");
  }

  const key = entityRefKey({ kind: "Component", namespace: "default", name: input.name });
  // The permission is checked on the entity the form names and the write goes to `key`:
  // they must be one entity, or owning an API "x" (or a component in another namespace)
  // would let someone overwrite component:default/x.
  if (input.key !== undefined && input.key.toLowerCase() !== key) {
    throw new AppError(
      "INVALID",
      /^component:default\//i.test(input.key) ? "A component's name cannot change. Create a new one instead." : "Only components in the default namespace can be edited with this form.",
    );
  }

  return db.$transaction(async (tx) => {
    const existing = input.key
      ? await tx.entity.findUnique({ where: { key }, select: { key: true, kind: true, owner: true, metadata: true, spec: true, sourceType: true, name: true } })
      : null;
    if (input.key && (!existing || existing.kind !== "Component")) throw new AppError("NOT_FOUND", "That component no longer exists.");
    if (existing) {
      if (!canEditEntity(actor, existing)) throw new AppError("FORBIDDEN", "Only its owning team, platform engineers and admins can edit this component.");
      if (existing.sourceType === "location") throw new AppError("CONFLICT", "This component comes from a location. Edit its catalog-info.yaml instead.");
      if (existing.name !== input.name) throw new AppError("INVALID", "A component's name cannot change. Create a new one instead.");
    }

    const metadata = { ...((existing?.metadata as Record<string, unknown>) ?? {}) };
    Object.assign(metadata, { name: input.name, namespace: "default" });
    for (const [field, value] of [
      ["title", input.title],
      ["description", input.description],
    ] as const) {
      if (value) metadata[field] = value;
      else delete metadata[field];
    }
    if (input.tags.length) metadata.tags = input.tags;
    else delete metadata.tags;

    const spec: Record<string, unknown> = { ...((existing?.spec as Record<string, unknown>) ?? {}), type: input.type, lifecycle: input.lifecycle, owner: ownerRef };
    const optional = { system: input.system || undefined, dependsOn: input.dependsOn, providesApis: input.providesApis, consumesApis: input.consumesApis };
    for (const [field, value] of Object.entries(optional)) {
      if (value === undefined || (Array.isArray(value) && value.length === 0)) delete spec[field];
      else spec[field] = value;
    }

    const entity: CatalogEntity = { apiVersion: "backstage.io/v1alpha1", kind: "Component", metadata: metadata as CatalogEntity["metadata"], spec };
    // Validate exactly as an imported file would be, so the form can't store what an import would refuse.
    const checked = parseCatalogYaml(toCatalogYaml([entity]), catalogLimitsFromEnv(getEnv()));
    if (checked.errors.length) throw new CatalogImportError(checked.errors);

    if (!existing && (await tx.entity.findUnique({ where: { key }, select: { id: true } }))) {
      throw new AppError("CONFLICT", `A component named ${input.name} already exists.`);
    }
    await writeEntities(tx, checked.entities, { type: "form" });
    await recordAudit(tx, {
      actor,
      action: existing ? "catalog.entity.update" : "catalog.entity.create",
      target: { type: "entity", id: key },
      data: { owner: ownerKey, ...(existing && existing.owner !== ownerKey ? { previousOwner: existing.owner } : {}) },
    });
    return { key, created: !existing };
  });
}
