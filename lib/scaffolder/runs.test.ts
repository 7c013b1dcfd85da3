import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { stringify as toYaml } from "yaml";
import { z } from "zod";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { ACTIONS } from "@/lib/scaffolder/builtin-actions";
import { dryRunTemplate, executeRun, ParameterError, startRun, sweepLostRuns } from "@/lib/scaffolder/runs";
import { getRunView } from "@/lib/scaffolder/queries";
import { stopJobs } from "@/lib/jobs/queue";
import { createUser, registerTemplateSource } from "@/tests/factories";
import { whileTicking } from "@/tests/event-loop";
import { afterAll } from "vitest";
import { resetDatabase } from "@/tests/reset";

const org = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-checkout
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: checkout
spec:
  owner: team-checkout
`;

const secretDemo = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: secret-demo
  title: Secret demo
spec:
  type: service
  parameters:
    - title: Token
      required: [token, label]
      properties:
        label: { type: string }
        token: { type: string, "ui:widget": password }
  steps:
    - id: say
      name: Say something
      action: debug:log
      input:
        message: "label=\${{ parameters.label }} token=\${{ secrets.token }}"
`;

const answers = (name: string) => ({
  name,
  description: "Gift card balances",
  owner: "group:default/team-checkout",
  system: "system:default/checkout",
  repoUrl: `github.com?owner=acme&repo=${name}`,
  port: 8080,
  enableFlags: true,
  lifecycle: "experimental",
});

const gitRoot = () => process.env.PAVE_GIT_ROOT!;

