import { beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { SIGN_INS_PER_ADDRESS } from "@/lib/rate-limit";
import { resetDatabase } from "@/tests/reset";

/** A request to next-auth's routes from one client address (Next sets X-Forwarded-For from the connection). */
function call(handler: typeof GET, path: string, address: string) {
  const nextauth = path.replace(/^\/api\/auth\//, "").split("/");
  return handler(new Request(`http://localhost:3000${path}`, { method: handler === POST ? "POST" : "GET", headers: { "x-forwarded-for": address } }), {
    params: Promise.resolve({ nextauth }),
  } as never);
}

describe("sign-in attempts", () => {
  beforeAll(async () => {
    await resetDatabase();
  });

  it("are limited per client address, in Postgres; other next-auth routes and other addresses are not", async () => {
    for (let i = 0; i < SIGN_INS_PER_ADDRESS.burst; i += 1) {
      expect((await call(GET, "/api/auth/callback/pave-idp", "203.0.113.7")).status).not.toBe(429);
    }
    const refused = await call(POST, "/api/auth/signin/pave-idp", "203.0.113.7");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: "Too many sign-in attempts from this address; wait a minute and try again." });
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await call(GET, "/api/auth/providers", "203.0.113.7")).status).not.toBe(429);
    expect((await call(GET, "/api/auth/callback/pave-idp", "198.51.100.4")).status).not.toBe(429);
  });
});
