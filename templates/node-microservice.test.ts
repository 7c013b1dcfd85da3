import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executeSteps, type StepRecorder } from "@/lib/scaffolder/runner";
import { loadTemplate } from "@/lib/scaffolder/templates";

const quiet: StepRecorder = {
  started: async () => {},
  succeeded: async () => {},
  failed: async () => {},
  skipped: async () => {},
  log: async () => {},
  previousOutput: async () => undefined,
};

/** Renders the skeleton exactly as a run does (the fetch:template step), into a fresh folder. */
async function generate(values: Record<string, unknown>): Promise<string> {
  const template = (await loadTemplate("builtin:node-microservice"))!;
  const workspace = mkdtempSync(path.join(os.tmpdir(), "pave-generated-"));
  const fetchOnly = { ...template, steps: template.steps.filter((s) => s.action === "fetch:template"), output: {} };
  await executeSteps({
    template: fetchOnly,
    values,
    secrets: {},
    user: { id: "u", email: "max@pave.local", entity: null, ref: "user:default/max" },
    runId: "generated-service-test",
    dryRun: true,
    workspace,
    recorder: quiet,
  });
  return workspace;
}

const run = (cwd: string, args: string[]) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: "pipe", env: { ...process.env, NODE_ENV: "development", npm_config_audit: "false", npm_config_fund: "false" } });

describe("the node-microservice golden path produces a service that builds and passes its own tests", () => {
  for (const enableFlags of [true, false]) {
    it(`with feature flags ${enableFlags ? "on" : "off"}`, { timeout: 240_000 }, async () => {
      const dir = await generate({
        name: "demo-svc",
        description: "A generated service",
        owner: "group:default/team-checkout",
        system: "system:default/checkout",
        repoUrl: "github.com?owner=acme&repo=demo-svc",
        port: 8080,
        enableFlags,
        lifecycle: "experimental",
      });
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      expect(pkg.name).toBe("demo-svc");
      expect(Object.keys(pkg.dependencies ?? {}).includes("unleash-client")).toBe(enableFlags);
      run(dir, ["install", "--no-audit", "--no-fund", "--loglevel=error"]);
      const output = run(dir, ["test"]);
      expect(output).toMatch(/# fail 0/);
      expect(output).toMatch(/# pass [1-9]/);
    });
  }
});