describe("running the node-microservice golden path", () => {
  beforeAll(async () => {
    await resetDatabase();
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(org).entities, { type: "upload" }));
    await registerTemplateSource(secretDemo);
  });
  afterAll(async () => {
    await stopJobs();
  });

  it("previews the generated files in a dry run without creating anything", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const preview = await dryRunTemplate(max, "builtin:node-microservice", answers("preview-svc"));
    expect(preview.error).toBeUndefined();
    const paths = preview.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["catalog-info.yaml", "package.json", "Dockerfile", ".github/workflows/ci.yaml"]));
    const catalogInfo = preview.files.find((f) => f.path === "catalog-info.yaml")!.content!;
    expect(catalogInfo).toContain("name: preview-svc");
    expect(preview.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(preview.log.join("\n")).toMatch(/Dry run: would create acme\/preview-svc/);
    // Nothing left behind: no repository, no location, no entity, no run.
    expect(existsSync(path.join(gitRoot(), "acme", "preview-svc.git"))).toBe(false);
    expect(await db.location.count()).toBe(1); // the secret-demo template's own
    expect(await db.entity.count({ where: { name: "preview-svc" } })).toBe(0);
    expect(await db.scaffolderRun.count()).toBe(0);
  });

  it("creates a repository git can clone and registers it in the catalog; a retry repeats nothing", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "builtin:node-microservice", answers("gift-cards"));
    expect(await executeRun(runId)).toBe("succeeded");

    const run = (await getRunView(runId, max))!;
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const repoLink = run.output?.links?.find((l) => l.url)?.url;
    expect(repoLink).toBe(`file://${path.join(gitRoot(), "acme", "gift-cards.git")}`);
    expect(run.output?.links?.find((l) => l.entityRef)?.entityRef).toBe("component:default/gift-cards");

    const clone = mkdtempSync(path.join(os.tmpdir(), "pave-clone-"));
    execFileSync("git", ["clone", "--quiet", repoLink!, clone]);
    expect(readFileSync(path.join(clone, "catalog-info.yaml"), "utf8")).toContain("name: gift-cards");
    const entity = await db.entity.findUniqueOrThrow({ where: { key: "component:default/gift-cards" } });
    expect(entity).toMatchObject({ owner: "group:default/team-checkout", system: "system:default/checkout", sourceType: "location" });

    // Simulate a crash after publishing: the register step and the location are gone, the run is re-queued.
    await db.location.deleteMany({ where: { templateSource: false } });
    await db.scaffolderStep.update({ where: { runId_stepId: { runId, stepId: "register" } }, data: { status: "pending", output: undefined } });
    await db.scaffolderRun.update({ where: { id: runId }, data: { status: "queued" } });
    expect(await executeRun(runId)).toBe("succeeded");
    expect(readdirSync(path.join(gitRoot(), "acme")).filter((d) => d.startsWith("gift-cards"))).toEqual(["gift-cards.git"]);
    expect(await db.entity.count({ where: { name: "gift-cards" } })).toBe(1);
    const log = (await getRunView(runId, max))!.log.map((l) => l.message).join("\n");
    expect(log).toMatch(/already succeeded in an earlier attempt/);

    const audit = await db.auditEvent.findMany({ where: { targetId: runId }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["scaffolder.run.start", "scaffolder.run.succeeded"]));
  });

  it("fails a run whose repository name is taken by something else, saying so", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const first = await startRun(max, "builtin:node-microservice", answers("taken-name"));
    expect(await executeRun(first)).toBe("succeeded");
    const second = await startRun(max, "builtin:node-microservice", answers("taken-name"));
    expect(await executeRun(second)).toBe("failed");
    const run = (await getRunView(second, max))!;
    expect(run.error).toMatch(/Step "[^"]+" failed: .*already exists/);
    expect(run.steps.find((s) => s.status === "failed")?.stepId).toBe("publish");
  });

  it("refuses bad answers field by field, and entities that are not in the catalog", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const error = await startRun(max, "builtin:node-microservice", { ...answers("Bad Name"), owner: "group:default/nobody", port: 80 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect(Object.keys((error as ParameterError).fields).sort()).toEqual(["name", "owner", "port", "repoUrl"]);
    expect(await db.scaffolderRun.count({ where: { createdById: max.id } })).toBe(0);
  });

  it("never stores or logs a secret answer in clear, and any process can run the run", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "catalog:default/secret-demo", { label: "hello", token: "s3cr3t-value" });
    // Kept sealed in Postgres until the run ends, not in this process's memory.
    const sealed = await db.scaffolderRunSecret.findUniqueOrThrow({ where: { runId } });
    expect(sealed.sealed).toMatch(/^v1\./);
    expect(sealed.sealed).not.toContain("s3cr3t");
    // Another worker (a fresh copy of the modules) runs it with the secret.
    vi.resetModules();
    const otherWorker = await import("@/lib/scaffolder/runs");
    expect(await otherWorker.executeRun(runId)).toBe("succeeded");
    expect(await db.scaffolderRunSecret.count({ where: { runId } })).toBe(0);
    const run = (await getRunView(runId, max))!;
    expect(run.parameters).toEqual({ label: "hello" });
    const logs = await db.scaffolderLog.findMany({ where: { runId }, select: { message: true } });
    const stored = JSON.stringify(logs) + JSON.stringify(await db.scaffolderRun.findUnique({ where: { id: runId } }));
    expect(stored).toContain("label=hello token=***");
    expect(stored).not.toContain("s3cr3t-value");
  });
});

describe("a run across several workers", () => {
  beforeAll(async () => {
    await resetDatabase();
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(org).entities, { type: "upload" }));
  });
  afterAll(async () => {
    await stopJobs();
  });

  /** The run's pg-boss jobs, by state. */
  const jobStates = async (runId: string) =>
    (await db.$queryRaw<{ state: string }[]>`SELECT state::text FROM pgboss.job WHERE name = 'scaffolder.run' AND data->>'runId' = ${runId}`).map((row) => row.state).sort();

  it("is executed by one worker when two are handed it at once: one repository, one entity", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "builtin:node-microservice", answers("handed-twice"));
    const results = await Promise.all([executeRun(runId), executeRun(runId)]);
    expect(results.sort()).toEqual(["held", "succeeded"]);
    expect(readdirSync(path.join(gitRoot(), "acme")).filter((d) => d.startsWith("handed-twice"))).toEqual(["handed-twice.git"]);
    expect(await db.entity.count({ where: { name: "handed-twice" } })).toBe(1);
    expect((await db.scaffolderRun.findUniqueOrThrow({ where: { id: runId } })).leaseUntil).toBeNull();
  });

  it("is left alone while its worker renews the lease, and taken over once the lease lapses", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "builtin:node-microservice", answers("worker-died"));
    // A worker took the job and the run, then died: its job stays active, its lease runs out.
    await db.$executeRaw`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = 'scaffolder.run' AND data->>'runId' = ${runId}`;
    await db.scaffolderRun.update({ where: { id: runId }, data: { status: "running", leaseUntil: new Date(Date.now() + 60_000) } });
    expect(await sweepLostRuns()).toEqual([]);
    expect(await executeRun(runId)).toBe("held");

    await db.scaffolderRun.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    expect(await sweepLostRuns()).toEqual([runId]);
    expect(await jobStates(runId)).toEqual(["active", "created"]);
    // A second sweep before a worker got to it queues nothing more.
    expect(await sweepLostRuns()).toEqual([]);
    expect(await executeRun(runId)).toBe("succeeded");
    expect(await db.entity.count({ where: { name: "worker-died" } })).toBe(1);
  });

  it("is queued again when its enqueue was lost, once a lease period has passed", async () => {
    const max = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(max, "builtin:node-microservice", answers("enqueue-lost"));
    await db.$executeRaw`DELETE FROM pgboss.job WHERE name = 'scaffolder.run' AND data->>'runId' = ${runId}`;
    expect(await sweepLostRuns()).toEqual([]); // just created: its job may be on its way
    await db.scaffolderRun.update({ where: { id: runId }, data: { createdAt: new Date(Date.now() - 120_000) } });
    expect(await sweepLostRuns()).toEqual([runId]);
    expect(await jobStates(runId)).toEqual(["created"]);
  });
});

