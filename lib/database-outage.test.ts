import { afterEach, describe, expect, it } from "vitest";
import { databaseDownSince, isDatabaseUnreachable, markDatabaseDown, markDatabaseUp } from "@/lib/database-outage";
import { createPrismaClient } from "@/lib/db";

afterEach(() => markDatabaseUp());

describe("isDatabaseUnreachable", () => {
  it("recognises a refused connection, as Prisma reports it for models and raw queries", async () => {
    const client = createPrismaClient("postgresql://postgres@127.0.0.1:1/nowhere");
    const model = await client.user.findFirst().catch((error: unknown) => error);
    const raw = await client.$queryRaw`SELECT 1`.catch((error: unknown) => error);
    expect(isDatabaseUnreachable(model)).toBe(true);
    expect(isDatabaseUnreachable(raw)).toBe(true);
    await client.$disconnect();
  });

  it("recognises a connection the server terminated (a restart) and node-postgres's own errors", () => {
    expect(isDatabaseUnreachable({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "57P01" } } } })).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnreachable(new Error("wrapped", { cause: new Error("Connection terminated unexpectedly") }))).toBe(true);
  });

  it("does not mistake a failing query for an outage", () => {
    expect(isDatabaseUnreachable({ code: "P2002", meta: { target: ["email"] } })).toBe(false);
    expect(isDatabaseUnreachable({ meta: { driverAdapterError: { cause: { kind: "postgres", code: "42P01" } } } })).toBe(false);
    expect(isDatabaseUnreachable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnreachable(undefined)).toBe(false);
  });
});

describe("the outage mark", () => {
  it("keeps the first moment it was set until the database is back", () => {
    expect(databaseDownSince()).toBeUndefined();
    markDatabaseDown();
    const since = databaseDownSince();
    markDatabaseDown();
    expect(databaseDownSince()).toBe(since);
    markDatabaseUp();
    expect(databaseDownSince()).toBeUndefined();
  });
});
