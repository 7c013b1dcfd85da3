import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";

/** A user row with unique email; override what the test cares about. */
export async function createUser(overrides: { role?: Role; groups?: string[]; email?: string; name?: string } = {}) {
  const id = randomUUID().slice(0, 8);
  return db.user.create({
    data: { email: overrides.email ?? `user-${id}@test.local`, name: overrides.name ?? `User ${id}`, role: overrides.role ?? "member", groups: overrides.groups ?? [] },
    select: { id: true, email: true, name: true, role: true, groups: true, image: true },
  });
}

/** A live (or, with expiresInMs < 0, expired) database session for a user. */
export async function createSession(userId: string, expiresInMs = 60 * 60 * 1000) {
  return db.session.create({ data: { userId, sessionToken: randomUUID(), expires: new Date(Date.now() + expiresInMs) } });
}

/**
 * Registers Template YAML the way production offers catalog templates: committed to a
 * local git repository under PAVE_GIT_ROOT and added as a location marked as a template source.
 */
export async function registerTemplateSource(templateYaml: string, files: Record<string, string> = {}): Promise<{ locationId: string; target: string }> {
  const { mkdirSync } = await import("node:fs");
  const path = await import("node:path");
  const { createLocalRepo } = await import("@/lib/git/local");
  const { addLocation } = await import("@/lib/catalog/mutations");
  mkdirSync(process.env.PAVE_GIT_ROOT!, { recursive: true });
  const repo = path.join(process.env.PAVE_GIT_ROOT!, `template-${randomUUID().slice(0, 8)}.git`);
  await createLocalRepo(repo, { "template.yaml": templateYaml, ...files });
  const target = `file://${repo}/blob/main/template.yaml`;
  const { locationId } = await addLocation(await createUser({ role: "platform" }), target, { templateSource: true });
  return { locationId, target };
}
