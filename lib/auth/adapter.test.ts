import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createAuthAdapter } from "@/lib/auth/adapter";

const adapter = createAuthAdapter(db);

describe("auth adapter (Postgres)", () => {
  it("creates a user, links an account and finds the user by it", async () => {
    const user = await adapter.createUser!({ email: "linus@test.local", name: "Linus", emailVerified: null, image: null } as never);
    expect(user).toMatchObject({ email: "linus@test.local", role: "member", groups: [] });
    await adapter.linkAccount!({ userId: user.id, type: "oauth", provider: "oidc", providerAccountId: "sub-1", access_token: "tok" } as never);
    const found = await adapter.getUserByAccount!({ provider: "oidc", providerAccountId: "sub-1" });
    expect(found?.id).toBe(user.id);
    expect(await adapter.getUserByAccount!({ provider: "oidc", providerAccountId: "nobody" })).toBeNull();
  });

  it("stores sessions in Postgres; an unknown token finds nothing and sign-out is idempotent", async () => {
    const user = await adapter.createUser!({ email: "grace@test.local", name: "Grace", emailVerified: null } as never);
    const expires = new Date(Date.now() + 3600_000);
    await adapter.createSession!({ sessionToken: "tok-grace", userId: user.id, expires });
    const found = await adapter.getSessionAndUser!("tok-grace");
    expect(found?.user.email).toBe("grace@test.local");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(1);

    expect(await adapter.getSessionAndUser!("forged-token")).toBeNull();

    await adapter.deleteSession!("tok-grace");
    await adapter.deleteSession!("tok-grace");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("extends a session's expiry", async () => {
    const user = await adapter.createUser!({ email: "ken@test.local", name: "Ken", emailVerified: null } as never);
    await adapter.createSession!({ sessionToken: "tok-ken", userId: user.id, expires: new Date(Date.now() + 1000) });
    const later = new Date(Date.now() + 86_400_000);
    const updated = await adapter.updateSession!({ sessionToken: "tok-ken", expires: later });
    expect(updated?.expires.getTime()).toBe(later.getTime());
    expect(await adapter.updateSession!({ sessionToken: "missing", expires: later })).toBeNull();
  });

  it("ends a session at its maximum age however often it was renewed", async () => {
    const short = createAuthAdapter(db, { maxAgeMs: 12 * 60 * 60 * 1000 });
    const user = await short.createUser!({ email: "old@test.local", name: "Old", emailVerified: null } as never);
    const farFuture = new Date(Date.now() + 7 * 86_400_000);
    await db.session.create({ data: { sessionToken: "tok-old", userId: user.id, expires: farFuture, createdAt: new Date(Date.now() - 13 * 60 * 60 * 1000) } });
    // Renewed recently (expires is days away), but begun 13 hours ago: over the 12-hour limit.
    expect(await short.getSessionAndUser!("tok-old")).toBeNull();
    expect(await db.session.count({ where: { sessionToken: "tok-old" } })).toBe(0);

    await short.createSession!({ sessionToken: "tok-new", userId: user.id, expires: new Date(Date.now() + 3600_000) });
    expect(await short.getSessionAndUser!("tok-new")).not.toBeNull();
    // A renewal never carries it past twelve hours from its start.
    const renewed = await short.updateSession!({ sessionToken: "tok-new", expires: farFuture });
    expect(renewed!.expires.getTime()).toBeLessThanOrEqual(Date.now() + 12 * 60 * 60 * 1000);
  });

  it("does not keep the identity provider's tokens", async () => {
    const user = await adapter.createUser!({ email: "tokens@test.local", name: "T", emailVerified: null } as never);
    await adapter.linkAccount!({ userId: user.id, type: "oauth", provider: "github", providerAccountId: "42", access_token: "gho_secret", refresh_token: "ghr_secret", id_token: "eyJ.secret", scope: "read:user" } as never);
    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM accounts WHERE user_id = ${user.id}`;
    expect(JSON.stringify(rows)).not.toMatch(/secret/);
    expect(rows[0]).toMatchObject({ provider: "github", scope: "read:user" });
  });
});
