"use server";

import { redirect } from "next/navigation";
import { defineAction } from "@/lib/action";
import { runRequestSchema } from "@/lib/scaffolder/schemas";
import { dryRunTemplate, startRun } from "@/lib/scaffolder/runs";

export const dryRunAction = defineAction({
  name: "scaffolder.dry-run",
  role: "member",
  schema: runRequestSchema,
  async run({ templateId, values }, { user }) {
    return dryRunTemplate(user, templateId, values);
  },
});

export const startRunAction = defineAction({
  name: "scaffolder.start-run",
  role: "member",
  schema: runRequestSchema,
  async run({ templateId, values }, { user }) {
    const runId = await startRun(user, templateId, values);
    redirect(`/create/runs/${runId}`);
  },
});
