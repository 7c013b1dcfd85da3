/**
 * The evaluator: renders a parsed template against its context, or evaluates
 * one expression to a value. Every step, character and item it handles is
 * charged to the render's limits, and errors point at the tag or expression
 * that caused them.
 */
import {
  ITEM_COST,
  MAX_LOOP_ITERATIONS,
  PIECEWISE_COST,
  STEP_COST,
  type FilterLimits,
} from "@/lib/scaffolder/templating/budget";
import { TemplateError, type Source } from "@/lib/scaffolder/templating/errors";
import { FILTERS, PASS_THROUGH_FILTERS, PIECEWISE_FILTERS, TESTS } from "@/lib/scaffolder/templating/filters";
import type { Expr, TemplateNode } from "@/lib/scaffolder/templating/parser";
import {
  describeType,
  FORBIDDEN_NAMES,
  formatBytes,
  isPlainObject,
  isTruthy,
  ownKeys,
  readProperty,
  sizeOf,
  tooLong,
  toText,
  utf8Length,
} from "@/lib/scaffolder/templating/values";

/** The data a template reads: `parameters`, `steps`, `user`, `secrets`, `values`, `each`, … */
export type TemplateContext = Record<string, unknown>;

/** One render of one template: its variables, its output so far, and what it has spent. */
export class Evaluator {
  private readonly frames: Array<Map<string, unknown>> = [new Map()];
  private readonly chunks: string[] = [];
  private bytes = 0;
  private iterations = 0;
  private readonly maxBytes: number;

  constructor(
    private readonly src: Source,
    private readonly context: TemplateContext,
    private readonly limits: FilterLimits,
  ) {
    this.maxBytes = limits.maxLength;
  }

  output(): string {
    return this.chunks.join("");
  }

  render(nodes: TemplateNode[]): void {
    for (const node of nodes) {
      this.limits.charge(STEP_COST);
      switch (node.kind) {
        case "text":
          this.emit(node.value, node.pos);
          break;
        case "output":
          this.emit(this.at(node.pos, () => toText(this.evaluate(node.expr), this.limits)), node.pos);
          break;
        case "if": {
          const branch = node.branches.find((b) => isTruthy(this.evaluate(b.test)));
          this.render(branch ? branch.body : node.otherwise);
          break;
        }
        case "for":
          this.renderFor(node);
          break;
        case "set": {
          // As in Nunjucks, `set` changes the variable where an enclosing scope already holds it
          // (so a loop can update a flag or a count set before it); a new variable belongs to the current scope.
          const value = this.evaluate(node.value);
          (this.frames.findLast((frame) => frame.has(node.name)) ?? this.frames.at(-1)!).set(node.name, value);
          break;
        }
      }
    }
  }

  private emit(text: string, pos: number): void {
    if (!text) return;
    this.spend(text.length, pos);
    this.bytes += utf8Length(text);
    if (this.bytes > this.maxBytes) {
      throw this.src.error(`the rendered output is larger than the limit of ${formatBytes(this.maxBytes)}`, pos);
    }
    this.chunks.push(text);
  }

  private renderFor(node: Extract<TemplateNode, { kind: "for" }>): void {
    const source = this.evaluate(node.iterable);
    const pairs = node.names.length === 2;
    let items: unknown[] = [];
    let object: Record<string, unknown> | undefined;
    // Cutting a text into characters or listing an object's keys reads all of it, however few iterations may run.
    if (Array.isArray(source)) items = source;
    else if (typeof source === "string") {
      this.spend(source.length * PIECEWISE_COST, node.pos);
      items = Array.from(source);
    } else if (isPlainObject(source)) {
      object = source;
      items = ownKeys(source);
      this.spend(items.length * ITEM_COST, node.pos);
    }
    if (items.length === 0) {
      // The else runs in the loop's scope, as in Nunjucks: what it sets ends with it.
      this.frames.push(new Map());
      this.render(node.otherwise);
      this.frames.pop();
      return;
    }
    if (this.iterations + items.length > MAX_LOOP_ITERATIONS) {
      throw this.src.error(
        `this loop would run ${items.length} times; a template may run at most ${MAX_LOOP_ITERATIONS.toLocaleString("en-US")} loop iterations in all`,
        node.pos,
      );
    }
    this.iterations += items.length;
    this.spend(items.length * ITEM_COST, node.pos);
    const length = items.length;
    // One scope for the whole loop, as in Nunjucks: a variable set in one iteration is still there in the next.
    const frame = new Map<string, unknown>();
    this.frames.push(frame);
    for (let index = 0; index < length; index++) {
      const item = readProperty(items, index);
      if (object) {
        frame.set(node.names[0]!, item);
        if (pairs) frame.set(node.names[1]!, readProperty(object, item));
      } else if (pairs) {
        // `for a, b in [[1, 2], …]` unpacks each item, as in Nunjucks.
        frame.set(node.names[0]!, readProperty(item, 0));
        frame.set(node.names[1]!, readProperty(item, 1));
      } else {
        frame.set(node.names[0]!, item);
      }
      frame.set("loop", {
        index: index + 1,
        index0: index,
        revindex: length - index,
        revindex0: length - index - 1,
        first: index === 0,
        last: index === length - 1,
        length,
      });
      this.render(node.body);
    }
    this.frames.pop();
  }

  /** Charges work done at `pos` to the budget. */
  private spend(units: number, pos: number): void {
    try {
      this.limits.charge(units);
    } catch (error) {
      if (error instanceof TemplateError) throw this.src.error(error.reason, pos);
      throw error;
    }
  }

