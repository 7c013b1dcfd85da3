/**
 * Secret use: follows `secrets` through the parsed template strings of a value,
 * without evaluating anything, to find each place a secret is transformed in a
 * way that log and output masking could not recognise.
 */
import { ITEM_COST, MAX_NESTING, STEP_COST, type WorkBudget } from "@/lib/scaffolder/templating/budget";
import { childPath, Source, TemplateError } from "@/lib/scaffolder/templating/errors";
import { parse, type Expr, type TemplateNode } from "@/lib/scaffolder/templating/parser";
import { isPlainObject } from "@/lib/scaffolder/templating/values";

/**
 * How an expression relates to the secrets: "value" is exactly one secret (masking
 * finds and replaces it), "secrets" the object of all of them, and "derived" anything
 * computed from a secret, which masking cannot recognise.
 */
type Taint = "none" | "value" | "secrets" | "derived";

/** A variable that may hold either of two taints holds the worse one. */
function joinTaint(a: Taint, b: Taint): Taint {
  if (a === b || b === "none") return a;
  return a === "none" ? b : "derived";
}

const DERIVED_SECRET =
  "a secret is transformed here (by a filter, operator, test, condition, list or object), so Pave could not mask it in logs and outputs; use it only as a bare ${{ secrets.name }}";
const ALL_SECRETS = "this writes out every secret at once, which Pave cannot mask reliably; use one bare ${{ secrets.name }} instead";

/** Follows secrets through one parsed template string, as the evaluator would, without evaluating anything. */
class SecretScanner {
  reads = false;
  readonly problems: TemplateError[] = [];
  private readonly reported = new Set<string>();
  private readonly frames: Array<Map<string, Taint>> = [new Map()];
  /** Each loop's scope, kept from one scan of its body to the next (taints only grow), so rescans converge. */
  private readonly loopFrames = new Map<TemplateNode, Map<string, Taint>>();

  constructor(
    private readonly src: Source,
    private readonly roots: ReadonlySet<string>,
    private readonly work?: WorkBudget,
  ) {}

  scan(nodes: TemplateNode[]): void {
    for (const node of nodes) {
      this.work?.charge(STEP_COST);
      switch (node.kind) {
        case "text":
          break;
        case "output": {
          const taint = this.taint(node.expr);
          if (taint === "derived") this.problem(DERIVED_SECRET, node.pos);
          if (taint === "secrets") this.problem(ALL_SECRETS, node.pos);
          break;
        }
        case "if":
          // Testing a secret for truthiness shows nothing of it; comparing or filtering it does (derived).
          for (const branch of node.branches) {
            if (this.taint(branch.test) === "derived") this.problem(DERIVED_SECRET, branch.test.pos);
            this.scan(branch.body);
          }
          this.scan(node.otherwise);
          break;
        case "for": {
          const taint = this.taint(node.iterable);
          if (taint === "value" || taint === "derived") this.problem(DERIVED_SECRET, node.iterable.pos);
          // Over the secrets object, `for name, value in secrets` gives names (not secret) and values (secrets).
          // A refused iterable is reported once, here, not again at each use of its items.
          const itemTaints: Taint[] = taint === "secrets" ? ["none", node.names.length === 2 ? "value" : "none"] : ["none", "none"];
          const frame = this.loopFrames.get(node) ?? new Map([["loop", "none"]]);
          this.loopFrames.set(node, frame);
          node.names.forEach((name, i) => frame.set(name, joinTaint(frame.get(name) ?? "none", itemTaints[i] ?? "none")));
          this.frames.push(frame);
          // A loop's scope lives through all its iterations, so what one iteration sets, the next may use before
          // setting it again: scan the body until no variable's taint grows.
          let before: string;
          do {
            before = this.describeScopes();
            this.scan(node.body);
          } while (this.describeScopes() !== before);
          this.scan(node.otherwise);
          this.frames.pop();
          break;
        }
        case "set": {
          const taint = this.taint(node.value);
          // A refused value is reported once, here, not again at each use of the variable.
          if (taint === "derived") this.problem(DERIVED_SECRET, node.value.pos);
          // A branch may or may not have run, so a variable keeps the worst taint it may have. As the
          // evaluator does, `set` changes the variable in the scope that holds it, else in the current one.
          const frame = this.frames.findLast((scope) => scope.has(node.name)) ?? this.frames.at(-1)!;
          frame.set(node.name, joinTaint(this.lookup(node.name), taint === "derived" ? "none" : taint));
          break;
        }
      }
    }
  }