/** A catalog Template with a password field `token`, and the given steps and output. */
function secretTemplate(name: string, steps: unknown[], output: unknown = {}) {
  return toYaml({
    apiVersion: "scaffolder.backstage.io/v1beta3",
    kind: "Template",
    metadata: { name, title: name },
    spec: {
      type: "service",
      parameters: [{ title: "Token", required: ["token"], properties: { token: { type: "string", "ui:widget": "password" } } }],
      steps,
      output,
    },
  });
}

const TOKEN = "s3cr3t-value";
const log = (message: string) => ({ id: "say", name: "Say something", action: "debug:log", input: { message } });

/** Everything stored about a run, as one text to search for the secret in any case. */
async function storedRun(runId: string): Promise<string> {
  const rows = await Promise.all([
    db.scaffolderRun.findUnique({ where: { id: runId } }),
    db.scaffolderStep.findMany({ where: { runId } }),
    db.scaffolderLog.findMany({ where: { runId } }),
    db.auditEvent.findMany({ where: { targetId: runId } }),
  ]);
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
}

describe("secrets in templates", () => {
  beforeAll(async () => {
    // A test-only action that hands its input back as its output, as an action wrapping an API might.
    ACTIONS["test:echo"] = {
      id: "test:echo",
      description: "Outputs its input.",
      schema: z.object({ value: z.string() }),
      sideEffects: false,
      handler: async (ctx) => ctx.output("value", (ctx.input as { value: string }).value),
    };
    const templates = [
      secretTemplate("secret-upper", [log("token=${{ secrets.token | upper }}")]),
      secretTemplate("secret-concat-output", [log("hello")], { text: [{ title: "Token", content: "${{ 'x' ~ secrets.token }}" }] }),
      secretTemplate("secret-set-lower", [log("{% set t = secrets.token %}${{ t | lower }}")]),
      secretTemplate("secret-bare", [log("token=${{ secrets.token }}")]),
      secretTemplate("secret-echo", [{ id: "echo", name: "Echo", action: "test:echo", input: { value: "${{ secrets.token }}" } }], {
        text: [{ title: "Token", content: "token ${{ secrets.token }}" }, { title: "Echoed", content: "${{ steps.echo.output.value }}" }],
      }),
    ].join("---\n");
    await registerTemplateSource(templates);
    return () => {
      delete ACTIONS["test:echo"];
    };
  });

  it("refuses a template that passes a secret through a filter into a log, before any step runs", async () => {
    const max = await createUser();
    const preview = await dryRunTemplate(max, "catalog:default/secret-upper", { token: TOKEN });
    expect(preview.ok).toBe(false);
    expect(preview.error).toMatch(/not run because it uses a secret in a way Pave cannot mask: step "Say something", steps\.say\.input\.message, line 1, column 7/);
    expect(preview.steps.map((s) => s.status)).toEqual(["pending"]);
    expect(preview.log).toEqual([]);

    const runId = await startRun(max, "catalog:default/secret-upper", { token: TOKEN });
    expect(await executeRun(runId)).toBe("failed");
    const stored = await storedRun(runId);
    expect(stored).toContain("cannot mask: step \\\"Say something\\\", steps.say.input.message");
    expect(stored.toLowerCase()).not.toContain(TOKEN);
    const steps = await db.scaffolderStep.findMany({ where: { runId }, select: { status: true, startedAt: true } });
    expect(steps).toEqual([{ status: "pending", startedAt: null }]);
  });

  it("refuses a secret joined with ~ in the output, and one transformed through a set variable", async () => {
    const max = await createUser();
    const concat = await dryRunTemplate(max, "catalog:default/secret-concat-output", { token: TOKEN });
    expect(concat.error).toMatch(/cannot mask: output\.text\[0\]\.content, line 1, column 1/);
    expect(concat.steps.map((s) => s.status)).toEqual(["pending"]);
    expect(JSON.stringify(concat).toLowerCase()).not.toContain(TOKEN);

    const viaSet = await dryRunTemplate(max, "catalog:default/secret-set-lower", { token: TOKEN });
    expect(viaSet.error).toMatch(/cannot mask: step "Say something", steps\.say\.input\.message, line 1, column \d+/);
    expect(JSON.stringify(viaSet).toLowerCase()).not.toContain(TOKEN);
  });

  it("masks a bare secret in the log of a dry run", async () => {
    const max = await createUser();
    const preview = await dryRunTemplate(max, "catalog:default/secret-bare", { token: TOKEN });
    expect(preview.error).toBeUndefined();
    expect(preview.log).toEqual(["token=***"]);
  });

  it("stores step and run outputs with secrets masked, while later steps see the real value", async () => {
    const max = await createUser();
    const runId = await startRun(max, "catalog:default/secret-echo", { token: TOKEN });
    expect(await executeRun(runId)).toBe("succeeded");
    const step = await db.scaffolderStep.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "echo" } }, select: { output: true } });
    expect(step.output).toEqual({ value: "***" });
    const run = await db.scaffolderRun.findUniqueOrThrow({ where: { id: runId }, select: { output: true } });
    expect(run.output).toEqual({ text: [{ title: "Token", content: "token ***" }, { title: "Echoed", content: "***" }] });
    expect((await storedRun(runId)).toLowerCase()).not.toContain(TOKEN);

    const preview = await dryRunTemplate(max, "catalog:default/secret-echo", { token: TOKEN });
    expect(preview.output).toEqual({ text: [{ title: "Token", content: "token ***" }, { title: "Echoed", content: "***" }] });
  });
});

