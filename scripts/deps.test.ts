import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { cruise, type IConfiguration } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

// The rules of .dependency-cruiser.cjs, run against a small tree that breaks each of them:
// if a rule stops catching what it is for, this fails.
const config = createRequire(import.meta.url)(path.resolve(import.meta.dirname, "../.dependency-cruiser.cjs")) as IConfiguration;
const root = mkdtempSync(path.join(os.tmpdir(), "pave-deps-"));

function write(files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

async function violations(): Promise<{ rule: string; from: string; to: string }[]> {
  const result = await cruise(["app", "components", "lib"], {
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: config.options?.enhancedResolveOptions,
    baseDir: root,
  });
  const summary = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  return summary.summary.violations.map((v: { rule: { name: string }; from: string; to: string }) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the dependency rules", () => {
  it("pass on a tree that keeps them", async () => {
    write({
      "lib/errors.ts": "export const E = 1;\n",
      "lib/git/index.ts": 'export { read } from "./local";\n',
      "lib/git/local.ts": 'import { E } from "../errors";\nexport const read = () => E;\n',
      "lib/catalog/mutations.ts": 'import { read } from "../git/index";\nimport { enqueue } from "../jobs/queue";\nexport const m = () => [read(), enqueue()];\n',
      "lib/jobs/queue.ts": "export const enqueue = () => 1;\n",
      "lib/jobs/registry.ts": 'import { m } from "../catalog/mutations";\nexport const handlers = { m };\n',
      "components/list.tsx": 'import { m } from "../lib/catalog/mutations";\nexport const List = () => m();\n',
      "app/page.tsx": 'import { List } from "../components/list";\nexport default List;\n',
    });
    expect(await violations()).toEqual([]);
  });

  it("catch a cycle, a reach into lib/git, tests, the job registry or the telemetry SDK, and imports that run upwards", async () => {
    write({
      "lib/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
      "lib/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      "lib/docs/build.ts": 'import { read } from "../git/local";\nimport { handlers } from "../jobs/registry";\nexport const build = [read, handlers];\n',
      "lib/docs/page-helper.ts": 'import Page from "../../app/page";\nexport const p = Page;\n',
      "components/uses-page.tsx": 'import Page from "../app/page";\nexport const X = Page;\n',
      "app/uses-tests.tsx": 'import { createUser } from "../tests/factories";\nexport const Y = createUser;\n',
      "tests/factories.ts": "export const createUser = () => 1;\n",
      "lib/telemetry/sdk.ts": "export const startTelemetry = () => 1;\n",
      "lib/catalog/traced.ts": 'import { startTelemetry } from "../telemetry/sdk";\nexport const t = startTelemetry;\n',
    });
    const rules = (await violations()).map((v) => `${v.rule}: ${v.from} → ${v.to}`).sort();
    expect(rules).toEqual(
      expect.arrayContaining([
        "no-cycles: lib/a.ts → lib/b.ts",
        "git-through-its-index: lib/docs/build.ts → lib/git/local.ts",
        "job-registry-only-for-the-worker: lib/docs/build.ts → lib/jobs/registry.ts",
        "lib-never-imports-app: lib/docs/page-helper.ts → app/page.tsx",
        "components-never-import-app: components/uses-page.tsx → app/page.tsx",
        "product-never-imports-tests: app/uses-tests.tsx → tests/factories.ts",
        "telemetry-sdk-only-at-start: lib/catalog/traced.ts → lib/telemetry/sdk.ts",
      ]),
    );
  });
});