  private problem(reason: string, pos: number): void {
    // A loop body scanned again reports the same places again.
    const key = `${pos}:${reason}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(this.src.error(reason, pos));
  }

  private describeScopes(): string {
    return this.frames.map((frame) => [...frame].join(";")).join("|");
  }

  private lookup(name: string): Taint {
    for (let f = this.frames.length - 1; f >= 0; f--) {
      const taint = this.frames[f]!.get(name);
      if (taint !== undefined) return taint;
    }
    return this.roots.has(name) ? "secrets" : "none";
  }

  private taint(expr: Expr): Taint {
    const result = this.taintOf(expr);
    if (result !== "none") this.reads = true;
    return result;
  }

  private taintOf(expr: Expr): Taint {
    const anyOf = (children: Expr[]): Taint => (children.some((child) => this.taint(child) !== "none") ? "derived" : "none");
    switch (expr.kind) {
      case "literal":
        return "none";
      case "name":
        return this.lookup(expr.name);
      case "get": {
        const object = this.taint(expr.object);
        if (this.taint(expr.key) !== "none") return "derived";
        if (object === "secrets") return "value";
        return object === "none" ? "none" : "derived";
      }
      case "list":
        return anyOf(expr.items);
      case "dict":
        return anyOf(expr.entries.map(([, value]) => value));
      case "unary":
        return anyOf([expr.arg]);
      case "binary":
        return anyOf([expr.left, expr.right]);
      case "conditional":
        return anyOf([expr.test, expr.then, ...(expr.otherwise ? [expr.otherwise] : [])]);
      case "filter":
        return anyOf([expr.target, ...expr.args]);
      case "test":
        return anyOf([expr.target]);
    }
  }
}

/** What findSecretUses found in the template strings of a value. */
export type SecretUses = {
  /** Whether any expression reads a secret at all. */
  reads: boolean;
  /** Each place where a secret is transformed, as an error naming the path, line and column. */
  problems: TemplateError[];
};

export type SecretUseOptions = {
  /** The JSON path of the value, for messages, as evaluateValue takes it. */
  path?: string;
  /** Context entries that hold secrets; `secrets` unless set. */
  roots?: readonly string[];
  /** The budget that parsing draws on. */
  work?: WorkBudget;
};

/**
 * Finds where the template strings inside a value (walked as evaluateValue walks
 * them) use a secret. Only a bare `${{ secrets.name }}` (also through a `set` or
 * loop variable) passes: it renders the exact value, which masking replaces. A
 * secret that goes through a filter, operator, test, condition, list or object,
 * or the whole `secrets` object written out, is a problem. Strings that do not
 * parse are skipped; rendering reports them.
 */
export function findSecretUses(value: unknown, options: SecretUseOptions = {}): SecretUses {
  const roots = new Set(options.roots ?? ["secrets"]);
  const found: SecretUses = { reads: false, problems: [] };
  const visit = (item: unknown, path: string, depth: number) => {
    if (depth > MAX_NESTING) return;
    options.work?.charge(ITEM_COST);
    if (typeof item === "string") {
      if (!/\$\{\{|\{%/.test(item)) return;
      const src = new Source(item, path || undefined);
      let nodes: TemplateNode[];
      try {
        nodes = parse(src, options.work);
      } catch (error) {
        if (error instanceof TemplateError && !options.work?.exhausted) return;
        throw error;
      }
      const scanner = new SecretScanner(src, roots, options.work);
      scanner.scan(nodes);
      found.reads ||= scanner.reads;
      found.problems.push(...scanner.problems);
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => visit(child, `${path}[${i}]`, depth + 1));
    } else if (isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) visit(child, childPath(path, key), depth + 1);
    }
  };
  visit(value, options.path ?? "", 0);
  return found;
}
