import { execFileSync } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { AppError } from "@/lib/errors";
import { getLocalPullRequest, listLocalPullRequests } from "@/lib/git/local-writer";
import { applyRequestStatus, createDatabaseRequest, decideLocalRequest, openDatabasePullRequest } from "@/lib/self-service/mutations";
import { infraRepo } from "@/lib/self-service/infra-repo";
import { createUser } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

const catalog = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-service
spec:
  type: service
  lifecycle: production
  owner: team-checkout
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search-api
spec:
  type: service
  lifecycle: production
  owner: team-search
`;

const form = (overrides: Record<string, string> = {}) => ({
  service: "component:default/checkout-service",
  environment: "staging",
  engine: "postgres",
  engineVersion: "16",
  tier: "small",
  backupRetentionDays: "7",
  multiAz: "",
  justification: "Orders need a relational store with transactions.",
  ...overrides,
});

async function fieldErrors(promise: Promise<unknown>): Promise<Record<string, string>> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).fields;
}

const gitShow = (dir: string, spec: string) => execFileSync("git", ["--git-dir", dir, "show", spec], { encoding: "utf8" });

describe("database requests in the embedded default (local infra repo)", () => {
  beforeEach(async () => {
    await resetDatabase();
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(catalog).entities, { type: "upload" }));
  });

  it("goes from request to a reviewed, merged change on the infra repo's main branch", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const pat = await createUser({ role: "platform" });
    const { id } = await createDatabaseRequest(max, form());
    const request = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(request).toMatchObject({ status: "submitted", serviceName: "checkout-service", filePath: "terraform/envs/staging/databases/checkout-service.tf" });
    expect(request.branch).toMatch(/^pave\/db\/checkout-service-staging-[a-z0-9]{8}$/);

    expect(await openDatabasePullRequest(id)).toBe("opened");
    expect(await openDatabasePullRequest(id)).toBe("already-open");
    const repo = infraRepo();
    const pulls = await listLocalPullRequests(repo.localDir!);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: request.branch, base: "main", labels: ["self-service", "terraform", "env:staging"] });
    expect(gitShow(repo.localDir!, `${request.branch}:${request.filePath}`)).toBe(request.hcl);

    await expect(decideLocalRequest(max, id, "approve")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(decideLocalRequest(pat, id, "merge")).rejects.toThrow(/Approve the request before merging/);
    expect(await decideLocalRequest(pat, id, "approve")).toBe("approved");
    expect(await decideLocalRequest(pat, id, "merge")).toBe("provisioned");
    expect(gitShow(repo.localDir!, `main:${request.filePath}`)).toBe(request.hcl);

    const events = await db.databaseRequestEvent.findMany({ where: { requestId: id }, orderBy: { at: "asc" }, select: { status: true } });
    expect(events.map((e) => e.status)).toEqual(["submitted", "pr_opened", "approved", "provisioned"]);
    const audit = await db.auditEvent.findMany({ where: { targetId: id }, select: { action: true, actorId: true } });
    expect(audit).toContainEqual({ action: "self_service.database.provisioned", actorId: pat.id });
  });

  it("never lets the requester approve or merge their own request", async () => {
    const requester = await createUser({ role: "platform" });
    const other = await createUser({ role: "platform" });
    const { id } = await createDatabaseRequest(requester, form());
    await openDatabasePullRequest(id);
    await expect(decideLocalRequest(requester, id, "approve")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await decideLocalRequest(other, id, "approve")).toBe("approved");
    await expect(decideLocalRequest(requester, id, "merge")).rejects.toMatchObject({ code: "FORBIDDEN" });
    const request = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(request.status).toBe("approved");
    expect((await getLocalPullRequest(infraRepo().localDir!, request.prNumber!))?.merged).toBe(false);
    // Withdrawing (rejecting) one's own request is fine.
    expect(await decideLocalRequest(requester, id, "reject")).toBe("rejected");
  });

  it("serialises decisions made at the same moment: no review is lost, and a reject and a merge never both succeed", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const [ada, pat, sam] = await Promise.all([createUser({ role: "platform" }), createUser({ role: "platform" }), createUser({ role: "platform" })]);
    for (const environment of ["dev", "staging", "prod"] as const) {
      const { id } = await createDatabaseRequest(max, form({ environment, ...(environment === "prod" ? { backupRetentionDays: "14" } : {}) }));
      await openDatabasePullRequest(id);
      // Two approvals at once: both are recorded on the change request.
      await Promise.all([decideLocalRequest(ada, id, "approve"), decideLocalRequest(pat, id, "approve")]);
      const { prNumber, filePath } = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
      const pr = await getLocalPullRequest(infraRepo().localDir!, prNumber!);
      expect(pr?.reviews.map((r) => r.reviewer).sort()).toEqual([ada.email, pat.email].sort());

      const results = await Promise.allSettled([decideLocalRequest(ada, id, "merge"), decideLocalRequest(sam, id, "reject")]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const final = await db.databaseRequest.findUniqueOrThrow({ where: { id }, include: { events: true } });
      const merged = (await getLocalPullRequest(infraRepo().localDir!, prNumber!))?.merged;
      // The file carries the request's id, so main holds this request's file only if it was merged.
      const onMain = (() => {
        try {
          return gitShow(infraRepo().localDir!, `main:${filePath}`) === final.hcl;
        } catch {
          return false;
        }
      })();
      expect(final.status).toBe(merged ? "provisioned" : "rejected");
      expect(onMain).toBe(merged);
      expect(final.events.filter((e) => e.status === "provisioned" || e.status === "rejected")).toHaveLength(1);
    }
  });

  it("merges only while the approval stands: a change request stops the merge", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const [ada, pat] = await Promise.all([createUser({ role: "platform" }), createUser({ role: "platform" })]);
    const { id } = await createDatabaseRequest(max, form());
    await openDatabasePullRequest(id);
    await decideLocalRequest(ada, id, "approve");
    expect(await decideLocalRequest(pat, id, "request_changes")).toBe("changes_requested");
    await expect(decideLocalRequest(ada, id, "merge")).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await db.databaseRequest.findUniqueOrThrow({ where: { id } })).status).toBe("changes_requested");
  });

  it("refuses an impossible status change, such as reviving a failed request", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const { id } = await createDatabaseRequest(max, form());
    // Before its pull request exists, a review cannot apply.
    expect(await applyRequestStatus(id, { status: "approved", reviewNote: null }, null)).toBe(false);
    await db.databaseRequest.update({ where: { id }, data: { status: "failed" } });
    expect(await applyRequestStatus(id, { status: "provisioned", reviewNote: null }, null)).toBe(false);
    expect((await db.databaseRequest.findUniqueOrThrow({ where: { id } })).status).toBe("failed");
  });

  it("refuses a second request for the same service and environment, linking the first", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const { id } = await createDatabaseRequest(max, form());
    const errors = await fieldErrors(createDatabaseRequest(max, form({ engine: "mysql", engineVersion: "8.0" })));
    expect(errors.environment).toContain(`/self-service/databases/${id}`);
    expect(await db.databaseRequest.count()).toBe(1);
    // Another environment is fine.
    await createDatabaseRequest(max, form({ environment: "dev" }));
    expect(await db.databaseRequest.count()).toBe(2);
  });

  it("answers bad input field by field and writes nothing", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    expect(Object.keys(await fieldErrors(createDatabaseRequest(max, form({ tier: "huge" }))))).toEqual(["tier"]);
    expect(Object.keys(await fieldErrors(createDatabaseRequest(max, form({ justification: "x".repeat(10_000) }))))).toEqual(["justification"]);
    expect(Object.keys(await fieldErrors(createDatabaseRequest(max, form({ environment: "prod", backupRetentionDays: "3" }))))).toEqual(["backupRetentionDays"]);
    expect(Object.keys(await fieldErrors(createDatabaseRequest(max, form({ engineVersion: '16"; rm -rf /' }))))).toEqual(["engineVersion"]);
    expect(await fieldErrors(createDatabaseRequest(max, form({ service: "component:default/search-api" })))).toEqual({ service: "You can only request databases for services your team owns" });
    expect(await fieldErrors(createDatabaseRequest(max, form({ service: "component:default/ghost" })))).toEqual({ service: "Choose a service from the catalog" });
    expect(await db.databaseRequest.count()).toBe(0);
  });

  it("forces multi-AZ on for production", async () => {
    const pat = await createUser({ role: "platform" });
    const { id } = await createDatabaseRequest(pat, form({ environment: "prod", multiAz: "" }));
    const request = await db.databaseRequest.findUniqueOrThrow({ where: { id } });
    expect(request.multiAz).toBe(true);
    expect(request.hcl).toMatch(/multi_az\s*=\s*true/);
  });
});
