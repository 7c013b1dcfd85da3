import { describe, expect, it } from "vitest";
import { clientAddress, hasToken, takeToken } from "@/lib/rate-limit";

describe("rate limits in Postgres", () => {
  it("lets exactly `burst` of many simultaneous takes through, as separate replicas would send them", async () => {
    const limit = { perSecond: 0.001, burst: 10 };
    const results = await Promise.all(Array.from({ length: 40 }, () => takeToken("test:concurrent", limit)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect(await hasToken("test:concurrent", limit)).toBe(false);
    expect(await hasToken("test:untouched", limit)).toBe(true);
  });

  it("refills at its rate", async () => {
    const limit = { perSecond: 20, burst: 1 };
    expect((await takeToken("test:refill", limit)).ok).toBe(true);
    expect((await takeToken("test:refill", limit)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await takeToken("test:refill", limit)).ok).toBe(true);
  });

  it("reads the client address from the entry the nearest trusted proxy added", () => {
    const headers = new Headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 3.3.3.3" });
    expect(clientAddress(headers, 0)).toBe("3.3.3.3");
    expect(clientAddress(headers, 1)).toBe("3.3.3.3");
    // Behind a load balancer and an ingress, the client is what the outer one saw.
    expect(clientAddress(headers, 2)).toBe("2.2.2.2");
    expect(clientAddress(new Headers())).toBe("unknown");
  });
});
