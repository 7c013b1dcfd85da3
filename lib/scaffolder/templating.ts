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
 */
import { CatalogRefError, parseEntityRef as parseCatalogEntityRef, type EntityRefContext } from "@/lib/catalog/refs";

export type TemplateContext = Record<string, unknown>;

export type RenderOptions = {
  /** The largest output allowed, in UTF-8 bytes; 5 MiB unless set. */
  maxOutputBytes?: number;
  /** The budget this render draws on; share one across the renders of a run. A fresh default budget unless set. */
  work?: WorkBudget;
};

/** Limits a filter must respect: the longest text it may build, and the work budget it charges. */
export type FilterLimits = { maxLength: number; charge: (units: number) => void };

/** A filter: `input | name(arg, …)` calls `filter(input, [arg, …], limits)`. */
export type TemplateFilter = (input: unknown, args: readonly unknown[], limits: FilterLimits) => unknown;

type Where = { line?: number; column?: number; path?: string };

/** A template that cannot be parsed or rendered; the message says where and is written for the template's author. */
export class TemplateError extends Error {
  readonly reason: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;

  constructor(reason: string, where: Where = {}) {
    const place = [where.path, where.line === undefined ? undefined : `line ${where.line}, column ${where.column}`]
      .filter(Boolean)
      .join(", ");
    super(place ? `${place}: ${reason}` : reason);
    this.name = "TemplateError";
    this.reason = reason;
    this.line = where.line;
    this.column = where.column;
    this.path = where.path;
  }
}

/**
 * The work one run may do when nothing else is set, about a second of rendering:
 * the shipped golden paths use under 1% of it.
 */
export const DEFAULT_WORK_BUDGET = 100_000_000;

// What work costs, in units of roughly 10 ns of rendering: a character read or written costs 1.
/** An item of a list or object visited, copied or created. */
const ITEM_COST = 100;
/** One step of the evaluator (a tag or an expression), or one token read by the parser. */
const STEP_COST = 100;
/** A character of text that a filter cuts into words or characters (title, split, reverse, kebabcase, …). */
const PIECEWISE_COST = 100;
/** One comparison while sorting. */
const COMPARE_COST = 20;

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

const DEFAULT_MAX_OUTPUT_BYTES = 5 * 1024 * 1024;
const MAX_LOOP_ITERATIONS = 10_000;
const MAX_NESTING = 100;
const FORBIDDEN_NAMES = new Set(["__proto__", "prototype", "constructor"]);

/** The template text, and the JSON path of the value it came from, for error messages. */
class Source {
  constructor(
    readonly text: string,
    readonly path?: string,
  ) {}

  error(reason: string, pos: number): TemplateError {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < pos && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return new TemplateError(reason, { line, column: pos - lineStart + 1, path: this.path });
  }
}

// ─── Tokenizer ───────────────────────────────────────────────────────────────

type TokenType = "text" | "varStart" | "varEnd" | "blockStart" | "blockEnd" | "name" | "string" | "number" | "op" | "eof";
type Token = { type: TokenType; value: string; pos: number };

