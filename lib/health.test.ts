import { describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db";
import { checkHealth } from "@/lib/health";

describe("checkHealth", () => {
  it("reports ok when the database answers", async () => {
    expect(await checkHealth()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });

  it("reports unavailable, without details, when the database is down", async () => {
    const dead = createPrismaClient("postgresql://postgres@127.0.0.1:1/nothing");
    try {
      const report = await checkHealth(dead, 1500);
      expect(report).toEqual({ status: "unavailable", checks: { database: "down" }, version: expect.any(String) });
    } finally {
      await dead.$disconnect();
    }
  });
});
