/**
 * Values as templates see them: safe property access (own data properties of
 * plain objects, arrays and strings only), truthiness, and how a value is
 * written out as text or JSON. Shared by the evaluator and the filters.
 */
import { ITEM_COST, type FilterLimits } from "@/lib/scaffolder/templating/budget";
import { TemplateError } from "@/lib/scaffolder/templating/errors";

/** Property names no template may read or write: the ways out of plain data. */
export const FORBIDDEN_NAMES = new Set(["__proto__", "prototype", "constructor"]);

/** An object made by `{}` or JSON parsing (not an array, class instance or function). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
export function readProperty(base: unknown, key: unknown): unknown {
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
export function ownKeys(target: Record<string, unknown>): string[] {
  return Object.keys(target).filter((key) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    return !FORBIDDEN_NAMES.has(key) && descriptor !== undefined && "value" in descriptor && typeof descriptor.value !== "function";
  });
}

/** A list's items read under the sandbox rules (holes and accessors become undefined). */
export function listItems(list: unknown[]): unknown[] {
  return Array.from({ length: list.length }, (_, i) => readProperty(list, i));
}

/** Truthiness as in Nunjucks, except that an empty list is false. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** The kind of a value, for messages: "text", "a list", "a number", … */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "text";
  if (typeof value === "object") return "an object";
  return typeof value === "undefined" ? "nothing (undefined)" : `a ${typeof value}`;
}

/** The error of a text that grew past `limit` characters. */
export function tooLong(limit: number): TemplateError {
  return new TemplateError(`the text grew past the limit of ${formatBytes(limit)}`);
}

/** A byte count for messages: "5 MiB", or "1000 bytes". */
export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * JSON text of a value, refusing to build more than `maxLength` characters. Each
 * visit is charged as it happens: a list that holds the same big list many times
 * costs what writing it out costs, not what it takes to hold.
 */
export function toJson(value: unknown, indent: unknown, limits: FilterLimits): string | undefined {
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
export function toText(value: unknown, limits: FilterLimits): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value === "object" && value !== null) return toJson(value, undefined, limits) ?? "";
  return "";
}

/** What reading a value whole costs: its characters, or its items. */
export function sizeOf(value: unknown): number {
  if (typeof value === "string") return value.length;
  return Array.isArray(value) ? value.length * ITEM_COST : ITEM_COST;
}

/** The length of a text in UTF-8 bytes, without encoding it. */
export function utf8Length(text: string): number {
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