describe("a hostile template", () => {
  // Builds a 1,000,000-character text, then upper-cases it in each of 10,000 iterations:
  // a minute of work for the thread that renders it, if nothing stops it.
  const spin =
    "{% set s = 'xxxxxxxxxx'" + " | replace('x', 'xxxxxxxxxx')".repeat(5) + " %}" +
    "{% for c in s | truncate(10000, true, '') | split('') %}${{ s | upper | length }}{% endfor %}";

  beforeAll(async () => {
    const template = (name: string, message: string) =>
      toYaml({
        apiVersion: "scaffolder.backstage.io/v1beta3",
        kind: "Template",
        metadata: { name, title: name },
        spec: { type: "service", parameters: [], steps: [{ id: name, name: "Spin", action: "debug:log", input: { message } }] },
      });
    const templates = [template("spin", spin), template("calm", "hello")].join("---\n");
    await registerTemplateSource(templates);
  });

  it("fails its dry run on the work budget while this thread keeps answering within 100 ms", async () => {
    const max = await createUser();
    // Start a thread first, so the measurement covers rendering only.
    expect((await dryRunTemplate(max, "catalog:default/calm", {})).log).toEqual(["hello"]);
    const { result: preview, longestGapMs } = await whileTicking(() => dryRunTemplate(max, "catalog:default/spin", {}));
    expect(preview.ok).toBe(false);
    expect(preview.error).toMatch(/^Step "Spin" failed: its template could not be rendered: steps\.spin\.input\.message, line 1, column \d+: template exceeded its work budget/);
    expect(longestGapMs).toBeLessThan(100);
  });
});