const TAG_START = /\$\{\{|\{%|\{#/g;
const RAW_OPEN = /\{%(-?)\s*(raw|verbatim)\s*(-?)%\}/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const OPERATORS = ["==", "!=", "<=", ">=", "//", ..."+-*/%~|.,:()[]{}<>="];
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

function tokenize(src: Source, work?: WorkBudget): Token[] {
  const text = src.text;
  const tokens: Token[] = [];
  let trimNext = false;
  work?.charge(text.length);
  const push = (token: Token) => {
    work?.charge(STEP_COST);
    tokens.push(token);
  };

  const pushText = (value: string, pos: number) => {
    if (trimNext) value = value.trimStart();
    trimNext = false;
    if (value) push({ type: "text", value, pos });
  };
  // `{%-`, `${{-` and `{#-` remove the whitespace before them, as in Nunjucks.
  const trimPrevious = () => {
    const last = tokens.at(-1);
    if (last?.type !== "text") return;
    last.value = last.value.trimEnd();
    if (!last.value) tokens.pop();
  };

  const lexTag = (start: number, kind: "var" | "block"): number => {
    const close = kind === "var" ? "}}" : "%}";
    let j = start + (kind === "var" ? 3 : 2);
    if (text[j] === "-") {
      trimPrevious();
      j++;
    }
    push({ type: kind === "var" ? "varStart" : "blockStart", value: "", pos: start });
    let braces = 0; // `{ a: { b: 1 }}` inside `${{ }}` must not end the tag early
    for (;;) {
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (j >= text.length) {
        throw src.error(kind === "var" ? "`${{` is never closed with `}}`" : "`{%` is never closed with `%}`", start);
      }
      if (kind === "block" || braces === 0) {
        const trim = text[j] === "-" && text.startsWith(close, j + 1);
        if (trim || text.startsWith(close, j)) {
          push({ type: kind === "var" ? "varEnd" : "blockEnd", value: "", pos: j });
          trimNext = trim;
          return j + close.length + (trim ? 1 : 0);
        }
      }
      const c = text[j]!;
      if (c === "'" || c === '"') {
        const { value, end } = readString(src, j);
        push({ type: "string", value, pos: j });
        j = end;
        continue;
      }
      const match = matchAt(NUMBER, text, j) ?? matchAt(NAME, text, j);
      if (match !== undefined) {
        push({ type: /\d/.test(c) ? "number" : "name", value: match, pos: j });
        j += match.length;
        continue;
      }
      const op = OPERATORS.find((o) => text.startsWith(o, j));
      if (!op) throw src.error(`unexpected character '${c}'`, j);
      if (op === "{") braces++;
      if (op === "}") braces = Math.max(0, braces - 1);
      push({ type: "op", value: op, pos: j });
      j += op.length;
    }
  };

  let i = 0;
  while (i < text.length) {
    TAG_START.lastIndex = i;
    const found = TAG_START.exec(text);
    if (!found) {
      pushText(text.slice(i), i);
      break;
    }
    const start = found.index;
    pushText(text.slice(i, start), i);
    if (found[0] === "{#") {
      const end = text.indexOf("#}", start + 2);
      if (end === -1) throw src.error("comment `{#` is never closed with `#}`", start);
      if (text[start + 2] === "-") trimPrevious();
      trimNext = end - 1 > start + 2 && text[end - 1] === "-";
      i = end + 2;
      continue;
    }
    RAW_OPEN.lastIndex = start;
    const raw = found[0] === "{%" ? RAW_OPEN.exec(text) : null;
    if (raw) {
      // Raw content is copied as it is, so skeletons can hold GitHub Actions' `${{ github.sha }}`.
      const closeTag = new RegExp(`\\{%(-?)\\s*end${raw[2]}\\s*(-?)%\\}`, "g");
      closeTag.lastIndex = RAW_OPEN.lastIndex;
      const closed = closeTag.exec(text);
      if (!closed) throw src.error(`{% ${raw[2]} %} is never closed with {% end${raw[2]} %}`, start);
      if (raw[1]) trimPrevious();
      let content = text.slice(RAW_OPEN.lastIndex, closed.index);
      if (raw[3]) content = content.trimStart();
      if (closed[1]) content = content.trimEnd();
      trimNext = false;
      pushText(content, RAW_OPEN.lastIndex);
      trimNext = Boolean(closed[2]);
      i = closeTag.lastIndex;
      continue;
    }
    i = lexTag(start, found[0] === "{%" ? "block" : "var");
  }
  push({ type: "eof", value: "", pos: text.length });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function readString(src: Source, start: number): { value: string; end: number } {
  const text = src.text;
  const quote = text[start];
  let value = "";
  for (let j = start + 1; j < text.length; ) {
    const c = text[j]!;
    if (c === quote) return { value, end: j + 1 };
    if (c !== "\\" || j + 1 >= text.length) {
      value += c;
      j++;
      continue;
    }
    const escaped = text[j + 1]!;
    const hex = text.slice(j + 2, j + 6);
    if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(hex)) {
      value += String.fromCharCode(Number.parseInt(hex, 16));
      j += 6;
    } else {
      value += ESCAPES[escaped] ?? escaped;
      j += 2;
    }
  }
  throw src.error("this string is never closed", start);
}

// ─── Parser ──────────────────────────────────────────────────────────────────

type BinaryOp = "or" | "and" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "not in" | "~" | "+" | "-" | "*" | "/" | "//" | "%";

type ExprBody =
  | { kind: "literal"; value: unknown }
  | { kind: "name"; name: string }
  | { kind: "get"; object: Expr; key: Expr }
  | { kind: "list"; items: Expr[] }
  | { kind: "dict"; entries: Array<[string, Expr]> }
  | { kind: "unary"; op: "not" | "-" | "+"; arg: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "conditional"; test: Expr; then: Expr; otherwise: Expr | undefined }
  | { kind: "filter"; name: string; target: Expr; args: Expr[] }
  | { kind: "test"; name: string; target: Expr; negated: boolean };
type Expr = ExprBody & { pos: number; depth: number };

type TemplateNode =
  | { kind: "text"; value: string; pos: number }
  | { kind: "output"; expr: Expr; pos: number }
  | { kind: "if"; branches: Array<{ test: Expr; body: TemplateNode[] }>; otherwise: TemplateNode[] }
  | { kind: "for"; names: string[]; iterable: Expr; body: TemplateNode[]; otherwise: TemplateNode[]; pos: number }
  | { kind: "set"; name: string; value: Expr };

const LITERAL_WORDS = new Map<string, unknown>([
  ["true", true],
  ["True", true],
  ["false", false],
  ["False", false],
  ["null", null],
  ["none", null],
  ["None", null],
]);
const KEYWORDS = new Set(["and", "or", "not", "in", "is", "if", "else"]);
const COMPARISONS = new Set(["==", "!=", "<", ">", "<=", ">="]);
const SUPPORTED_TAGS = "if, elif, else, for, set and raw";

class Parser {
  private i = 0;
  private nesting = 0;
  private blockNesting = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly src: Source,
  ) {}

  parseTemplate(): TemplateNode[] {
    return this.parseBody([]).nodes;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== "eof") this.i++;
    return token;
  }

  private isOp(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "op" && t.value === value;
  }

  private isWord(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === "name" && t.value === value;
  }

  private expect(type: TokenType, what: string, value?: string): Token {
    const t = this.next();
    if (t.type !== type || (value !== undefined && t.value !== value)) {
      throw this.src.error(`expected ${what} but found ${describeToken(t)}`, t.pos);
    }
    return t;
  }

  private parseBody(ends: string[], opener?: Token): { nodes: TemplateNode[]; end?: string } {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const t = this.next();
      if (t.type === "text") {
        nodes.push({ kind: "text", value: t.value, pos: t.pos });
      } else if (t.type === "varStart") {
        const expr = this.parseExpression();
        this.expect("varEnd", "`}}`");
        nodes.push({ kind: "output", expr, pos: t.pos });
      } else if (t.type === "blockStart") {
        // Errors about a tag point at its `{%`.
        const tag = { ...this.expect("name", "a tag name such as if or for"), pos: t.pos };
        if (ends.includes(tag.value)) return { nodes, end: tag.value };
        nodes.push(this.parseTag(tag));
      } else if (t.type === "eof") {
        if (opener) throw this.src.error(`{% ${opener.value} %} is never closed with {% ${ends.at(-1)} %}`, opener.pos);
        return { nodes };
      } else {
        throw this.src.error(`unexpected ${describeToken(t)}`, t.pos);
      }
    }
  }

  private parseTag(tag: Token): TemplateNode {
    if (tag.value === "set") {
      const name = this.expect("name", "a variable name").value;
      this.expect("op", "`=`", "=");
      const value = this.parseExpression();
      this.expect("blockEnd", "`%}`");
      return { kind: "set", name, value };
    }
    if (tag.value !== "if" && tag.value !== "for") {
      const reason = /^(end|el)/.test(tag.value) || tag.value === "else"
        ? `{% ${tag.value} %} has no matching opening tag`
        : `unknown tag '${tag.value}'; Pave templates support ${SUPPORTED_TAGS}`;
      throw this.src.error(reason, tag.pos);
    }
    if (++this.blockNesting > MAX_NESTING) {
      throw this.src.error(`tags are nested more than ${MAX_NESTING} levels deep`, tag.pos);
    }
    const node = tag.value === "if" ? this.parseIf(tag) : this.parseFor(tag);
    this.blockNesting--;
    return node;
  }

  private parseIf(tag: Token): TemplateNode {
    const branches: Array<{ test: Expr; body: TemplateNode[] }> = [];
    let test = this.parseExpression();
    for (;;) {
      this.expect("blockEnd", "`%}`");
      const { nodes, end } = this.parseBody(["elif", "elseif", "else", "endif"], tag);
      branches.push({ test, body: nodes });
      if (end === "endif") {
        this.expect("blockEnd", "`%}`");
        return { kind: "if", branches, otherwise: [] };
      }
      if (end === "else") {
        this.expect("blockEnd", "`%}`");
        const otherwise = this.parseBody(["endif"], tag).nodes;
        this.expect("blockEnd", "`%}`");
        return { kind: "if", branches, otherwise };
      }
      test = this.parseExpression();
    }
  }

  private parseFor(tag: Token): TemplateNode {
    const names = [this.expect("name", "a loop variable").value];
    if (this.isOp(",")) {
      this.next();
      names.push(this.expect("name", "a second loop variable").value);
    }
    this.expect("name", "`in`", "in");
    const iterable = this.parseExpression();
    this.expect("blockEnd", "`%}`");
    const { nodes: body, end } = this.parseBody(["else", "endfor"], tag);
    this.expect("blockEnd", "`%}`");
    let otherwise: TemplateNode[] = [];
    if (end === "else") {
      otherwise = this.parseBody(["endfor"], tag).nodes;
      this.expect("blockEnd", "`%}`");
    }
    return { kind: "for", names, iterable, body, otherwise, pos: tag.pos };
  }

  // Expressions, lowest precedence first. Filters bind tighter than operators, as in Nunjucks.

  /** Counts recursion, so `((((…))))` fails cleanly long before the stack runs out. */
  private enter(pos: number): void {
    if (++this.nesting > MAX_NESTING) throw this.src.error(`this expression is nested more than ${MAX_NESTING} levels deep`, pos);
  }

  parseExpression(): Expr {
    this.enter(this.peek().pos);
    const body = this.parseOr();
    let expr = body;
    if (this.isWord("if")) {
      const pos = this.next().pos;
      const test = this.parseOr();
      let otherwise: Expr | undefined;
      if (this.isWord("else")) {
        this.next();
        otherwise = this.parseExpression();
      }
      expr = this.node({ kind: "conditional", test, then: body, otherwise }, pos, [test, body, ...(otherwise ? [otherwise] : [])]);
    }
    this.nesting--;
    return expr;
  }

  private node(body: ExprBody, pos: number, children: Expr[]): Expr {
    const depth = 1 + children.reduce((max, child) => Math.max(max, child.depth), 0);
    if (depth > MAX_NESTING) throw this.src.error(`this expression is nested more than ${MAX_NESTING} levels deep`, pos);
    return { ...body, pos, depth };
  }

  private parseBinary(ops: Array<BinaryOp>, operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      const op = ops.find((o) => (o === "and" || o === "or" ? this.isWord(o) : this.isOp(o)));
      if (!op) return left;
      this.next();
      const right = operand();
      left = this.node({ kind: "binary", op, left, right }, t.pos, [left, right]);
    }
  }

  private parseOr(): Expr {
    return this.parseBinary(["or"], () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.parseBinary(["and"], () => this.parseNot());
  }

  private parseNot(): Expr {
    if (!this.isWord("not")) return this.parseCompare();
    const t = this.next();
    this.enter(t.pos);
    const arg = this.parseNot();
    this.nesting--;
    return this.node({ kind: "unary", op: "not", arg }, t.pos, [arg]);
  }

  private parseCompare(): Expr {
    let left = this.parseConcat();
    for (;;) {
      const t = this.peek();
      let op: BinaryOp | undefined;
      if (t.type === "op" && COMPARISONS.has(t.value)) op = t.value as BinaryOp;
      else if (this.isWord("in")) op = "in";
      else if (this.isWord("not") && this.isWord("in", 1)) op = "not in";
      else if (this.isWord("is")) {
        this.next();
        const negated = this.isWord("not");
        if (negated) this.next();
        const name = this.expect("name", "a test name such as defined").value;
        if (!Object.hasOwn(TESTS, name)) {
          throw this.src.error(`unknown test '${name}'; known tests: ${Object.keys(TESTS).join(", ")}`, t.pos);
        }
        left = this.node({ kind: "test", name, target: left, negated }, t.pos, [left]);
        continue;
      }
      if (!op) return left;
      this.next();
      if (op === "not in") this.next();
      const right = this.parseConcat();
      left = this.node({ kind: "binary", op, left, right }, t.pos, [left, right]);
    }
  }

  private parseConcat(): Expr {
    return this.parseBinary(["~"], () => this.parseAdd());
  }

  private parseAdd(): Expr {
    return this.parseBinary(["+", "-"], () => this.parseMul());
  }

  private parseMul(): Expr {
    return this.parseBinary(["*", "//", "/", "%"], () => this.parseUnary(true));
  }

  private parseUnary(withFilters: boolean): Expr {
    const t = this.peek();
    let expr: Expr;
    if (t.type === "op" && (t.value === "-" || t.value === "+")) {
      this.next();
      this.enter(t.pos);
      const arg = this.parseUnary(false);
      this.nesting--;
      expr = this.node({ kind: "unary", op: t.value === "-" ? "-" : "+", arg }, t.pos, [arg]);
    } else {
      expr = this.parsePostfix(this.parsePrimary());
    }
    return withFilters ? this.parseFilters(expr) : expr;
  }

  private parseFilters(target: Expr): Expr {
    let expr = target;
    while (this.isOp("|")) {
      this.next();
      const nameToken = this.expect("name", "a filter name");
      if (!Object.hasOwn(FILTERS, nameToken.value)) throw this.src.error(unknownFilterMessage(nameToken.value), nameToken.pos);
      const args = this.isOp("(") ? this.parseList("(", ")") : [];
      expr = this.node({ kind: "filter", name: nameToken.value, target: expr, args }, nameToken.pos, [expr, ...args]);
    }
    return expr;
  }

  private parseList(open: string, close: string): Expr[] {
    this.expect("op", `\`${open}\``, open);
    const items: Expr[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseExpression());
      if (!this.isOp(close)) this.expect("op", `\`,\` or \`${close}\``, ",");
    }
    this.next();
    return items;
  }

  private parsePostfix(base: Expr): Expr {
    let expr = base;
    for (;;) {
      const t = this.peek();
      let key: Expr;
      if (this.isOp(".")) {
        this.next();
        const name = this.next();
        if (name.type !== "name" && name.type !== "number") {
          throw this.src.error(`expected a property name after '.' but found ${describeToken(name)}`, name.pos);
        }
        key = this.node({ kind: "literal", value: name.value }, name.pos, []);
        expr = this.node({ kind: "get", object: expr, key }, name.pos, [expr, key]);
      } else if (this.isOp("[")) {
        this.next();
        key = this.parseExpression();
        this.expect("op", "`]`", "]");
        expr = this.node({ kind: "get", object: expr, key }, t.pos, [expr, key]);
      } else if (this.isOp("(")) {
        throw this.src.error("templates cannot call functions; use a filter instead, e.g. `value | lower`", t.pos);
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.next();
    if (t.type === "number") return this.node({ kind: "literal", value: Number(t.value) }, t.pos, []);
    if (t.type === "string") return this.node({ kind: "literal", value: t.value }, t.pos, []);
    if (t.type === "name") {
      if (LITERAL_WORDS.has(t.value)) return this.node({ kind: "literal", value: LITERAL_WORDS.get(t.value) }, t.pos, []);
      if (KEYWORDS.has(t.value)) throw this.src.error(`expected a value but found '${t.value}'`, t.pos);
      return this.node({ kind: "name", name: t.value }, t.pos, []);
    }
    if (t.type === "op" && t.value === "(") {
      const expr = this.parseExpression();
      this.expect("op", "`)`", ")");
      return expr;
    }
    if (t.type === "op" && t.value === "[") {
      this.i--;
      const items = this.parseList("[", "]");
      return this.node({ kind: "list", items }, t.pos, items);
    }
    if (t.type === "op" && t.value === "{") return this.parseDict(t);
    throw this.src.error(`expected a value but found ${describeToken(t)}`, t.pos);
  }

  private parseDict(open: Token): Expr {
    const entries: Array<[string, Expr]> = [];
    while (!this.isOp("}")) {
      const key = this.next();
      if (key.type !== "name" && key.type !== "string" && key.type !== "number") {
        throw this.src.error(`expected an object key but found ${describeToken(key)}`, key.pos);
      }
      if (FORBIDDEN_NAMES.has(key.value)) throw this.src.error(`'${key.value}' cannot be used as a key`, key.pos);
      this.expect("op", "`:`", ":");
      entries.push([key.value, this.parseExpression()]);
      if (!this.isOp("}")) this.expect("op", "`,` or `}`", ",");
    }
    this.next();
    return this.node({ kind: "dict", entries }, open.pos, entries.map(([, value]) => value));
  }
}

function describeToken(t: Token): string {
  switch (t.type) {
    case "eof":
      return "the end of the template";
    case "varEnd":
      return "`}}`";
    case "blockEnd":
      return "`%}`";
    case "varStart":
      return "`${{`";
    case "blockStart":
      return "`{%`";
    case "text":
      return "text";
    case "string":
      return `the string ${JSON.stringify(t.value.length > 40 ? `${t.value.slice(0, 40)}…` : t.value)}`;
    default:
      return `'${t.value}'`;
  }
}

function parse(src: Source, work?: WorkBudget): TemplateNode[] {
  return new Parser(tokenize(src, work), src).parseTemplate();
}

// ─── Values: safe property access, truthiness and text ──────────────────────

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The value of an own, enumerable data property; getters are never run and functions never handed out. */
function dataProperty(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (!descriptor || !descriptor.enumerable || !("value" in descriptor)) return undefined;
  return typeof descriptor.value === "function" || typeof descriptor.value === "symbol" ? undefined : descriptor.value;
}

/** Reads `base[key]` under the sandbox rules; anything not plainly data is undefined. */
function readProperty(base: unknown, key: unknown): unknown {
  if (typeof key === "string" && FORBIDDEN_NAMES.has(key)) {
    throw new TemplateError(`'${key}' is not accessible in templates`);
  }
  if (typeof key !== "string" && typeof key !== "number") return undefined;
  if (Array.isArray(base) || typeof base === "string") {
    if (key === "length") return base.length;
    const index = typeof key === "number" ? key : /^(0|[1-9]\d*)$/.test(key) ? Number(key) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= base.length) return undefined;
    return typeof base === "string" ? base.charAt(index) : dataProperty(base, String(index));
  }
  return isPlainObject(base) ? dataProperty(base, String(key)) : undefined;
}

/** Keys whose values a template may read: own, enumerable data properties that are not functions. */
function ownKeys(target: Record<string, unknown>): string[] {
  return Object.keys(target).filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return !FORBIDDEN_NAMES.has(key) && descriptor !== undefined && "value" in descriptor && typeof descriptor.value !== "function";
  });
}

