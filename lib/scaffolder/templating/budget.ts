/**
 * What rendering may spend: the work budget a run shares across its renders,
 * what each kind of work costs, and the fixed limits on loops, nesting and output.
 */
import { TemplateError } from "@/lib/scaffolder/templating/errors";

/** Limits a filter must respect: the longest text it may build, and the work budget it charges. */
export type FilterLimits = { maxLength: number; charge: (units: number) => void };

/**
 * The work one run may do when nothing else is set, about a second of rendering:
 * the shipped golden paths use under 1% of it.
 */
export const DEFAULT_WORK_BUDGET = 100_000_000;

// What work costs, in units of roughly 10 ns of rendering: a character read or written costs 1.
/** An item of a list or object visited, copied or created. */
export const ITEM_COST = 100;
/** One step of the evaluator (a tag or an expression), or one token read by the parser. */
export const STEP_COST = 100;
/** A character of text that a filter cuts into words or characters (title, split, reverse, kebabcase, …). */
export const PIECEWISE_COST = 100;
/** One comparison while sorting. */
export const COMPARE_COST = 20;

/**
 * Work units, roughly one per character read or produced and per list item or
 * loop iteration visited, that renders may spend. Spending past the limit throws
 * a TemplateError, and every charge after that throws again.
 */
export class WorkBudget {
  constructor(
    readonly limit: number = DEFAULT_WORK_BUDGET,
    private spent = 0,
  ) {
    if (!(limit > 0)) throw new RangeError("a work budget must be a positive number");
  }

  /** Units spent so far, at most a little past the limit. */
  get used(): number {
    return this.spent;
  }

  get exhausted(): boolean {
    return this.spent > this.limit;
  }

  charge(units: number): void {
    this.spent += units;
    if (this.spent > this.limit) throw new TemplateError(workBudgetMessage(this.limit));
  }
}

/** The message of a render that ran out of budget; it always contains "template exceeded its work budget". */
export function workBudgetMessage(limit: number): string {
  return `template exceeded its work budget of ${limit.toLocaleString("en-US")} units (characters and list items processed)`;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 5 * 1024 * 1024;
export const MAX_LOOP_ITERATIONS = 10_000;
export const MAX_NESTING = 100;