  /** Runs `fn`, giving any unplaced TemplateError (from a filter or property read) this position. */
  private at<T>(pos: number, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof TemplateError && error.line === undefined) throw this.src.error(error.reason, pos);
      throw error;
    }
  }

  evaluate(expr: Expr): unknown {
    this.spend(STEP_COST, expr.pos);
    switch (expr.kind) {
      case "literal":
        return expr.value;
      case "name":
        return this.lookup(expr.name, expr.pos);
      case "get": {
        const base = this.evaluate(expr.object);
        const key = this.evaluate(expr.key);
        if (typeof key === "string") this.spend(key.length, expr.pos);
        return this.at(expr.pos, () => readProperty(base, key));
      }
      case "list":
        return expr.items.map((item) => this.evaluate(item));
      case "dict":
        return Object.fromEntries(expr.entries.map(([key, value]) => [key, this.evaluate(value)]));
      case "unary": {
        const value = this.evaluate(expr.arg);
        if (expr.op === "not") return !isTruthy(value);
        if (typeof value !== "number") {
          throw this.src.error(`'${expr.op}' needs a number, got ${describeType(value)}`, expr.pos);
        }
        return expr.op === "-" ? -value : value;
      }
      case "binary":
        return this.evaluateBinary(expr);
      case "conditional":
        if (isTruthy(this.evaluate(expr.test))) return this.evaluate(expr.then);
        return expr.otherwise ? this.evaluate(expr.otherwise) : undefined;
      case "test": {
        const result = TESTS[expr.name]!(this.evaluate(expr.target));
        return expr.negated ? !result : result;
      }
      case "filter": {
        const input = this.evaluate(expr.target);
        const args = expr.args.map((arg) => this.evaluate(arg));
        const filter = FILTERS[expr.name]!;
        return this.at(expr.pos, () => {
          // A filter reads its input whole and writes its result whole; those that hand back
          // (part of) their input without reading it are free, and the rest charge what else they walk.
          if (PIECEWISE_FILTERS.has(expr.name) && typeof input === "string") this.limits.charge(input.length * PIECEWISE_COST);
          else if (!PASS_THROUGH_FILTERS.has(expr.name)) this.limits.charge(sizeOf(input));
          let result: unknown;
          try {
            result = filter(input, args, this.limits);
          } catch (error) {
            if (error instanceof TemplateError) throw error;
            throw new TemplateError(`filter '${expr.name}' failed: ${error instanceof Error ? error.message : String(error)}`);
          }
          if (typeof result === "string" && result.length > this.maxBytes) throw tooLong(this.maxBytes);
          if (result !== input) this.limits.charge(sizeOf(result));
          return result;
        });
      }
    }
  }

  private lookup(name: string, pos: number): unknown {
    for (let f = this.frames.length - 1; f >= 0; f--) {
      const frame = this.frames[f]!;
      if (frame.has(name)) return frame.get(name);
    }
    return this.at(pos, () => readProperty(this.context, name));
  }

  private evaluateBinary(expr: Extract<Expr, { kind: "binary" }>): unknown {
    const left = this.evaluate(expr.left);
    if (expr.op === "and") return isTruthy(left) ? this.evaluate(expr.right) : left;
    if (expr.op === "or") return isTruthy(left) ? left : this.evaluate(expr.right);
    const right = this.evaluate(expr.right);
    const fail = (reason: string) => this.src.error(reason, expr.pos);
    const checked = (text: string) => {
      if (text.length > this.maxBytes) throw fail(tooLong(this.maxBytes).reason);
      this.spend(text.length, expr.pos);
      return text;
    };
    // Comparing two texts reads up to the shorter one; `in` reads the container (and the text it looks for).
    if (typeof left === "string" && typeof right === "string") {
      this.spend(Math.min(left.length, right.length), expr.pos);
    }
    if (expr.op === "in" || expr.op === "not in") {
      this.spend(sizeOf(right) + (typeof left === "string" ? left.length : 0), expr.pos);
    }
    switch (expr.op) {
      case "==":
        return left === right;
      case "!=":
        return left !== right;
      case "in":
        return contains(right, left);
      case "not in":
        return !contains(right, left);
      case "~":
        return this.at(expr.pos, () => checked(toText(left, this.limits) + toText(right, this.limits)));
      case "<":
      case ">":
      case "<=":
      case ">=": {
        const comparable =
          (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
        if (!comparable) {
          throw fail(`'${expr.op}' compares two numbers or two strings, got ${describeType(left)} and ${describeType(right)}`);
        }
        const l = left as number | string;
        const r = right as number | string;
        return expr.op === "<" ? l < r : expr.op === ">" ? l > r : expr.op === "<=" ? l <= r : l >= r;
      }
      default: {
        if (expr.op === "+" && typeof left === "string" && typeof right === "string") return checked(left + right);
        if (typeof left !== "number" || typeof right !== "number") {
          const hint = expr.op === "+" ? " (use ~ to join values as text)" : "";
          throw fail(`'${expr.op}' needs two numbers, got ${describeType(left)} and ${describeType(right)}${hint}`);
        }
        if (expr.op === "+") return left + right;
        if (expr.op === "-") return left - right;
        if (expr.op === "*") return left * right;
        if (expr.op === "/") return left / right;
        if (expr.op === "//") return Math.floor(left / right);
        if (expr.op === "**") return left ** right;
        return left % right;
      }
    }
  }
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) if (readProperty(container, i) === item) return true;
    return false;
  }
  if (typeof container === "string") return typeof item === "string" && container.includes(item);
  if (isPlainObject(container) && (typeof item === "string" || typeof item === "number")) {
    return Object.hasOwn(container, String(item)) && !FORBIDDEN_NAMES.has(String(item));
  }
  return false;
}
