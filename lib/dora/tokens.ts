import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { CurrentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Tokens for the ingest API (POST /api/v1/events, GET /api/v1/dora). Only the sha256 of a
 * secret is stored, with its first characters so people can tell tokens apart; the
 * secret itself is shown once, when the token is created.
 */

export const INGEST_TOKEN_PREFIX = "pave_ingest_";
const SHOWN_PREFIX_LENGTH = INGEST_TOKEN_PREFIX.length + 6;
const LAST_USED_GRANULARITY_MS = 60_000;

export type IngestTokenRow = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
const shownPrefix = (secret: string) => secret.slice(0, SHOWN_PREFIX_LENGTH);

function requireAdmin(actor: CurrentUser) {
  if (!hasRole(actor.role, "admin")) throw new AppError("FORBIDDEN", "Only admins can manage ingest tokens.");
}

/** Creates a token for the ingest API; the secret is in the result and nowhere else. Admins only. */
export async function createIngestToken(actor: CurrentUser, name: string): Promise<{ id: string; name: string; prefix: string; secret: string }> {
  requireAdmin(actor);
  const secret = `${INGEST_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const prefix = shownPrefix(secret);
  try {
    return await db.$transaction(async (tx) => {
      const token = await tx.ingestToken.create({
        data: { name, secretHash: hashSecret(secret), prefix, createdById: actor.id },
        select: { id: true, name: true },
      });
      await recordAudit(tx, { actor, action: "dora.ingest_token.create", target: { type: "ingest_token", id: token.id }, data: { name, prefix } });
      return { ...token, prefix, secret };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("CONFLICT", `A token named "${name}" already exists.`, [], { name: "is already taken" });
    }
    throw error;
  }
}

/** Revokes a token: requests that send it are refused from now on. Admins only. */
export async function revokeIngestToken(actor: CurrentUser, id: string): Promise<{ name: string }> {
  requireAdmin(actor);
  return db.$transaction(async (tx) => {
    const token = await tx.ingestToken.findUnique({ where: { id }, select: { name: true, prefix: true, revokedAt: true } });
    if (!token) throw new AppError("NOT_FOUND", "That token no longer exists.");
    if (token.revokedAt) return { name: token.name };
    await tx.ingestToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, { actor, action: "dora.ingest_token.revoke", target: { type: "ingest_token", id }, data: { name: token.name, prefix: token.prefix } });
    return { name: token.name };
  });
}

/** Every ingest token, newest first, without secrets. */
export async function listIngestTokens(): Promise<IngestTokenRow[]> {
  const rows = await db.ingestToken.findMany({
    orderBy: { createdAt: "desc" },
    take: 200,
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { email: true, name: true } } },
  });
  return rows.map(({ createdBy, ...row }) => ({ ...row, createdBy: createdBy?.email ?? createdBy?.name ?? null }));
}

/**
 * The live token an `Authorization: Bearer <secret>` header names, or null. The secret is
 * looked up by its hash, so no comparison of secrets leaks timing. lastUsedAt is written
 * at most once a minute per token.
 */
export async function authenticateIngestToken(authorizationHeader: string | null | undefined): Promise<{ id: string; name: string } | null> {
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(authorizationHeader ?? "");
  if (!match?.[1]) return null;
  const token = await db.ingestToken.findUnique({ where: { secretHash: hashSecret(match[1]) }, select: { id: true, name: true, revokedAt: true, lastUsedAt: true } });
  if (!token || token.revokedAt) return null;
  const now = new Date();
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    const staleBefore = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
    await db.ingestToken.updateMany({
      where: { id: token.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  }
  return { id: token.id, name: token.name };
}

/**
 * Creates the tokens named in PAVE_INIT_INGEST_TOKENS (`name:secret,…`) so automation can
 * start with a known secret. A token whose secret changed in the setting is rotated (and
 * un-revoked); one revoked in the UI with the same secret stays revoked.
 */
export async function provisionInitialIngestTokens(): Promise<void> {
  for (const item of getEnv().PAVE_INIT_INGEST_TOKENS) {
    const colon = item.indexOf(":");
    const name = item.slice(0, colon).trim();
    const secret = item.slice(colon + 1).trim();
    const secretHash = hashSecret(secret);
    const existing = await db.ingestToken.findUnique({ where: { name }, select: { id: true, secretHash: true } });
    if (existing?.secretHash === secretHash) continue;
    await db.$transaction(async (tx) => {
      const token = existing
        ? await tx.ingestToken.update({ where: { id: existing.id }, data: { secretHash, prefix: shownPrefix(secret), revokedAt: null }, select: { id: true } })
        : await tx.ingestToken.create({ data: { name, secretHash, prefix: shownPrefix(secret) }, select: { id: true } });
      await recordAudit(tx, {
        actor: null,
        action: existing ? "dora.ingest_token.rotate" : "dora.ingest_token.create",
        target: { type: "ingest_token", id: token.id },
        data: { name, source: "PAVE_INIT_INGEST_TOKENS" },
      });
    });
    log.info({ token: name }, existing ? "ingest token rotated from PAVE_INIT_INGEST_TOKENS" : "ingest token created from PAVE_INIT_INGEST_TOKENS");
  }
}
