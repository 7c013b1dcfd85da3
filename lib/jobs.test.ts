import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueue, jobs, startWorker, stopJobs } from "@/lib/jobs";
import { createSession, createUser } from "@/tests/factories";

afterAll(async () => {
  await stopJobs();
});

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Before the worker starts (below), so nothing else picks these jobs up.
describe("scorecard evaluations and the docs refresh", () => {
  it("hold back while repositories are being read, and run the evaluation the refresh queues", async () => {
    const refresh = await enqueue("docs.refresh", { trigger: "catalog-refresh" });
    expect(await jobs["scorecards.evaluate"].handler({ trigger: "fact-change" })).toEqual({
      skipped: "a docs refresh is running; it queues an evaluation",
    });
    expect(await db.scorecardRun.count()).toBe(0);

    // The refresh's own follow-up, and a change to one scorecard, are not held back.
    const after = await jobs["scorecards.evaluate"].handler({ trigger: "fact-change", afterDocs: true });
    expect(after).toEqual({ runs: [{ scorecard: "production-readiness", status: "succeeded", entities: 0 }] });
    const one = await jobs["scorecards.evaluate"].handler({ trigger: "definition-change", scorecard: "production-readiness" });
    expect(one).toEqual({ runs: [{ scorecard: "production-readiness", status: "succeeded", entities: 0 }] });
    expect(await db.scorecardRun.count()).toBe(2);

    // Refreshes and evaluations of a large catalog may run for hours without pg-boss expiring them.
    const queues = await db.$queryRaw<{ name: string; expire_seconds: number }[]>`
      SELECT name, expire_seconds FROM pgboss.queue WHERE name IN ('docs.refresh', 'scorecards.evaluate') ORDER BY name`;
    expect(queues).toEqual([
      { name: "docs.refresh", expire_seconds: 4 * 60 * 60 },
      { name: "scorecards.evaluate", expire_seconds: 4 * 60 * 60 },
    ]);

    await db.$executeRaw`DELETE FROM pgboss.job WHERE id = ${refresh}::uuid`;
    expect(await jobs["scorecards.evaluate"].handler({ trigger: "fact-change" })).toHaveProperty("runs");
  });
});

describe("maintenance", () => {
  it("forgets webhook deliveries after 30 days and idle rate-limit buckets after a day", async () => {
    const day = 86_400_000;
    await db.webhookDelivery.createMany({
      data: [
        { id: "old-delivery", event: "push", receivedAt: new Date(Date.now() - 31 * day) },
        { id: "recent-delivery", event: "push", receivedAt: new Date(Date.now() - 29 * day) },
      ],
    });
    await db.rateLimit.createMany({
      data: [
        { key: "test:idle", tokens: 3, updatedAt: new Date(Date.now() - 2 * day) },
        { key: "test:busy", tokens: 3, updatedAt: new Date() },
      ],
    });
    expect(await jobs["maintenance.prune"].handler()).toMatchObject({ deliveries: 1 });
    expect((await db.webhookDelivery.findMany({ where: { id: { in: ["old-delivery", "recent-delivery"] } }, select: { id: true } })).map((d) => d.id)).toEqual(["recent-delivery"]);
    expect((await db.rateLimit.findMany({ where: { key: { startsWith: "test:" } }, select: { key: true } })).map((r) => r.key)).toEqual(["test:busy"]);
  });
});

describe("background jobs (pg-boss on Postgres)", () => {
  it("runs a queued job in the worker: expired sessions are purged, live ones kept", async () => {
    const user = await createUser();
    const expired = await createSession(user.id, -60_000);
    const live = await createSession(user.id);

    await startWorker();
    const jobId = await enqueue("maintenance.purge-expired-sessions");
    expect(jobId).toEqual(expect.any(String));

    const remaining = await until(
      () => db.session.findMany({ where: { userId: user.id }, select: { id: true } }),
      (rows) => rows.length === 1,
    );
    expect(remaining.map((r) => r.id)).toEqual([live.id]);
    expect(await db.session.findUnique({ where: { id: expired.id } })).toBeNull();
  });
});
