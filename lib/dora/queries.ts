import "server-only";
import { db, type DbClient } from "@/lib/db";

/** Catalog reads the DORA pages need (who a team is, which services it owns). */

export type DoraEntity = { key: string; name: string; namespace: string; title: string; owner: string };

const SELECT = { key: true, name: true, namespace: true, title: true, owner: true } as const;

/** The Component `component:default/<name>`, or null when the catalog has none. */
export async function findDoraService(name: string, client: DbClient = db): Promise<DoraEntity | null> {
  return client.entity.findUnique({ where: { key: `component:default/${name.toLowerCase()}` }, select: SELECT });
}

/** The Group `group:default/<name>`, or null when the catalog has none. */
export async function findDoraTeam(name: string, client: DbClient = db): Promise<DoraEntity | null> {
  return client.entity.findUnique({ where: { key: teamOwnerKey(name) }, select: SELECT });
}

/** The Components a team owns, by name. */
export async function listTeamServices(owner: string, client: DbClient = db): Promise<DoraEntity[]> {
  return client.entity.findMany({ where: { kind: "Component", owner }, select: SELECT, orderBy: { name: "asc" } });
}

/** The owner ref key of a team page's `[team]` segment. */
export function teamOwnerKey(team: string): string {
  return `group:default/${team.toLowerCase()}`;
}

/** Whether the catalog has a Group with this ref key. */
export async function hasCatalogGroup(key: string, client: DbClient = db): Promise<boolean> {
  const entity = await client.entity.findUnique({ where: { key }, select: { kind: true } });
  return entity?.kind.toLowerCase() === "group";
}
