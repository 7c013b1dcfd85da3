/**
 * The filters (`value | name(args)`) and tests (`value is name`) a template may
 * use: Backstage's own, the Nunjucks built-ins that templates use, and a few
 * Pave additions. Each reads its input through the sandbox rules in values.ts
 * and charges what it walks or builds to the limits it is handed.
 */
import { CatalogRefError, parseEntityRef as parseCatalogEntityRef, type EntityRefContext } from "@/lib/catalog/refs";
import { COMPARE_COST, ITEM_COST, type FilterLimits } from "@/lib/scaffolder/templating/budget";
import { TemplateError } from "@/lib/scaffolder/templating/errors";
import {
  describeType,
  isPlainObject,
  isTruthy,
  listItems,
  ownKeys,
  readProperty,
  tooLong,
  toJson,
  toText,
} from "@/lib/scaffolder/templating/values";
import { parseRepoUrl as parseRepoUrlValue, RepoUrlError, type RepoUrl } from "@/lib/git/repo-url";

/** A filter: `input | name(arg, …)` calls `filter(input, [arg, …], limits)`. */
export type TemplateFilter = (input: unknown, args: readonly unknown[], limits: FilterLimits) => unknown;

/** Every test (`value is name`, `value is not name`) a template may use, by name. */
export const TESTS: Readonly<Record<string, (value: unknown) => boolean>> = Object.freeze({
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

const REPO_URL_EXAMPLE = "github.com?owner=acme&repo=my-service";

function shorten(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * Backstage's RepoUrlPicker value, `host?owner=…&repo=…`, read by Pave's one parser of
 * it (lib/git/repo-url.ts, which the wizard and the server use too). It requires `repo`,
 * and `owner` unless a `project` names the repository.
 */
function parseRepoUrl(input: unknown, filter: string): RepoUrl {
  if (typeof input !== "string" || input.trim() === "") {
    throw new TemplateError(`${filter} needs a repository URL such as "${REPO_URL_EXAMPLE}", got ${describeType(input)}`);
  }
  try {
    return parseRepoUrlValue(input);
  } catch (error) {
    if (error instanceof RepoUrlError) throw new TemplateError(`${filter}: ${shorten(input)} ${error.detail}`);
    throw error;
  }
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
  truncate: (input, [length, killWords = false, end], limits) => {
    const text = toText(input, limits);
    // As in Nunjucks, a length of 0 or none means the default, 255.
    const limit = Math.max(0, toInteger(length || 255, "truncate's length"));
    if (text.length <= limit) return text;
    // Like Nunjucks, cut at the last space before the limit unless told to cut words.
    const space = killWords === true ? -1 : text.lastIndexOf(" ", limit);
    return text.slice(0, space === -1 ? limit : space) + toText(end ?? "...", limits);
  },
  sort: (input, [reverse = false, caseSensitive = false, attribute], limits) => {
    // Nunjucks sorts a missing list as an empty one.
    if (input === undefined || input === null) return [];
    // Reversing inside the comparison, as Nunjucks does, keeps equal items in their order.
    const direction = reverse === true ? -1 : 1;
    const keyed = requireList(input, "sort").map((item) => {
      const key = sortKey(attribute === undefined ? item : readProperty(item, attribute), limits);
      limits.charge(ITEM_COST + (typeof key === "string" ? key.length : 0));
      return { item, key: typeof key === "string" && caseSensitive !== true ? key.toLowerCase() : key };
    });
    keyed.sort((a, b) => {
      if (typeof a.key === "number" && typeof b.key === "number") {
        limits.charge(COMPARE_COST);
        return direction * (a.key - b.key);
      }
      const [x, y] = [String(a.key), String(b.key)];
      // Comparing two texts reads up to the shorter one; long shared prefixes make sorting slow.
      limits.charge(COMPARE_COST + Math.min(x.length, y.length));
      return direction * (x < y ? -1 : x > y ? 1 : 0);
    });
    return keyed.map(({ item }) => item);
  },
  reverse: (input) => {
    if (input === undefined || input === null) return [];
    if (typeof input === "string") return Array.from(input).reverse().join("");
    return requireList(input, "reverse").reverse();
  },

  // Pave additions (not in Nunjucks or Backstage): lists and objects, and names for repositories, packages and code.
  split: (input, [separator], limits) => {
    const text = toText(input, limits);
    if (separator === undefined || separator === null) return text.trim() === "" ? [] : text.trim().split(/\s+/);
    return text.split(toText(separator, limits));
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
  kebabcase: (input, _args, limits) => splitWords(toText(input, limits)).join("-"),
  snakecase: (input, _args, limits) => splitWords(toText(input, limits)).join("_"),
  camelcase: (input, _args, limits) =>
    splitWords(toText(input, limits))
      .map((word, i) => (i === 0 ? word : capitalize(word)))
      .join(""),
};
filters.d = filters.default!;

/** Filters that hand back their input, or one item of it, without reading the rest. */
export const PASS_THROUGH_FILTERS = new Set(["default", "d", "safe", "first", "last", "length", "pick"]);
/** Filters that cut text into characters or words one by one: each character costs PIECEWISE_COST. */
export const PIECEWISE_FILTERS = new Set(["reverse", "kebabcase", "snakecase", "camelcase"]);

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

/** The message for a filter that does not exist, naming the known filters closest to it. */
export function unknownFilterMessage(name: string): string {
  const closest = Object.keys(FILTERS)
    .map((known) => ({ known, distance: editDistance(name.toLowerCase(), known.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || a.known.localeCompare(b.known))
    .slice(0, 6)
    .map(({ known }) => known);
  return `unknown filter '${name}'; known filters include ${closest.join(", ")} (${Object.keys(FILTERS).length} in all)`;
}
