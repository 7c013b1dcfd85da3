import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { createUser } from "@/tests/factories";

describe("recordAudit", () => {
  it("keeps the actor's email so the trail still reads after the user is deleted", async () => {
    const user = await createUser();
    await recordAudit(db, { actor: user, action: "test.thing", target: { type: "thing", id: "t1" }, data: { changed: true } });
    await db.user.delete({ where: { id: user.id } });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "test.thing", targetId: "t1" } });
    expect(event).toMatchObject({ actorId: null, actorEmail: user.email, targetType: "thing", data: { changed: true } });
  });

  it("is written only if the change it belongs to commits", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await recordAudit(tx, { actor: null, action: "test.rolled_back", target: { type: "thing" } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count({ where: { action: "test.rolled_back" } })).toBe(0);
  });
});
