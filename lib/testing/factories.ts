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
