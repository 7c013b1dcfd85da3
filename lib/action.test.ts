import { notFound, redirect } from "next/navigation";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineActionWith, type RevalidateTarget } from "@/lib/action";
import type { CurrentUser } from "@/lib/auth/session";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";

const member: CurrentUser = { id: "u-member", name: "Member", email: "member@test.local", image: null, role: "member", groups: ["team-a"] };

/** An action factory whose revalidations are written down, in order, as "path" or "path (layout)". */
function recording(user: CurrentUser | null = member) {
  const revalidated: string[] = [];
  const define = defineActionWith({
    currentUser: async () => user,
    revalidatePath: (path, type) => revalidated.push(type ? `${path} (${type})` : path),
  });
  return { define, revalidated };
}

const nameSchema = z.object({ name: z.string().min(1, "Give a name") });
const CATALOG: RevalidateTarget = { path: "/catalog", type: "layout" };

describe("defineAction revalidate", () => {
  it("revalidates its paths after a successful run, in order, with their type", async () => {
    const { define, revalidated } = recording();
    const action = define({
      name: "test.save",
      role: "member",
      schema: nameSchema,
      revalidate: [CATALOG, "/create"],
      async run({ name }) {
        expect(revalidated).toEqual([]); // not before the work is done
        return { saved: name };
      },
    });
    expect(await action(null, { name: "checkout" })).toEqual({ ok: true, data: { saved: "checkout" } });
    expect(revalidated).toEqual(["/catalog (layout)", "/create"]);
  });

  it("computes paths from the input and the result", async () => {
    const { define, revalidated } = recording();
    const action = define({
      name: "test.decide",
      role: "member",
      schema: z.object({ requestId: z.string() }),
      revalidate: ({ requestId }, result) => [`/requests/${requestId}`, `/owners/${result?.owner}`],
      async run() {
        return { owner: "team-a" };
      },
    });
    await action(null, { requestId: "r1" });
    expect(revalidated).toEqual(["/requests/r1", "/owners/team-a"]);
  });

  it("revalidates nothing when the input is refused, the role is missing, or run() fails", async () => {
    const { define, revalidated } = recording();
    const failing = (error: unknown) =>
      define({
        name: "test.fail",
        role: "member",
        schema: nameSchema,
        revalidate: [CATALOG],
        async run() {
          throw error;
        },
      });
    expect(await failing(null)(null, { name: "" })).toMatchObject({ ok: false, fieldErrors: { name: ["Give a name"] } });
    expect(await failing(new AppError("CONFLICT", "Taken."))(null, { name: "x" })).toMatchObject({ ok: false, error: "Taken." });
    expect(await failing(new Error("connection reset"))(null, { name: "x" })).toEqual({ ok: false, error: GENERIC_ERROR_MESSAGE });

    const adminOnly = define({ name: "test.admin", role: "admin", schema: nameSchema, revalidate: [CATALOG], run: async () => "done" });
    expect(await adminOnly(null, { name: "x" })).toMatchObject({ ok: false, error: expect.stringContaining("admin") });
    expect(revalidated).toEqual([]);
  });

  it("revalidates before a redirect at the end of run() leaves the action, and lets the redirect through", async () => {
    const { define, revalidated } = recording();
    let seenByRevalidate: unknown = "not called";
    const action = define({
      name: "test.create",
      role: "member",
      schema: nameSchema,
      revalidate: (_input, result) => {
        seenByRevalidate = result;
        return [CATALOG];
      },
      async run({ name }) {
        redirect(`/catalog/component/default/${name}`);
      },
    });
    const thrown = await action(null, { name: "checkout" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(thrown).toMatchObject({ digest: expect.stringContaining("NEXT_REDIRECT") });
    expect((thrown as { digest: string }).digest).toContain("/catalog/component/default/checkout");
    expect(revalidated).toEqual(["/catalog (layout)"]);
    expect(seenByRevalidate).toBeUndefined();
  });

  it("revalidates nothing when run() ends in notFound()", async () => {
    const { define, revalidated } = recording();
    const action = define({
      name: "test.missing",
      role: "member",
      schema: nameSchema,
      revalidate: [CATALOG],
      async run() {
        notFound();
      },
    });
    await expect(action(null, { name: "x" })).rejects.toMatchObject({ digest: expect.stringContaining("404") });
    expect(revalidated).toEqual([]);
  });

  it("sends someone without a session to sign in, revalidating nothing", async () => {
    const { define, revalidated } = recording(null);
    const action = define({ name: "test.anon", role: "member", schema: nameSchema, revalidate: [CATALOG], run: async () => "done" });
    await expect(action(null, { name: "x" })).rejects.toMatchObject({ digest: expect.stringContaining("/sign-in") });
    expect(revalidated).toEqual([]);
  });
});
