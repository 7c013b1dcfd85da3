import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { enqueue, stopJobs } from "@/lib/jobs/queue";
import { runJob, startWorker } from "@/lib/jobs/worker";
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

const job = (data: unknown) => ({ id: "00000000-0000-0000-0000-000000000000", data, retryCount: 0, retryLimit: 0 });
const evaluate = (data: unknown) => runJob("scorecards.evaluate", job(data));

// Before the worker starts (below), so nothing else picks these jobs up.
describe("scorecard evaluations and the docs refresh", () => {
  it("hold back while repositories are being read, and run the evaluation the refresh queues", async () => {
    const refresh = await enqueue("docs.refresh", { trigger: "catalog-refresh" });
    expect(await evaluate({ trigger: "fact-change" })).toEqual({
      skipped: "a docs refresh is running; it queues an evaluation",
    });
    expect(await db.scorecardRun.count()).toBe(0);

    // The refresh's own follow-up, and a change to one scorecard, are not held back.
    const after = await evaluate({ trigger: "fact-change", afterDocs: true });
    expect(after).toEqual({ runs: [{ scorecard: "production-readiness", status: "succeeded", entities: 0 }] });
    const one = await evaluate({ trigger: "definition-change", scorecard: "production-readiness" });
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
    expect(await evaluate({ trigger: "fact-change" })).toHaveProperty("runs");
  });
});

describe("job payloads", () => {
  it("refuses to send a payload that fails its schema", async () => {
    await expect(enqueue("scaffolder.run", { runId: 42 } as never)).rejects.toThrow();
    await expect(enqueue("docs.build", { entityId: "e1", force: "yes" } as never)).rejects.toThrow();
  });

  it("dead-letters a received payload that fails its schema instead of running or retrying it", async () => {
    const before = await db.scaffolderRun.count();
    expect(await runJob("scaffolder.run", job({ runId: { $ne: null } }))).toEqual({ deadLettered: ["runId: Invalid input: expected string, received object"] });
    const dead = await db.$queryRaw<{ data: { job: string; problems: string[] } }[]>`SELECT data FROM pgboss.job WHERE name = 'jobs.dead-letter'`;
    expect(dead.map((row) => row.data)).toEqual([expect.objectContaining({ job: "scaffolder.run", problems: ["runId: Invalid input: expected string, received object"] })]);
    expect(await db.scaffolderRun.count()).toBe(before);
  });

  it("forgets a failed pg-boss start, so the next call connects", async () => {
    await stopJobs();
    const good = process.env.DATABASE_URL!;
    const bad = new URL(good);
    bad.port = "1";
    try {
      process.env.DATABASE_URL = bad.toString();
      vi.resetModules();
      const first = await import("@/lib/jobs/queue");
      await expect(first.enqueue("maintenance.prune", {})).rejects.toThrow();
    } finally {
      process.env.DATABASE_URL = good;
    }
    vi.resetModules();
    const second = await import("@/lib/jobs/queue");
    expect(await second.enqueue("maintenance.prune", {})).toEqual(expect.any(String));
    await second.stopJobs();
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
    expect(await runJob("maintenance.prune", job({}))).toMatchObject({ deliveries: 1 });
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
    const jobId = await enqueue("maintenance.purge-expired-sessions", {});
    expect(jobId).toEqual(expect.any(String));

    const remaining = await until(
      () => db.session.findMany({ where: { userId: user.id }, select: { id: true } }),
      (rows) => rows.length === 1,
    );
    expect(remaining.map((r) => r.id)).toEqual([live.id]);
    expect(await db.session.findUnique({ where: { id: expired.id } })).toBeNull();
  });
});
