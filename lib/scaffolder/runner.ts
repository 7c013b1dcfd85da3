import "server-only";
import { AppError } from "@/lib/errors";
import { ACTIONS } from "@/lib/scaffolder/builtin-actions";
import { startRenderSession, type RenderSession } from "@/lib/scaffolder/render-pool";
import { TemplateError } from "@/lib/scaffolder/templating";
import type { LoadedTemplate, TemplateOutput } from "@/lib/scaffolder/templates";

/**
 * Runs a template's steps in order: evaluates `if` and `each`, renders each step's input,
 * validates it with the action's schema and calls the action. Where the steps' progress
 * goes (the database for real runs, memory for a dry run) is the recorder's business.
 * All rendering happens on a template thread (render-pool.ts), within one work budget and
 * time limit per run; actions do their I/O here.
 */

export type StepRecorder = {
  started(stepId: string): Promise<void>;
  succeeded(stepId: string, output: Record<string, unknown>): Promise<void>;
  failed(stepId: string, error: string): Promise<void>;
  skipped(stepId: string): Promise<void>;
  log(stepId: string | null, message: string): Promise<void>;
  /** The output of a step that changed the outside world in an earlier attempt of this run. */
  previousOutput(stepId: string): Promise<Record<string, unknown> | undefined>;
};

export type TemplateUser = { id: string; email: string | null; entity: Record<string, unknown> | null; ref: string };

export type ExecuteOptions = {
  template: LoadedTemplate;
  values: Record<string, unknown>;
  secrets: Record<string, string>;
  user: TemplateUser;
  runId: string;
  dryRun: boolean;
  workspace: string;
  recorder: StepRecorder;
};

/** A step failure, with the step and a message a developer can act on. */
export class StepFailure extends AppError {
  constructor(
    readonly stepId: string,
    readonly stepName: string,
    message: string,
    readonly retryable = false,
  ) {
    super("INVALID", `Step "${stepName}" failed: ${message}`);
  }
}

/**
 * Replaces every secret value with ***: in a text, or in every string (and key) of a
 * JSON-like value such as a step's output. Longer secrets go first, so one that contains
 * another is hidden whole.
 */
export function maskSecrets<T>(value: T, secrets: Record<string, string>): T {
  const values = Object.values(secrets)
    .filter((secret) => secret && secret.length >= 3)
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return value;
  const maskText = (text: string) => values.reduce((masked, secret) => masked.split(secret).join("***"), text);
  const mask = (item: unknown): unknown => {
    if (typeof item === "string") return maskText(item);
    if (Array.isArray(item)) return item.map(mask);
    if (item !== null && typeof item === "object" && Object.getPrototypeOf(item) === Object.prototype) {
      return Object.fromEntries(Object.entries(item).map(([key, child]) => [maskText(key), mask(child)]));
    }
    return item;
  };
  return mask(value) as T;
}

