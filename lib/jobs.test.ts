import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { enqueue, startWorker, stopJobs } from "@/lib/jobs";
import { createSession, createUser } from "@/lib/testing/factories";

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
