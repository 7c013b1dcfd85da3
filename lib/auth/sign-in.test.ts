import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { recordSignIn } from "@/lib/auth/sign-in";
import { startGitHubStandIn, type GitHubStandIn } from "@/tests/github-stand-in";
import { createUser } from "@/tests/factories";

const env = parseEnv({ DATABASE_URL: process.env.DATABASE_URL, NEXTAUTH_SECRET: "x".repeat(32), PAVE_ADMIN_EMAILS: "boss@acme.test", PAVE_PLATFORM_GROUPS: "platform-team" });
let github: GitHubStandIn;

beforeAll(async () => {
  github = await startGitHubStandIn({ token: "gho_person", user: "The-Boss", emails: [{ email: "boss@acme.test", verified: true }, { email: "other@acme.test", verified: false }] });
});
afterAll(() => github.close());

describe("roles at sign-in", () => {
  it("grants a role by email only when the OIDC provider says the email is verified", async () => {
    for (const [claim, role] of [
      [false, "member"],
      [undefined, "member"],
      ["false", "member"],
      [true, "admin"],
      ["true", "admin"],
    ] as const) {
      const user = await createUser();
      const profile = { sub: "sub", email: "boss@acme.test", email_verified: claim };
      const result = await recordSignIn({ user: { id: user.id, email: "boss@acme.test" }, account: { provider: "oidc", type: "oauth", providerAccountId: "sub" }, profile: profile as never }, env);
      expect(result.role, `email_verified: ${String(claim)}`).toBe(role);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe(role);
    }
  });

  it("still grants roles by group whatever the email says", async () => {
    const user = await createUser();
    const result = await recordSignIn(
      { user: { id: user.id, email: user.email }, account: { provider: "oidc", type: "oauth", providerAccountId: "s2" }, profile: { sub: "s2", groups: ["platform-team"], email_verified: false } as never },
      env,
    );
    expect(result.role).toBe("platform");
  });

  it("asks GitHub whether the email is verified, and remembers the GitHub login", async () => {
    const ghEnv = { ...env, GITHUB_API_URL: github.url };
    const account = { provider: "github", type: "oauth" as const, providerAccountId: "7", access_token: "gho_person" };
    const verified = await createUser({ email: "gh-verified@acme.test" });
    expect((await recordSignIn({ user: { id: verified.id, email: "boss@acme.test" }, account, profile: { login: "The-Boss" } as never }, ghEnv)).role).toBe("admin");
    expect((await db.user.findUniqueOrThrow({ where: { id: verified.id } })).githubLogin).toBe("the-boss");

    // An address GitHub has not verified, a bad token, or GitHub down: no role from the email.
    const unverified = await createUser({ email: "gh-unverified@acme.test" });
    expect((await recordSignIn({ user: { id: unverified.id, email: "other@acme.test" }, account, profile: {} as never }, { ...ghEnv, PAVE_ADMIN_EMAILS: ["other@acme.test"] })).role).toBe("member");
    const badToken = await createUser({ email: "gh-bad@acme.test" });
    expect((await recordSignIn({ user: { id: badToken.id, email: "boss@acme.test" }, account: { ...account, access_token: "wrong" }, profile: {} as never }, ghEnv)).role).toBe("member");
    expect(github.violations()).toEqual([]);
  });
});
