import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseCatalogYaml } from "@/lib/catalog/descriptor";
import { writeEntities } from "@/lib/catalog/store";
import { executeRun, startRun } from "@/lib/scaffolder/runs";
import { getRunView, listRuns } from "@/lib/scaffolder/queries";
import { createUser, registerTemplateSource } from "@/tests/factories";
import { resetDatabase } from "@/tests/reset";

// A template owned by team-templates whose run logs, outputs and fails with its answers.
const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: visible-answers
spec:
  owner: team-templates
  type: service
  parameters:
    - required: [codename]
      properties:
        codename: { type: string }
        fail: { type: boolean }
  steps:
    - id: say
      name: Say
      action: debug:log
      input:
        message: "codename is \${{ parameters.codename }}"
    - id: break
      name: Break
      if: \${{ parameters.fail }}
      action: no:such-action
  output:
    text:
      - title: Codename
        content: \${{ parameters.codename }}
`;

describe("who sees a run's answers, log and output", () => {
  beforeAll(async () => {
    await resetDatabase();
    await db.$transaction((tx) =>
      writeEntities(tx, parseCatalogYaml("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-templates\nspec:\n  type: team\n  children: []\n").entities, { type: "upload" }),
    );
    await registerTemplateSource(template);
  });

  it("shows them to the starter, the template's owners and platform, and to nobody else", async () => {
    const starter = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(starter, "catalog:default/visible-answers", { codename: "bluebird" });
    expect(await executeRun(runId)).toBe("succeeded");

    for (const viewer of [starter, await createUser({ groups: ["team-templates"] }), await createUser({ role: "platform" })]) {
      const run = (await getRunView(runId, viewer))!;
      expect(run.restricted).toBe(false);
      expect(run.parameters).toEqual({ codename: "bluebird" });
      expect(JSON.stringify(run.log)).toContain("bluebird");
      expect(JSON.stringify(run.output)).toContain("bluebird");
    }

    const outsider = await createUser({ groups: ["team-search"] });
    const run = (await getRunView(runId, outsider))!;
    expect(run).toMatchObject({ restricted: true, status: "succeeded", parameters: {}, log: [], output: null });
    expect(run.steps.map((s) => s.status)).toEqual(["succeeded", "skipped"]);
    expect(JSON.stringify(run)).not.toContain("bluebird");
  });

  it("keeps a failed run's error from outsiders, in the run and in the list of runs", async () => {
    const starter = await createUser({ groups: ["team-checkout"] });
    const runId = await startRun(starter, "catalog:default/visible-answers", { codename: "redfox", fail: true });
    expect(await executeRun(runId)).toBe("failed");
    const outsider = await createUser({ groups: ["team-search"] });
    const hidden = (await getRunView(runId, outsider))!;
    expect(hidden.error).toBeNull();
    expect(hidden.steps.map((s) => s.error)).toEqual([null, null]);
    expect(JSON.stringify(hidden)).not.toContain("redfox");
    expect((await listRuns(outsider)).runs.find((r) => r.id === runId)?.error).toBeNull();
    expect((await getRunView(runId, starter))?.error).toContain('Pave has no action "no:such-action"');
    expect((await listRuns(starter)).runs.find((r) => r.id === runId)?.error).toContain('Pave has no action "no:such-action"');
  });
});