function describeInputErrors(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "input"}: ${i.message}`)
    .join("; ");
}

/**
 * Refuses, before any step runs, a template that passes a secret through a filter or
 * operator: masking replaces a secret's exact value only, so anything computed from it
 * would reach logs and stored outputs as it is.
 */
async function refuseTransformedSecrets(template: LoadedTemplate, render: RenderSession, secrets: Record<string, string>): Promise<void> {
  let problems: string[];
  try {
    problems = await render.findSecretProblems({ steps: template.steps, output: template.output });
  } catch (error) {
    if (error instanceof TemplateError) throw new AppError("INVALID", maskSecrets(`The template could not be checked: ${error.message}`, secrets));
    throw error;
  }
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  throw new AppError("INVALID", `The template was not run because it uses a secret in a way Pave cannot mask: ${problems[0]}${more}`);
}

/** Executes every step; returns the template's rendered output. Throws StepFailure, or AppError for a refused template. */
export async function executeSteps(options: ExecuteOptions): Promise<TemplateOutput> {
  const { template, recorder, secrets } = options;
  const render = startRenderSession();
  const steps: Record<string, { output: Record<string, unknown> }> = {};
  // What catalog:register may register: the repositories this very run published.
  const published: string[] = [];
  const notePublished = (action: string, output: Record<string, unknown>) => {
    if (action !== "publish:github") return;
    const results = Array.isArray(output.results) ? (output.results as Record<string, unknown>[]) : [output];
    for (const result of results) if (typeof result?.repoContentsUrl === "string") published.push(result.repoContentsUrl);
  };
  const context: Record<string, unknown> = { parameters: options.values, secrets, user: { entity: options.user.entity, ref: options.user.ref }, steps };
  const log = (stepId: string | null, message: string) => recorder.log(stepId, maskSecrets(message, secrets));

  await refuseTransformedSecrets(template, render, secrets);

  for (const step of template.steps) {
    const fail = async (message: string, retryable = false): Promise<never> => {
      const masked = maskSecrets(message, secrets);
      await recorder.failed(step.id, masked);
      throw new StepFailure(step.id, step.name, masked, retryable);
    };
    try {
      if (step.if !== undefined && !(await render.evaluateCondition(step.if, context, `steps.${step.id}.if`))) {
        await recorder.skipped(step.id);
        await log(step.id, `Skipped "${step.name}": its condition is false`);
        continue;
      }
      const action = ACTIONS[step.action];
      if (!action) await fail(`Pave has no action "${step.action}". Available: ${Object.keys(ACTIONS).join(", ")}.`);
      const previous = action!.sideEffects && !options.dryRun ? await recorder.previousOutput(step.id) : undefined;
      await recorder.started(step.id);
      if (previous) {
        steps[step.id] = { output: previous };
        notePublished(step.action, previous);
        await log(step.id, `"${step.name}" already succeeded in an earlier attempt; reusing its result`);
        await recorder.succeeded(step.id, previous);
        continue;
      }

      const iterations: ({ key: string | number; value: unknown } | null)[] = [];
      if (step.each !== undefined) {
        const each = await render.evaluateValue(step.each, context, `steps.${step.id}.each`);
        if (Array.isArray(each)) each.forEach((value, key) => iterations.push({ key, value }));
        else if (each && typeof each === "object") Object.entries(each).forEach(([key, value]) => iterations.push({ key, value }));
        else await fail("`each` must be a list or an object");
      } else {
        iterations.push(null);
      }

      const outputs: Record<string, unknown>[] = [];
      for (const iteration of iterations) {
        const scope = iteration ? { ...context, each: iteration } : context;
        const input = await render.evaluateValue(step.input ?? {}, scope, `steps.${step.id}.input`);
        const parsed = action!.schema.safeParse(input);
        if (!parsed.success) await fail(`its input is invalid (${describeInputErrors(parsed.error!.issues)})`);
        const output: Record<string, unknown> = {};
        await action!.handler({
          input: parsed.data,
          workspace: options.workspace,
          base: template.base,
          runId: options.runId,
          dryRun: options.dryRun,
          actor: { id: options.user.id, email: options.user.email },
          render,
          published,
          log: (message) => void log(step.id, message),
          output: (name, value) => {
            output[name] = value;
          },
        });
        outputs.push(output);
      }
      // With `each`, later steps see every iteration's output as a list (Backstage does the same).
      const output = step.each !== undefined ? { results: outputs } : (outputs[0] ?? {});
      // Later steps see the real values; what is stored is masked.
      steps[step.id] = { output };
      notePublished(step.action, output);
      await recorder.succeeded(step.id, maskSecrets(output, secrets));
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      if (error instanceof TemplateError) return fail(`its template could not be rendered: ${error.message}`);
      if (error instanceof AppError) return fail(error.message, error.code === "UNAVAILABLE");
      throw error;
    }
  }
  try {
    return (await render.evaluateValue(template.output, context, "output")) as TemplateOutput;
  } catch (error) {
    if (error instanceof TemplateError) throw new AppError("INVALID", maskSecrets(`The template's output could not be rendered: ${error.message}`, secrets));
    throw error;
  }
}
