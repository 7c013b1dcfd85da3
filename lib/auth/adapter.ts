import "server-only";
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "next-auth/adapters";
import type { DbClient } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";
import { isDatabaseUnreachable } from "@/lib/database-outage";
import { noteDatabaseOutage } from "@/lib/health";

/** The user next-auth hands to callbacks, with Pave's role and groups attached. */
export type PaveAdapterUser = AdapterUser & { role: Role; groups: string[] };

type UserRow = {
  id: string;
  name: string | null;
  email: string | null;
  emailVerified: Date | null;
  image: string | null;
  role: Role;
  groups: string[];
};

const toAdapterUser = (row: UserRow): PaveAdapterUser => ({ ...row, email: row.email ?? "" });

const toAdapterSession = (row: { sessionToken: string; userId: string; expires: Date }): AdapterSession => ({
  sessionToken: row.sessionToken,
  userId: row.userId,
  expires: row.expires,
});

const userSelect = { id: true, name: true, email: true, emailVerified: true, image: true, role: true, groups: true } as const;

/**
 * next-auth's storage for users, linked accounts and database sessions, on Pave's schema.
 * Written here rather than taken from @next-auth/prisma-adapter so it selects only the
 * columns Pave needs and works with Prisma 7's generated client.
 */
export function createAuthAdapter(db: DbClient, options: { maxAgeMs?: number } = {}): Adapter {
  const maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
  // However often it is renewed, a session ends this long after it began: the person signs in
  // again and their role is recomputed.
  const endOf = (createdAt: Date) => new Date(createdAt.getTime() + maxAgeMs);
  return {
    async createUser(user: Omit<AdapterUser, "id">) {
      const row = await db.user.create({
        data: { name: user.name ?? null, email: user.email || null, emailVerified: user.emailVerified, image: user.image ?? null },
        select: userSelect,
      });
      return toAdapterUser(row);
    },
    async getUser(id) {
      const row = await db.user.findUnique({ where: { id }, select: userSelect });
      return row && toAdapterUser(row);
    },
    async getUserByEmail(email) {
      if (!email) return null;
      const row = await db.user.findUnique({ where: { email }, select: userSelect });
      return row && toAdapterUser(row);
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const account = await db.account.findUnique({
        where: { provider_providerAccountId: { provider, providerAccountId } },
        select: { user: { select: userSelect } },
      });
      return account && toAdapterUser(account.user);
    },
    async updateUser({ id, name, email, emailVerified, image }) {
      const row = await db.user.update({
        where: { id },
        data: { name, email: email === "" ? undefined : email, emailVerified, image },
        select: userSelect,
      });
      return toAdapterUser(row);
    },
    async deleteUser(id) {
      await db.user.delete({ where: { id } });
    },
    async linkAccount(account: AdapterAccount) {
      await db.account.create({
        data: {
          userId: account.userId,
          type: account.type,
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          // The provider's access, refresh and ID tokens are dropped here: Pave never calls the
          // provider for the user later, so there is nothing worth a stolen database backup.
          expires_at: account.expires_at ?? null,
          token_type: account.token_type ?? null,
          scope: account.scope ?? null,
          session_state: typeof account.session_state === "string" ? account.session_state : null,
        },
      });
    },
    async unlinkAccount({ provider, providerAccountId }: Pick<AdapterAccount, "provider" | "providerAccountId">) {
      await db.account.delete({ where: { provider_providerAccountId: { provider, providerAccountId } } });
    },
    async createSession(session) {
      const row = await db.session.create({ data: session });
      return toAdapterSession(row);
    },
    async getSessionAndUser(sessionToken) {
      try {
        return await findSessionAndUser(db, sessionToken, endOf);
      } catch (error) {
        // next-auth turns this into "signed out"; marking the outage lets the caller tell them apart.
        if (isDatabaseUnreachable(error)) noteDatabaseOutage();
        throw error;
      }
    },
    async updateSession({ sessionToken, expires }) {
      const current = await db.session.findUnique({ where: { sessionToken }, select: { createdAt: true } });
      if (!current) return null;
      const end = endOf(current.createdAt);
      const rows = await db.session.updateManyAndReturn({ where: { sessionToken }, data: { expires: expires && expires > end ? end : expires } });
      return rows[0] ? toAdapterSession(rows[0]) : null;
    },
    async deleteSession(sessionToken) {
      // deleteMany: signing out twice (two tabs) must not throw.
      await db.session.deleteMany({ where: { sessionToken } });
    },
  };
}

/** The session with this token and its user; an ended session (per `endOf`) is deleted and gives null. */
async function findSessionAndUser(db: DbClient, sessionToken: string, endOf: (createdAt: Date) => Date) {
  const row = await db.session.findUnique({
    where: { sessionToken },
    select: { sessionToken: true, userId: true, expires: true, createdAt: true, user: { select: userSelect } },
  });
  if (!row) return null;
  if (endOf(row.createdAt).getTime() <= Date.now()) {
    await db.session.deleteMany({ where: { sessionToken } });
    return null;
  }
  return { session: toAdapterSession(row), user: toAdapterUser(row.user) };
}
