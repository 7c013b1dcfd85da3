import "server-only";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** The annotation naming the Unleash project that holds a service's flags. */
import { UNLEASH_PROJECT as UNLEASH_PROJECT_ANNOTATION } from "@/lib/catalog/annotations";

/** The Unleash project of an entity: its annotation, else PAVE_UNLEASH_DEFAULT_PROJECT, else none. */
export function flagsProjectFor(entity: { metadata: unknown }): string | null {
  const annotations = (entity.metadata as { annotations?: unknown } | null)?.annotations;
  if (annotations && typeof annotations === "object") {
    const value = (annotations as Record<string, unknown>)[UNLEASH_PROJECT_ANNOTATION];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  return getEnv().PAVE_UNLEASH_DEFAULT_PROJECT ?? null;
}

export type FlagService = { key: string; name: string; title: string; owner: string; projectId: string };

/** Catalog components that have a flags project, by name. */
export async function listFlagServices(): Promise<FlagService[]> {
  const rows = await db.entity.findMany({
    where: { kind: "Component" },
    select: { key: true, name: true, title: true, owner: true, metadata: true },
    orderBy: { name: "asc" },
  });
  return rows.flatMap(({ metadata, ...row }) => {
    const projectId = flagsProjectFor({ metadata });
    return projectId ? [{ ...row, projectId }] : [];
  });
}
