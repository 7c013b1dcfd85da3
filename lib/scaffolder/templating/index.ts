/**
 * The template language of Backstage software templates (`template.yaml`,
 * scaffolder.backstage.io/v1beta3): Nunjucks syntax with `${{ }}` as the
 * variable delimiters.
 *
 * Backstage runs real Nunjucks inside a V8 isolate. Pave interprets the subset
 * that templates use with its own tokenizer → parser → evaluator instead, so no
 * JavaScript is ever compiled or run: a template can only read plain data from
 * its context and call the filters listed in FILTERS. It cannot reach
 * `process`, the environment, the file system or the network, and loops,
 * nesting and output size are bounded. All the work it does (characters read
 * and produced, list items visited, loop iterations) is charged to a
 * WorkBudget, so a template that is small but slow to render fails instead of
 * holding the thread.
 *
 * The engine reads a template in three passes, one file each: lexer.ts
 * (tokens), parser.ts (a tree) and evaluator.ts (text or a value), with the
 * filters and tests in filters.ts, the sandbox's view of values in values.ts,
 * the budget and fixed limits in budget.ts, and secret-use analysis in
 * secrets.ts. This file is the engine's public face: what it exports is all
 * the rest of Pave may use. Every file here imports nothing server-only, since
 * a template thread (render-thread.ts) loads them with tsx.
 */
import {
  DEFAULT_MAX_OUTPUT_BYTES,
  ITEM_COST,
  MAX_NESTING,
  WorkBudget,
  type FilterLimits,
} from "@/lib/scaffolder/templating/budget";
import { childPath, Source, TemplateError } from "@/lib/scaffolder/templating/errors";
import { Evaluator, type TemplateContext } from "@/lib/scaffolder/templating/evaluator";
import { parse, type TemplateNode } from "@/lib/scaffolder/templating/parser";
import { isPlainObject, isTruthy, listItems, ownKeys, readProperty } from "@/lib/scaffolder/templating/values";

export { DEFAULT_WORK_BUDGET, WorkBudget, workBudgetMessage, type FilterLimits } from "@/lib/scaffolder/templating/budget";
export { TemplateError } from "@/lib/scaffolder/templating/errors";
export type { TemplateContext } from "@/lib/scaffolder/templating/evaluator";
export { FILTERS, type TemplateFilter } from "@/lib/scaffolder/templating/filters";
export { findSecretUses, type SecretUseOptions, type SecretUses } from "@/lib/scaffolder/templating/secrets";

export type RenderOptions = {
  /** The largest output allowed, in UTF-8 bytes; 5 MiB unless set. */
  maxOutputBytes?: number;
  /** The budget this render draws on; share one across the renders of a run. A fresh default budget unless set. */
  work?: WorkBudget;
};

function run<T>(src: Source, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TemplateError) {
      throw error.line === undefined && src.path && !error.path ? new TemplateError(error.reason, { path: src.path }) : error;
    }
    // A stack or string-length overflow is the template's doing; report it, not the engine's internals.
    if (error instanceof RangeError) {
      throw new TemplateError("the template is too large or too deeply nested to render", { path: src.path });
    }
    throw error;
  }
}

function checkMaxBytes(maxBytes: number): number {
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new RangeError("maxOutputBytes must be a positive number");
  return maxBytes;
}

function filterLimits(maxBytes: number, work: WorkBudget): FilterLimits {
  return { maxLength: maxBytes, charge: (units) => work.charge(units) };
}

/** Renders a template (a skeleton file or a string) to text. */
export function renderString(template: string, context: TemplateContext, options: RenderOptions = {}): string {
  const src = new Source(template);
  const maxBytes = checkMaxBytes(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const work = options.work ?? new WorkBudget();
  return run(src, () => {
    const evaluator = new Evaluator(src, context, filterLimits(maxBytes, work));
    evaluator.render(parse(src, work));
    return evaluator.output();
  });
}

function templateString(text: string, context: TemplateContext, path: string, work: WorkBudget): unknown {
  if (!/\$\{\{|\{%|\{#/.test(text)) return text;
  const src = new Source(text, path || undefined);
  return run(src, () => {
    const nodes = parse(src, work);
    const evaluator = new Evaluator(src, context, filterLimits(DEFAULT_MAX_OUTPUT_BYTES, work));
    // A value that is exactly one `${{ expr }}` keeps the expression's type, as in Backstage.
    const [only] = meaningfulNodes(nodes);
    if (only?.kind === "output" && meaningfulNodes(nodes).length === 1) return copyData(evaluator.evaluate(only.expr), 0, work);
    evaluator.render(nodes);
    return evaluator.output();
  });
}

function meaningfulNodes(nodes: TemplateNode[]): TemplateNode[] {
  return nodes.filter((node) => node.kind !== "text" || node.value.trim() !== "");
}

/**
 * A copy of a typed result made of plain data only (as Backstage's JSON round
 * trip gives), so an action that changes its input cannot change `parameters`.
 * Copying charges every item and character: a value that holds one list many
 * times becomes that many copies.
 */
function copyData(value: unknown, depth: number, work: WorkBudget): unknown {
  if (depth > MAX_NESTING) throw new TemplateError(`the value is nested more than ${MAX_NESTING} levels deep`);
  work.charge(ITEM_COST + (typeof value === "string" ? value.length : 0));
  if (Array.isArray(value)) return listItems(value).map((item) => copyData(item, depth + 1, work));
  if (isPlainObject(value)) {
    return Object.fromEntries(ownKeys(value).map((key) => [key, copyData(readProperty(value, key), depth + 1, work)]));
  }
  return value;
}

function evaluateAt(value: unknown, context: TemplateContext, path: string, depth: number, work: WorkBudget): unknown {
  if (depth > MAX_NESTING) throw new TemplateError(`the value is nested more than ${MAX_NESTING} levels deep`, { path });
  work.charge(ITEM_COST);
  if (typeof value === "string") return templateString(value, context, path, work);
  if (Array.isArray(value)) return value.map((item, i) => evaluateAt(item, context, `${path}[${i}]`, depth + 1, work));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, evaluateAt(item, context, childPath(path, key), depth + 1, work)]),
    );
  }
  return value;
}

/** What evaluateValue and evaluateCondition may spend; a fresh default budget unless set. */
export type EvaluateOptions = { work?: WorkBudget };

/**
 * Templates every string inside a step's `input`, `if` or `output` value. A
 * string that is exactly one `${{ expr }}` keeps its type; object keys are left alone.
 */
export function evaluateValue(value: unknown, context: TemplateContext, path = "", options: EvaluateOptions = {}): unknown {
  return evaluateAt(value, context, path, 0, options.work ?? new WorkBudget());
}

/** Decides a step's `if:`; false, null, undefined, 0, "" and [] are false (the string "false" is not). */
export function evaluateCondition(value: unknown, context: TemplateContext, path = "if", options: EvaluateOptions = {}): boolean {
  if (typeof value === "boolean") return value;
  return isTruthy(evaluateValue(value, context, path, options));
}