function listItems(list: unknown[]): unknown[] {
  return Array.from({ length: list.length }, (_, i) => readProperty(list, i));
}

function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "text";
  if (typeof value === "object") return "an object";
  return typeof value === "undefined" ? "nothing (undefined)" : `a ${typeof value}`;
}

function tooLong(limit: number): TemplateError {
  return new TemplateError(`the text grew past the limit of ${formatBytes(limit)}`);
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * JSON text of a value, refusing to build more than `maxLength` characters. Each
 * visit is charged as it happens: a list that holds the same big list many times
 * costs what writing it out costs, not what it takes to hold.
 */
function toJson(value: unknown, indent: unknown, limits: FilterLimits): string | undefined {
  let size = 0;
  const space = typeof indent === "number" || typeof indent === "string" ? indent : undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(
      value,
      (key, item: unknown) => {
        const units = key.length + (typeof item === "string" ? item.length : 4);
        limits.charge(ITEM_COST + units);
        size += units;
        if (size > limits.maxLength) throw tooLong(limits.maxLength);
        return typeof item === "bigint" ? String(item) : item;
      },
      space,
    );
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError("this value refers to itself and cannot be written out as JSON");
  }
  limits.charge(text?.length ?? 0);
  return text;
}

/** How a value appears in rendered text. */
function toText(value: unknown, limits: FilterLimits): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "object" && value !== null) return toJson(value, undefined, limits) ?? "";
  return "";
}

