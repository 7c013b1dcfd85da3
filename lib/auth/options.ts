import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import GitHubProvider from "next-auth/providers/github";
import { db } from "@/lib/db";
import { getEnv, isBuiltinIdpEnabled, type Env } from "@/lib/env";
import { log } from "@/lib/log";
import { recordAudit } from "@/lib/audit";
import { recordSignIn } from "@/lib/auth/sign-in";
import { createAuthAdapter, type PaveAdapterUser } from "@/lib/auth/adapter";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { readGroupsClaim } from "@/lib/auth/roles";

export const BUILTIN_PROVIDER_ID = "pave-idp";
export const OIDC_PROVIDER_ID = "oidc";

type OidcProfile = Record<string, unknown> & { sub: string; email?: string; name?: string; preferred_username?: string; picture?: string };

function oidcProvider(options: {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  groupsClaim: string;
  extraParams?: Record<string, string>;
}): OAuthConfig<OidcProfile> {
  return {
    id: options.id,
    name: options.name,
    type: "oauth",
    wellKnown: `${options.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    idToken: true,
    checks: ["pkce", "state"],
    authorization: { params: { scope: options.scope, ...options.extraParams } },
    profile: (profile) => ({
      id: profile.sub,
      name: profile.name ?? profile.preferred_username ?? profile.email ?? null,
      email: profile.email ?? null,
      image: profile.picture ?? null,
      // Carried to events.signIn, which only sees this normalised profile.
      groups: readGroupsClaim(profile, options.groupsClaim),
    }),
  };
}

/** The sign-in providers this configuration enables, in the order the sign-in page shows them. */
export function configuredProviders(env: Env) {
  const providers: NextAuthOptions["providers"] = [];
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    providers.push(
      oidcProvider({
        id: OIDC_PROVIDER_ID,
        name: env.OIDC_NAME,
        issuer: env.OIDC_ISSUER,
        clientId: env.OIDC_CLIENT_ID,
        clientSecret: env.OIDC_CLIENT_SECRET,
        scope: env.OIDC_SCOPE,
        groupsClaim: env.OIDC_GROUPS_CLAIM,
      }),
    );
  }
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    providers.push(GitHubProvider({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  }
  if (isBuiltinIdpEnabled(env)) {
    providers.push(
      oidcProvider({
        id: BUILTIN_PROVIDER_ID,
        name: "Pave demo SSO",
        issuer: env.PAVE_IDP_ISSUER,
        clientId: env.PAVE_IDP_CLIENT_ID,
        clientSecret: env.PAVE_IDP_CLIENT_SECRET,
        scope: "openid email profile groups",
        groupsClaim: "groups",
        // Always show the demo user picker, so signing out lets you switch user.
        extraParams: { prompt: "login" },
      }),
    );
  }
  return providers;
}

let options: NextAuthOptions | undefined;

/** next-auth configuration, built once from the validated environment. */
export function getAuthOptions(): NextAuthOptions {
  if (options) return options;
  const env = getEnv();
  const maxAgeSeconds = Math.round(env.PAVE_SESSION_MAX_AGE_HOURS * 60 * 60);
  options = {
    adapter: createAuthAdapter(db, { maxAgeMs: maxAgeSeconds * 1000 }),
    secret: env.NEXTAUTH_SECRET,
    providers: configuredProviders(env),
    // Sliding expiry within an absolute limit the adapter enforces from the session's creation.
    session: { strategy: "database", maxAge: maxAgeSeconds, updateAge: Math.min(60 * 60, Math.floor(maxAgeSeconds / 4)) },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    callbacks: {
      // next-auth's own check accepts any "/…" string; this one parses it as a browser would.
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeCallbackPath(url, baseUrl)}`;
      },
      session({ session, user }) {
        const u = user as PaveAdapterUser;
        session.user = { id: u.id, name: u.name ?? null, email: u.email || null, image: u.image ?? null, role: u.role, groups: u.groups };
        return session;
      },
    },
    events: {
      // Role and groups are recomputed at every sign-in, and sessions end after
      // PAVE_SESSION_MAX_AGE_HOURS, so a change in config or in the identity provider
      // reaches everyone within that time.
      async signIn(message) {
        await recordSignIn(message, env);
      },
      async signOut({ session }) {
        const userId = (session as { userId?: string } | undefined)?.userId;
        if (userId) {
          await recordAudit(db, { actor: { id: userId }, action: "auth.sign_out", target: { type: "user", id: userId } });
        }
      },
    },
    logger: {
      error: (code, metadata) => log.error({ code, err: metadata instanceof Error ? { message: metadata.message } : undefined }, "next-auth error"),
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
  return options;
}
