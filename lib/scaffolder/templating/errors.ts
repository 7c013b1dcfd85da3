/**
 * Errors of the template engine, and where in a template they happened: the
 * line and column in its text, and the JSON path of the value it came from.
 */

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

/** The template text, and the JSON path of the value it came from, for error messages. */
export class Source {
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

/** The JSON path of `key` inside the value at `path`, as messages write it: `input.name`, `input["a-b"]`. */
export function childPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
