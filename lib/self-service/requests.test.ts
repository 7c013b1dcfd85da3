import { execFileSync } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { AppError } from "@/lib/errors";
import { listLocalPullRequests } from "@/lib/git/local-writer";
import { createDatabaseRequest, decideLocalRequest, openDatabasePullRequest } from "@/lib/self-service/mutations";
import { infraRepo } from "@/lib/self-service/infra-repo";
import { createUser } from "@/lib/testing/factories";

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
    await db.$executeRaw`TRUNCATE entities, relations, locations, database_requests CASCADE`;
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
