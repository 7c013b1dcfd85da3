import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { stopJobs } from "@/lib/jobs/queue";
import { createScorecard, deleteScorecard, requestEvaluation, updateScorecard } from "@/lib/scorecards/mutations";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const yaml = (name: string, level = "one") => `apiVersion: pave.dev/v1
kind: Scorecard
metadata: { name: ${name}, title: ${name} }
spec:
  levels: [{ id: one, title: One }]
  rules:
    - { id: owned, title: Owned, level: ${level}, check: owner-is-group, howToFix: Set an owner. }
`;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const queuedEvaluations = () =>
  db.$queryRaw<{ data: { trigger: string; scorecard?: string } }[]>`SELECT data FROM pgboss.job WHERE name = 'scorecards.evaluate' ORDER BY created_on`;

afterAll(async () => {
  await stopJobs();
});

describe("scorecards written in Pave", () => {
  beforeEach(async () => {
    await resetDatabase();
  });

  it("creates, renames and deletes a scorecard, audited, queuing its evaluation", async () => {
    const admin = await createUser({ role: "admin" });
    expect(await createScorecard(admin, yaml("team-basics"))).toEqual({ name: "team-basics" });
    const row = await db.scorecard.findUniqueOrThrow({ where: { name: "team-basics" } });
    expect(row).toMatchObject({ source: "ui", path: null, error: null, createdById: admin.id, yaml: yaml("team-basics") });
    expect(row.definition).toMatchObject({ name: "team-basics", rules: [{ id: "owned" }] });
    expect((await queuedEvaluations()).map((j) => j.data)).toContainEqual({ trigger: "definition-change", scorecard: "team-basics" });

    expect(await updateScorecard(admin, "team-basics", yaml("team-essentials"))).toEqual({ name: "team-essentials" });
    expect(await db.scorecard.findUnique({ where: { id: row.id }, select: { name: true } })).toEqual({ name: "team-essentials" });

    await deleteScorecard(admin, "team-essentials");
    expect(await db.scorecard.count()).toBe(0);
    const audit = await db.auditEvent.findMany({ where: { targetId: row.id }, orderBy: { at: "asc" }, select: { action: true, actorId: true } });
    expect(audit).toEqual([
      { action: "scorecards.create", actorId: admin.id },
      { action: "scorecards.update", actorId: admin.id },
      { action: "scorecards.delete", actorId: admin.id },
    ]);
  });

  it("refuses invalid YAML with every problem as path: reason", async () => {
    const admin = await createUser({ role: "admin" });
    const error = await failure(createScorecard(admin, yaml("Bad Name", "two")));
    expect(error.code).toBe("INVALID");
    expect(error.message).toBe("The scorecard has 3 problems. Nothing was saved.");
    expect(error.details).toEqual([
      "metadata.name: must be lowercase letters and digits separated by single dashes, e.g. production-readiness",
      'spec.rules[0].level: "two" is not one of the levels (one)',
      'spec.levels[0]: level "one" has no rules',
    ]);
    expect(error.fields.yaml).toBe(error.details[0]);
    expect(await db.scorecard.count()).toBe(0);
  });

  it("refuses a taken name, non-admins, and changes to file scorecards", async () => {
    const admin = await createUser({ role: "admin" });
    const platform = await createUser({ role: "platform" });
    await db.scorecard.create({ data: { name: "from-file", title: "From file", source: "file", path: "from-file.yaml", yaml: yaml("from-file") } });

    expect(await failure(createScorecard(admin, yaml("from-file")))).toMatchObject({ code: "CONFLICT", fields: { yaml: 'metadata.name: "from-file" is already taken' } });
    expect(await failure(createScorecard(platform, yaml("mine")))).toMatchObject({ code: "FORBIDDEN" });
    const fileError = await failure(updateScorecard(admin, "from-file", yaml("from-file")));
    expect(fileError.code).toBe("FORBIDDEN");
    expect(fileError.message).toMatch(/^This scorecard is read from .*from-file\.yaml; change it in that file, not in Pave\.$/);
    expect(await failure(deleteScorecard(admin, "from-file"))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(deleteScorecard(admin, "missing"))).toMatchObject({ code: "NOT_FOUND" });

    await createScorecard(admin, yaml("mine"));
    expect(await failure(updateScorecard(admin, "mine", yaml("from-file")))).toMatchObject({ code: "CONFLICT" });
  });

  it("queues a full evaluation for the platform team only; requests close together are debounced, not lost", async () => {
    const member = await createUser();
    const platform = await createUser({ role: "platform" });
    expect(await failure(requestEvaluation(member))).toMatchObject({ code: "FORBIDDEN" });
    // The first runs now; the second waits for the next slot; a third finds one already waiting.
    const results = [await requestEvaluation(platform), await requestEvaluation(platform), await requestEvaluation(platform)];
    expect(results.map((r) => r.queued)).toEqual([true, true, false]);
    const manual = (await queuedEvaluations()).filter((j) => j.data.trigger === "manual");
    expect(manual).toHaveLength(2);
    expect(await db.auditEvent.count({ where: { action: "scorecards.evaluate", actorId: platform.id } })).toBe(3);
  });
});
