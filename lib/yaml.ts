import type { ToJSOptions } from "yaml";

/*
 * Turning a parsed YAML document into plain data without letting aliases multiply it.
 *
 * yaml's toJS gives every alias the very object its anchor made, so the conversion itself
 * is cheap. The cost comes afterwards, wherever the value is serialised (stored as JSON,
 * sent to a page, written back out): a 20 KB anchor referenced 99 times is 2 MB of JSON.
 * maxAliasCount alone does not bound that, because it counts aliases, not the bytes each
 * one stands for. So the value is measured as the JSON it will become, counting a shared
 * object every time it is reached, and the walk stops as soon as the limit is passed: the
 * expanded text is never built and the work is bounded by the limit, not by the expansion.
 */

/** How deep a YAML value may nest before it is refused; real catalog files and configs stay far below. */
export const DEFAULT_MAX_YAML_DEPTH = 64;
/** yaml's own guard against alias chains, kept beside the size limit. */
export const DEFAULT_MAX_ALIAS_COUNT = 100;

export type YamlSizeLimits = {
  /** The most bytes the value may take as UTF-8 JSON once aliases are expanded. */
  maxBytes: number;
  /** The most levels of nested lists and mappings. */
  maxDepth?: number;
  maxAliasCount?: number;
};

export type YamlProblem = "size" | "depth" | "cycle" | "aliases" | "invalid";

export type BoundedYaml =
  | { ok: true; value: unknown; bytes: number }
  /** `message` describes the document without naming it, e.g. "is over 256 KiB once its YAML aliases are expanded". */
  | { ok: false; problem: YamlProblem; message: string; bytes: number };

type Convertible = { toJS(options?: ToJSOptions): unknown };

/** Converts a parsed YAML document to plain data, refusing it when aliases expand it past `maxBytes` of JSON, nest it too deep or make it refer to itself. */
export function toBoundedJS(document: Convertible, limits: YamlSizeLimits): BoundedYaml {
  const maxAliasCount = limits.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_YAML_DEPTH;
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount });
  } catch (error) {
    const message = (error as Error).message;
    // yaml's wording for its alias guard; any other failure (e.g. an alias before its anchor) is reported as it is.
    if (/excessive alias count/i.test(message)) {
      return { ok: false, problem: "aliases", bytes: 0, message: `uses too many YAML aliases (more than ${maxAliasCount} expansions)` };
    }
    return { ok: false, problem: "invalid", bytes: 0, message: `is not valid YAML: ${message}` };
  }

  const measured = measureJsonBytes(value, { maxBytes: limits.maxBytes, maxDepth });
  switch (measured.problem) {
    case undefined:
      return { ok: true, value, bytes: measured.bytes };
    case "size":
      return { ok: false, problem: "size", bytes: measured.bytes, message: `is over ${formatBytes(limits.maxBytes)} once its YAML aliases are expanded` };
    case "depth":
      return { ok: false, problem: "depth", bytes: measured.bytes, message: `is nested more than ${maxDepth} levels deep` };
    case "cycle":
      return { ok: false, problem: "cycle", bytes: measured.bytes, message: "refers to itself through a YAML alias, so it never ends" };
  }
}

/**
 * The size of `value` as UTF-8 JSON (what JSON.stringify would give), counting a shared
 * object every time it is reached. Stops as soon as the count passes `maxBytes`, so
 * `bytes` is then only a lower bound; stops too at a cycle or past `maxDepth` levels.
 */
export function measureJsonBytes(
  value: unknown,
  limits: { maxBytes: number; maxDepth?: number },
): { bytes: number; problem?: "size" | "depth" | "cycle" } {
  const meter = new JsonMeter(limits.maxBytes, limits.maxDepth ?? DEFAULT_MAX_YAML_DEPTH);
  meter.visit(value, 0);
  return meter.problem ? { bytes: meter.bytes, problem: meter.problem } : { bytes: meter.bytes };
}

/** A byte count for messages, rounded up so a size just over a limit never reads as the limit itself. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  const tenths = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${tenths} MiB`;
}

class JsonMeter {
  bytes = 0;
  problem?: "size" | "depth" | "cycle";
  // Only the objects on the current path: an object seen before elsewhere is a shared alias and counts again.
  private readonly path = new Set<object>();

  constructor(
    private readonly maxBytes: number,
    private readonly maxDepth: number,
  ) {}

  /** Counts `value`; false once a problem is found, so every caller can stop at once. */
  visit(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case "string":
        return this.addString(value);
      case "number":
        return this.add(Number.isFinite(value) ? String(value).length : 4); // NaN and Infinity become null
      case "boolean":
        return this.add(value ? 4 : 5);
      case "bigint":
        return this.add(value.toString().length); // JSON.stringify throws; count the digits rather than crash here
      case "object":
        return value === null ? this.add(4) : this.visitObject(value, depth);
      default:
        return this.add(4); // undefined, functions and symbols in a list become null; mappings skip them before this
    }
  }

  private visitObject(value: object, depth: number): boolean {
    if (this.path.has(value)) return this.stop("cycle");
    if (depth + 1 > this.maxDepth) return this.stop("depth");
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // Dates (YAML 1.1 timestamps) serialise through toJSON; measure what JSON.stringify would write.
    if (typeof toJSON === "function") return this.visit(toJSON.call(value), depth + 1);

    this.path.add(value);
    let ok: boolean;
    // A Set or Map (YAML 1.1 !!set, !!omap) is counted by its contents, as code that stores it would write them out.
    if (Array.isArray(value) || value instanceof Set) ok = this.visitList(value, depth + 1);
    else if (value instanceof Map) ok = this.visitEntries(value.entries(), depth + 1);
    else ok = this.visitEntries(Object.entries(value), depth + 1);
    this.path.delete(value);
    return ok;
  }

  private visitList(items: Iterable<unknown>, depth: number): boolean {
    if (!this.add(1)) return false; // [
    let first = true;
    for (const item of items) {
      if (!first && !this.add(1)) return false; // ,
      first = false;
      if (!this.visit(item, depth)) return false;
    }
    return this.add(1); // ]
  }

  private visitEntries(entries: Iterable<[unknown, unknown]>, depth: number): boolean {
    if (!this.add(1)) return false; // {
    let first = true;
    for (const [key, item] of entries) {
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue; // JSON leaves these keys out
      if (!first && !this.add(1)) return false; // ,
      first = false;
      if (!this.addString(String(key)) || !this.add(1)) return false; // "key":
      if (!this.visit(item, depth)) return false;
    }
    return this.add(1); // }
  }

  // Counted a character at a time so that a huge string stops the walk as soon as it passes the limit.
  private addString(text: string): boolean {
    if (!this.add(2)) return false; // the quotes
    let bytes = this.bytes;
    const limit = this.maxBytes;
    for (let i = 0; i < text.length && bytes <= limit; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x22 || code === 0x5c) bytes += 2; // \" and \\
      else if (code < 0x20) bytes += code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6; // \n or \u0001
      else if (code < 0x80) bytes += 1;
      else if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdbff) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          bytes += 4; // a surrogate pair is one 4-byte character
          i++;
        } else bytes += 6; // a lone surrogate is written as \ud800
      } else if (code >= 0xdc00 && code <= 0xdfff) bytes += 6;
      else bytes += 3;
    }
    this.bytes = bytes;
    return bytes > limit ? this.stop("size") : true;
  }

  private add(bytes: number): boolean {
    this.bytes += bytes;
    return this.bytes > this.maxBytes ? this.stop("size") : true;
  }

  private stop(problem: "size" | "depth" | "cycle"): false {
    this.problem ??= problem;
    return false;
  }
}
