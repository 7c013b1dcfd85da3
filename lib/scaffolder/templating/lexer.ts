/**
 * The tokenizer: cuts a template into text and the tokens inside its `${{ }}`
 * and `{% %}` tags, dropping `{# #}` comments, copying `{% raw %}` blocks as
 * text, and applying whitespace control (`{%-`, `-%}`).
 */
import { STEP_COST, type WorkBudget } from "@/lib/scaffolder/templating/budget";
import type { Source } from "@/lib/scaffolder/templating/errors";

export type TokenType = "text" | "varStart" | "varEnd" | "blockStart" | "blockEnd" | "name" | "string" | "number" | "op" | "eof";
export type Token = { type: TokenType; value: string; pos: number };

const TAG_START = /\$\{\{|\{%|\{#/g;
const RAW_OPEN = /\{%(-?)\s*(raw|verbatim)\s*(-?)%\}/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const OPERATORS = ["==", "!=", "<=", ">=", "//", "**", ..."+-*/%~|.,:()[]{}<>="];
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

/** Cuts a template into tokens, charging each character and token to the budget. */
export function tokenize(src: Source, work?: WorkBudget): Token[] {
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
