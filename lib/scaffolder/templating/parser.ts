/**
 * The parser: turns a template's tokens into a tree of nodes (text, output,
 * if, for, set) and expressions. It refuses what Pave does not run (unknown
 * tags, filters and tests, function calls) with a message saying so, and bounds
 * nesting so no template can overflow the stack.
 */
import { MAX_NESTING, type WorkBudget } from "@/lib/scaffolder/templating/budget";
import type { Source } from "@/lib/scaffolder/templating/errors";
import { FILTERS, TESTS, unknownFilterMessage } from "@/lib/scaffolder/templating/filters";
import { tokenize, type Token, type TokenType } from "@/lib/scaffolder/templating/lexer";
import { FORBIDDEN_NAMES } from "@/lib/scaffolder/templating/values";

type BinaryOp = "or" | "and" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "in" | "not in" | "~" | "+" | "-" | "*" | "/" | "//" | "%" | "**";

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
export type Expr = ExprBody & { pos: number; depth: number };

export type TemplateNode =
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
    return this.parseBinary(["*", "//", "/", "%"], () => this.parsePower());
  }

  /** `**` binds tighter than `*` and groups left to right, and a sign belongs to its operand: `-2 ** 2` is 4, as in Nunjucks. */
  private parsePower(): Expr {
    return this.parseBinary(["**"], () => this.parseUnary(true));
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

/** Parses a template, charging its reading to the budget. */
export function parse(src: Source, work?: WorkBudget): TemplateNode[] {
  return new Parser(tokenize(src, work), src).parseTemplate();
}
