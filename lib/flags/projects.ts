import "server-only";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { UNLEASH_PROJECT as UNLEASH_PROJECT_ANNOTATION } from "@/lib/catalog/annotations";
import { prefixCandidates, SERVICE_TAG_TYPE, serviceKeyOfTag, type FlagService, type FlagTag } from "@/lib/flags/ownership";

/** The Unleash project of an entity: its annotation, else PAVE_UNLEASH_DEFAULT_PROJECT, else none. */
export function flagsProjectFor(entity: { metadata: unknown }): string | null {
  const annotations = (entity.metadata as { annotations?: unknown } | null)?.annotations;
  if (annotations && typeof annotations === "object") {
    const value = (annotations as Record<string, unknown>)[UNLEASH_PROJECT_ANNOTATION];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return getEnv().PAVE_UNLEASH_DEFAULT_PROJECT ?? null;
}

type ServiceRow = { key: string; name: string; title: string; owner: string; metadata: unknown };

function withProjects(rows: ServiceRow[]): FlagService[] {
  return rows.flatMap(({ metadata, ...row }) => {
    const projectId = flagsProjectFor({ metadata });
    return projectId ? [{ ...row, projectId }] : [];
  });
}

const serviceSelect = { key: true, name: true, title: true, owner: true, metadata: true } as const;

/** Catalog components that have a flags project, by name. */
export async function listFlagServices(): Promise<FlagService[]> {
  const rows = await db.entity.findMany({ where: { kind: "Component" }, select: serviceSelect, orderBy: { name: "asc" } });
  return withProjects(rows);
}

/**
 * The components a flag could belong to: those its `pave-service` tags name and those
 * whose name is a prefix of it. A handful of rows, whatever the size of the catalog.
 */
export async function findFlagOwnerCandidates(flag: string, tags: FlagTag[]): Promise<FlagService[]> {
  const keys = tags.filter((t) => t.type === SERVICE_TAG_TYPE).flatMap((t) => serviceKeyOfTag(t.value) ?? []);
  const names = prefixCandidates(flag);
  // Names compare ignoring case, in every namespace, exactly as the pages decide (resolveFlagOwner).
  const rows = await db.entity.findMany({
    where: { OR: [{ key: { in: keys } }, { kind: "Component", name: { in: names, mode: "insensitive" } }] },
    select: serviceSelect,
  });
  return withProjects(rows);
}
