/**
 * The rendering jobs a run sends to its template thread (render-thread.ts): pure
 * functions of plain data. The thread loads this file and the templating/ folder
 * with tsx, so none of them may import anything server-only or anything that
 * needs the bundler.
 */
import {
  evaluateCondition,
  evaluateValue,
  findSecretUses,
  renderString,
  TemplateError,
  WorkBudget,
  type TemplateContext,
} from "@/lib/scaffolder/templating";

/** A skeleton file to render; `content: null` copies it as it is (binary, or listed in copyWithoutTemplating). */
export type SkeletonFile = { path: string; content: string | null };
/** The rendered path segments of a skeleton file, and its rendered text (null: copy the original bytes). */
export type RenderedFile = { segments: string[]; content: string | null };

/** The parts of a template that hold expressions. */
export type TemplateShape = {
  steps: { id: string; name: string; if?: unknown; each?: unknown; input?: unknown }[];
  output: unknown;
};

export type RenderRequest =
  | { kind: "value"; value: unknown; context: TemplateContext; path: string }
  | { kind: "condition"; value: unknown; context: TemplateContext; path: string }
  | { kind: "files"; files: SkeletonFile[]; context: TemplateContext }
  | { kind: "secrets"; template: TemplateShape };

/** A request, and the run's work budget: its limit and what the run has spent so far. */
export type RenderJob = { request: RenderRequest; work: { limit: number; used: number } };

/** A job's result, or its TemplateError (as data, since errors lose their class between threads); `used` is the run's new total. */
export type RenderReply =
  | { ok: true; result: unknown; used: number }
  | { ok: false; error: { reason: string; line?: number; column?: number; path?: string }; used: number }
  | { ok: false; crash: string; used: number };

/** What one job costs before any rendering: copying its data between threads (about 100 µs). */
const JOB_COST = 10_000;

/** Runs one job on the calling thread. */
export function performRender(job: RenderJob): RenderReply {
  const work = new WorkBudget(job.work.limit, job.work.used);
  try {
    work.charge(JOB_COST);
    return { ok: true, result: render(job.request, work), used: work.used };
  } catch (error) {
    if (error instanceof TemplateError) {
      const { reason, line, column, path } = error;
      return { ok: false, error: { reason, line, column, path }, used: work.used };
    }
    return { ok: false, crash: error instanceof Error ? error.message : String(error), used: work.used };
  }
}

function render(request: RenderRequest, work: WorkBudget): unknown {
  switch (request.kind) {
    case "value":
      return evaluateValue(request.value, request.context, request.path, { work });
    case "condition":
      return evaluateCondition(request.value, request.context, request.path, { work });
    case "files":
      return request.files.map((file) => renderFile(file, request.context, work));
    case "secrets":
      return findSecretProblems(request.template, work);
  }
}

// File and folder names are templated too, as in Backstage.
function renderFile(file: SkeletonFile, context: TemplateContext, work: WorkBudget): RenderedFile {
  const segments = file.path.split("/").map((segment) => renderString(segment, context, { work }));
  return { segments, content: file.content === null ? null : renderString(file.content, context, { work }) };
}

/**
 * Each place in a template's steps and output that transforms a secret, as a
 * message naming the step and path. A step whose `each` reads secrets hands them
 * to its input as `each`, so there `each` is followed like `secrets`.
 */
export function findSecretProblems(template: TemplateShape, work?: WorkBudget): string[] {
  const problems: string[] = [];
  for (const step of template.steps) {
    const where = `steps.${step.id}`;
    const each = findSecretUses(step.each, { path: `${where}.each`, work });
    const input = findSecretUses(step.input, { path: `${where}.input`, roots: each.reads ? ["secrets", "each"] : ["secrets"], work });
    const condition = findSecretUses(step.if, { path: `${where}.if`, work });
    for (const problem of [...condition.problems, ...each.problems, ...input.problems]) {
      problems.push(`step "${step.name}", ${problem.message}`);
    }
  }
  problems.push(...findSecretUses(template.output, { path: "output", work }).problems.map((problem) => problem.message));
  return problems;
}
