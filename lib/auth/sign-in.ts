import "server-only";
import type { Account, Profile, User } from "next-auth";
import { recordAudit } from "@/lib/audit";
import { readGroupsClaim, resolveRole, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * What Pave learns at each sign-in: the person's groups, their GitHub login, and their
 * role. An email address grants a role only when the identity provider vouches for it
 * (`email_verified` in OIDC, a verified address on GitHub): anyone can put any address
 * on an account at an IdP that does not check.
 */

type SignInMessage = { user: Pick<User, "id" | "email">; account: Account | null; profile?: Profile };

const GITHUB_TIMEOUT_MS = 5_000;

/** Whether GitHub lists `email` among the verified addresses of the token's user. */
export async function isVerifiedOnGitHub(apiUrl: string, accessToken: string, email: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl.replace(/\/+$/, "")}/user/emails`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/vnd.github+json" },
      signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
    });
    if (!response.ok) return false;
    const emails = (await response.json()) as unknown;
    return Array.isArray(emails) && emails.some((e) => e?.verified === true && typeof e.email === "string" && e.email.toLowerCase() === email.toLowerCase());
  } catch (error) {
    log.warn({ err: error instanceof Error ? { message: error.message } : undefined }, "could not read the GitHub user's emails; the email grants no role");
    return false;
  }
}

/** Whether the identity provider vouches for the email it sent. */
async function emailIsVerified(message: SignInMessage, env: Env): Promise<boolean> {
  const email = message.user.email;
  if (!email) return false;
  if (message.account?.provider === "github") {
    const token = message.account.access_token;
    return typeof token === "string" && (await isVerifiedOnGitHub(env.GITHUB_API_URL, token, email));
  }
  const claim = (message.profile as Record<string, unknown> | undefined)?.email_verified;
  // Some IdPs send the claim as a string.
  return claim === true || claim === "true";
}

/** Recomputes and stores the person's groups, GitHub login and role; audits the sign-in. */
export async function recordSignIn(message: SignInMessage, env: Env): Promise<{ role: Role; emailVerified: boolean }> {
  const { user, account, profile } = message;
  // GitHub has no groups claim: its people get roles by (verified) email only.
  const groups = readGroupsClaim(profile as Record<string, unknown> | undefined, "groups");
  const emailVerified = await emailIsVerified(message, env);
  const login = account?.provider === "github" ? (profile as { login?: unknown } | undefined)?.login : undefined;
  const role = resolveRole(
    { email: emailVerified ? user.email : null, groups },
    { adminEmails: env.PAVE_ADMIN_EMAILS, adminGroups: env.PAVE_ADMIN_GROUPS, platformEmails: env.PAVE_PLATFORM_EMAILS, platformGroups: env.PAVE_PLATFORM_GROUPS },
  );
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: user.id }, select: { role: true } });
    await tx.user.update({
      where: { id: user.id },
      data: { groups, role, lastSignInAt: new Date(), ...(typeof login === "string" ? { githubLogin: login.toLowerCase() } : {}) },
    });
    await recordAudit(tx, {
      actor: { id: user.id, email: user.email },
      action: "auth.sign_in",
      target: { type: "user", id: user.id },
      data: { provider: account?.provider ?? null, role, emailVerified, ...(before && before.role !== role ? { previousRole: before.role } : {}) },
    });
  });
  log.info({ userId: user.id, provider: account?.provider, role, emailVerified }, "user signed in");
  return { role, emailVerified };
}