/** What reading a value whole costs: its characters, or its items. */
function sizeOf(value: unknown): number {
  if (typeof value === "string") return value.length;
  return Array.isArray(value) ? value.length * ITEM_COST : ITEM_COST;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ─── Evaluator ───────────────────────────────────────────────────────────────

class Evaluator {
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
        case "set":
          this.frames.at(-1)!.set(node.name, this.evaluate(node.value));
          break;
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
      this.render(node.otherwise);
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
    for (let index = 0; index < length; index++) {
      const frame = new Map<string, unknown>();
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
      this.frames.push(frame);
      this.render(node.body);
      this.frames.pop();
    }
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

const TESTS: Readonly<Record<string, (value: unknown) => boolean>> = Object.freeze({
  defined: (value: unknown) => value !== undefined,
  undefined: (value: unknown) => value === undefined,
  none: (value: unknown) => value === null,
  null: (value: unknown) => value === null,
  string: (value: unknown) => typeof value === "string",
  number: (value: unknown) => typeof value === "number",
  boolean: (value: unknown) => typeof value === "boolean",
  mapping: isPlainObject,
  iterable: (value: unknown) => Array.isArray(value) || typeof value === "string",
  odd: (value: unknown) => typeof value === "number" && Math.abs(value % 2) === 1,
  even: (value: unknown) => typeof value === "number" && value % 2 === 0,
  truthy: isTruthy,
  falsy: (value: unknown) => !isTruthy(value),
});

// ─── Filters ─────────────────────────────────────────────────────────────────

type RepoSpec = { host: string; owner?: string; repo: string; organization?: string; workspace?: string; project?: string };

const REPO_URL_EXAMPLE = "github.com?owner=acme&repo=my-service";

function shorten(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * Backstage's RepoUrlPicker value, `host?owner=…&repo=…`. Backstage checks the
 * required parts per SCM integration; Pave has no integration config here, so
 * it requires `repo`, and `owner` unless a `project` names the repository.
 */
function parseRepoUrl(input: unknown, filter: string): RepoSpec {
  if (typeof input !== "string" || input.trim() === "") {
    throw new TemplateError(`${filter} needs a repository URL such as "${REPO_URL_EXAMPLE}", got ${describeType(input)}`);
  }
  if (input.includes("://")) {
    throw new TemplateError(`${filter}: ${shorten(input)} must be written without a scheme, e.g. "${REPO_URL_EXAMPLE}"`);
  }
  let url: URL;
  try {
    url = new URL(`https://${input.trim()}`);
  } catch {
    throw new TemplateError(`${filter}: ${shorten(input)} is not a repository URL; expected host?owner=…&repo=…, e.g. "${REPO_URL_EXAMPLE}"`);
  }
  const param = (name: string) => trimSlashes(url.searchParams.get(name) ?? "") || undefined;
  const repo = param("repo");
  const owner = param("owner");
  const project = param("project");
  if (!repo) throw new TemplateError(`${filter}: ${shorten(input)} has no repo; add &repo=<name>, e.g. "${REPO_URL_EXAMPLE}"`);
  if (!owner && !project) {
    throw new TemplateError(`${filter}: ${shorten(input)} has no owner; add &owner=<name>, e.g. "${REPO_URL_EXAMPLE}"`);
  }
  const optional = { organization: param("organization"), workspace: param("workspace"), project };
  return {
    host: url.host,
    ...(owner ? { owner } : {}),
    repo,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

// A loop rather than /\/+$/, whose backtracking is quadratic on long runs of slashes.
function trimSlashes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === "/") start++;
  while (end > start && text[end - 1] === "/") end--;
  return text.slice(start, end);
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new TemplateError(`${what} must be text, got ${describeType(value)}`);
  return value;
}

function toInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TemplateError(`${what} must be a whole number, got ${describeType(value)}`);
  }
  return value;
}

function requireList(value: unknown, filter: string): unknown[] {
  if (!Array.isArray(value)) throw new TemplateError(`${filter} needs a list, got ${describeType(value)}`);
  return listItems(value);
}

/** Words of an identifier or phrase: "myService v2-API" → ["my", "service", "v2", "api"]. */
function splitWords(text: string): string[] {
  return text
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

function sortKey(value: unknown, limits: FilterLimits): number | string {
  return typeof value === "number" ? value : typeof value === "string" ? value : (toJson(value, undefined, limits) ?? "");
}

function replaceText(input: string, search: string, replacement: string, count: number, limits: FilterLimits): string {
  const { maxLength } = limits;
  // An empty search inserts the replacement between characters and at both ends, as in Nunjucks.
  const parts = search === "" ? ["", ...Array.from(input), ""] : input.split(search);
  const replacements = Math.min(parts.length - 1, count);
  if (input.length + replacements * (replacement.length - search.length) > maxLength) throw tooLong(maxLength);
  limits.charge(parts.length * ITEM_COST);
  if (replacements === parts.length - 1) return parts.join(replacement);
  return `${parts.slice(0, replacements + 1).join(replacement)}${search}${parts.slice(replacements + 1).join(search)}`;
}

const filters: Record<string, TemplateFilter> = {
  // Backstage's own filters.
  parseRepoUrl: (input) => parseRepoUrl(input, "parseRepoUrl"),
  projectSlug: (input) => {
    const spec = parseRepoUrl(input, "projectSlug");
    if (!spec.owner) throw new TemplateError(`projectSlug: ${shorten(String(input))} has no owner`);
    return `${spec.owner}/${spec.repo}`;
  },
  parseEntityRef: (input, [options]) => {
    const context: EntityRefContext = {};
    if (options !== undefined && options !== null) {
      if (!isPlainObject(options)) {
        throw new TemplateError("parseEntityRef options must be an object, e.g. { defaultKind: 'group', defaultNamespace: 'default' }");
      }
      context.defaultKind = optionalString(readProperty(options, "defaultKind"), "defaultKind");
      context.defaultNamespace = optionalString(readProperty(options, "defaultNamespace"), "defaultNamespace");
    }
    let ref: string | { kind?: string; namespace?: string; name: string };
    if (typeof input === "string") ref = input;
    else if (isPlainObject(input) && typeof readProperty(input, "name") === "string") {
      ref = {
        name: readProperty(input, "name") as string,
        kind: optionalString(readProperty(input, "kind"), "kind"),
        namespace: optionalString(readProperty(input, "namespace"), "namespace"),
      };
    } else {
      throw new TemplateError(`parseEntityRef needs an entity reference such as "component:default/my-service", got ${describeType(input)}`);
    }
    try {
      return { ...parseCatalogEntityRef(ref, context) };
    } catch (error) {
      if (error instanceof CatalogRefError) throw new TemplateError(`parseEntityRef: ${error.message}`);
      throw error;
    }
  },
  pick: (input, [path]) => {
    if (typeof path !== "string" || path === "") {
      throw new TemplateError("pick needs a property path, e.g. pick('metadata.name')");
    }
    let value = input;
    for (const part of path.match(/[^.[\]'"]+/g) ?? []) {
      value = readProperty(value, part);
      if (value === undefined) return undefined;
    }
    return value;
  },

  // Nunjucks built-ins that templates use.
  lower: (input, _args, limits) => toText(input, limits).toLowerCase(),
  upper: (input, _args, limits) => toText(input, limits).toUpperCase(),
  capitalize: (input, _args, limits) => capitalize(toText(input, limits)),
  title: (input, _args, limits) => {
    const words = toText(input, limits).split(" ");
    limits.charge(words.length * ITEM_COST);
    return words.map((word) => capitalize(word)).join(" ");
  },
  trim: (input, _args, limits) => toText(input, limits).trim(),
  replace: (input, [search, replacement, count], limits) => {
    if (typeof search !== "string" && typeof search !== "number") {
      throw new TemplateError("replace needs the text to look for, e.g. replace('-', '_')");
    }
    const limit = count === undefined ? Number.POSITIVE_INFINITY : Math.max(0, toInteger(count, "replace's count"));
    return replaceText(toText(input, limits), String(search), toText(replacement, limits), limit, limits);
  },
  default: (input, [fallback, whenFalsy]) =>
    (whenFalsy === true ? !isTruthy(input) : input === undefined || input === null) ? fallback : input,
  join: (input, [separator, attribute], limits) => {
    if (input === undefined || input === null) return "";
    if (!Array.isArray(input)) return toText(input, limits);
    const glue = separator === undefined ? "" : toText(separator, limits);
    const parts: string[] = [];
    let size = 0;
    for (const item of listItems(input)) {
      const text = toText(attribute === undefined ? item : readProperty(item, attribute), limits);
      size += text.length + glue.length;
      if (size > limits.maxLength + glue.length) throw tooLong(limits.maxLength);
      parts.push(text);
    }
    return parts.join(glue);
  },
  length: (input, _args, limits) => {
    if (Array.isArray(input) || typeof input === "string") return input.length;
    if (!isPlainObject(input)) return 0;
    const count = ownKeys(input).length;
    limits.charge(count * ITEM_COST);
    return count;
  },
  first: (input) => (Array.isArray(input) || typeof input === "string" ? readProperty(input, 0) : undefined),
  last: (input) => (Array.isArray(input) || typeof input === "string" ? readProperty(input, input.length - 1) : undefined),
  dump: (input, [indent], limits) => toJson(input, indent, limits) ?? "",
  safe: (input) => input,
  string: (input, _args, limits) => toText(input, limits),
  int: (input, [fallback = 0], limits) => {
    const value = typeof input === "number" ? Math.trunc(input) : Number.parseInt(toText(input, limits), 10);
    return Number.isNaN(value) ? fallback : value;
  },
  float: (input, [fallback = 0], limits) => {
    const value = typeof input === "number" ? input : Number.parseFloat(toText(input, limits));
    return Number.isNaN(value) ? fallback : value;
  },
  truncate: (input, [length = 255, killWords = false, end = "..."], limits) => {
    const text = toText(input, limits);
    const limit = Math.max(0, toInteger(length, "truncate's length"));
    if (text.length <= limit) return text;
    // Like Nunjucks, cut at the last space before the limit unless told to cut words.
    const space = killWords === true ? -1 : text.lastIndexOf(" ", limit);
    return text.slice(0, space === -1 ? limit : space) + toText(end, limits);
  },
  split: (input, [separator], limits) => {
    const text = toText(input, limits);
    if (separator === undefined || separator === null) return text.trim() === "" ? [] : text.trim().split(/\s+/);
    return text.split(toText(separator, limits));
  },
  sort: (input, [reverse = false, caseSensitive = false, attribute], limits) => {
    const keyed = requireList(input, "sort").map((item) => {
      const key = sortKey(attribute === undefined ? item : readProperty(item, attribute), limits);
      limits.charge(ITEM_COST + (typeof key === "string" ? key.length : 0));
      return { item, key: typeof key === "string" && caseSensitive !== true ? key.toLowerCase() : key };
    });
    keyed.sort((a, b) => {
      if (typeof a.key === "number" && typeof b.key === "number") {
        limits.charge(COMPARE_COST);
        return a.key - b.key;
      }
      const [x, y] = [String(a.key), String(b.key)];
      // Comparing two texts reads up to the shorter one; long shared prefixes make sorting slow.
      limits.charge(COMPARE_COST + Math.min(x.length, y.length));
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const sorted = keyed.map(({ item }) => item);
    return reverse === true ? sorted.reverse() : sorted;
  },
  reverse: (input) => {
    if (typeof input === "string") return Array.from(input).reverse().join("");
    return requireList(input, "reverse").reverse();
  },
  unique: (input, _args, limits) => {
    const seen = new Set<string>();
    return requireList(input, "unique").filter((item) => {
      const key = typeof item === "object" && item !== null ? `json:${toJson(item, undefined, limits)}` : `${typeof item}:${String(item)}`;
      limits.charge(ITEM_COST + key.length);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
  keys: (input) => (isPlainObject(input) ? ownKeys(input) : []),
  values: (input) => (isPlainObject(input) ? ownKeys(input).map((key) => readProperty(input, key)) : []),

  // Pave additions (not in Nunjucks or Backstage): names for repositories, packages and code.
  kebabcase: (input, _args, limits) => splitWords(toText(input, limits)).join("-"),
  snakecase: (input, _args, limits) => splitWords(toText(input, limits)).join("_"),
  camelcase: (input, _args, limits) =>
    splitWords(toText(input, limits))
      .map((word, i) => (i === 0 ? word : capitalize(word)))
      .join(""),
};
filters.d = filters.default!;

/** Filters that hand back their input, or one item of it, without reading the rest. */
const PASS_THROUGH_FILTERS = new Set(["default", "d", "safe", "first", "last", "length", "pick"]);
/** Filters that cut text into characters or words one by one: each character costs PIECEWISE_COST. */
const PIECEWISE_FILTERS = new Set(["reverse", "kebabcase", "snakecase", "camelcase"]);

/** Every filter a template may use, by name. */
export const FILTERS: Readonly<Record<string, TemplateFilter>> = Object.freeze(filters);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function unknownFilterMessage(name: string): string {
  const closest = Object.keys(FILTERS)
    .map((known) => ({ known, distance: editDistance(name.toLowerCase(), known.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.known.localeCompare(b.known))
    .slice(0, 6)
    .map(({ known }) => known);
  return `unknown filter '${name}'; known filters include ${closest.join(", ")} (${Object.keys(FILTERS).length} in all)`;
}

// ─── Public API ──────────────────────────────────────────────────────────────

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

function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
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

// ─── Secret use ──────────────────────────────────────────────────────────────

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
  private readonly frames: Array<Map<string, Taint>> = [new Map()];

  constructor(
    private readonly src: Source,
    private readonly roots: ReadonlySet<string>,
  ) {}

  scan(nodes: TemplateNode[]): void {
    for (const node of nodes) {
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
          this.frames.push(new Map(node.names.map((name, i) => [name, itemTaints[i] ?? "none"])));
          this.frames.at(-1)!.set("loop", "none");
          this.scan(node.body);
          this.frames.pop();
          this.scan(node.otherwise);
          break;
        }
        case "set": {
          const taint = this.taint(node.value);
          // A refused value is reported once, here, not again at each use of the variable.
          if (taint === "derived") this.problem(DERIVED_SECRET, node.value.pos);
          // A branch may or may not have run, so a variable keeps the worst taint it may have.
          this.frames.at(-1)!.set(node.name, joinTaint(this.lookup(node.name), taint === "derived" ? "none" : taint));
          break;
        }
      }
    }
  }

  private problem(reason: string, pos: number): void {
    this.problems.push(this.src.error(reason, pos));
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
      const scanner = new SecretScanner(src, roots);
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
