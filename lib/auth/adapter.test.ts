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
});
