import "server-only";
import { db } from "@/lib/db";

export type RunStepView = { stepId: string; name: string; action: string; status: string; error: string | null; startedAt: string | null; finishedAt: string | null };
export type RunView = {
  id: string;
  templateId: string;
  templateTitle: string;
  status: string;
  error: string | null;
  output: { links?: { title?: string; url?: string; icon?: string; entityRef?: string }[]; text?: { title?: string; content?: string }[] } | null;
  parameters: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  steps: RunStepView[];
  log: { id: string; stepId: string | null; at: string; level: string; message: string }[];
};

/** A run with its steps and log (JSON-ready: the run page polls it). */
export async function getRunView(runId: string): Promise<RunView | null> {
  const run = await db.scaffolderRun.findUnique({
    where: { id: runId },
    select: {
      id: true,
      templateId: true,
      templateTitle: true,
      status: true,
      error: true,
      output: true,
      parameters: true,
      createdAt: true,
      finishedAt: true,
      createdBy: { select: { email: true, name: true } },
      steps: { orderBy: { position: "asc" }, select: { stepId: true, name: true, action: true, status: true, error: true, startedAt: true, finishedAt: true } },
      logs: { orderBy: { id: "asc" }, take: 2000, select: { id: true, stepId: true, at: true, level: true, message: true } },
    },
  });
  if (!run) return null;
  return {
    id: run.id,
    templateId: run.templateId,
    templateTitle: run.templateTitle,
    status: run.status,
    error: run.error,
    output: (run.output as RunView["output"]) ?? null,
    parameters: run.parameters as Record<string, unknown>,
    createdBy: run.createdBy?.name ?? run.createdBy?.email ?? null,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    steps: run.steps.map((s) => ({ ...s, startedAt: s.startedAt?.toISOString() ?? null, finishedAt: s.finishedAt?.toISOString() ?? null })),
    log: run.logs.map((l) => ({ id: l.id.toString(), stepId: l.stepId, at: l.at.toISOString(), level: l.level, message: l.message })),
  };
}

export type RunListItem = { id: string; templateTitle: string; status: string; error: string | null; createdBy: string | null; createdAt: Date; finishedAt: Date | null };

export const RUNS_PAGE_SIZE = 25;

/** Runs, newest first, one page at a time (keyset on createdAt/id). */
export async function listRuns(options: { before?: string } = {}): Promise<{ runs: RunListItem[]; next: string | null }> {
  const cursor = options.before ? await db.scaffolderRun.findUnique({ where: { id: options.before }, select: { id: true, createdAt: true } }) : null;
  const rows = await db.scaffolderRun.findMany({
    where: cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: RUNS_PAGE_SIZE + 1,
    select: { id: true, templateTitle: true, status: true, error: true, createdAt: true, finishedAt: true, createdBy: { select: { email: true, name: true } } },
  });
  const runs = rows.slice(0, RUNS_PAGE_SIZE).map(({ createdBy, ...r }) => ({ ...r, createdBy: createdBy?.name ?? createdBy?.email ?? null }));
  return { runs, next: rows.length > RUNS_PAGE_SIZE ? runs[runs.length - 1]!.id : null };
}
