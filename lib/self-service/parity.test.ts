/*
 * VALIDATION PARITY between Pave's rules (rules.ts) and the managed-database module's
 * `validation` blocks (terraform/modules/managed-database/variables.tf).
 *
 * Terraform can't run here, so this is a check of rules-as-data, in two parts:
 *  1. The literals in the module's conditions (the name pattern, the length cap, the tier,
 *     engine, version and environment lists, the retention bounds, the prod minimum) and
 *     the tier/port maps in main.tf are read with HashiCorp's parser and compared with the
 *     constants in rules.ts.
 *  2. A table of good and bad inputs goes through `moduleInputsSchema` and through the
 *     module's conditions, evaluated by the small interpreter below over HashiCorp's
 *     expression AST. Both must accept or reject each row, and a rejected row names the
 *     variable whose validation rejects it on both sides.
 * The interpreter knows only the functions and operators these conditions use and throws
 * on anything else, so a new kind of condition fails here instead of passing unchecked.
 * It differs from Terraform in ways the table avoids: `length` counts code points (Terraform
 * counts grapheme clusters) and `regex` uses JavaScript's engine in `u` mode (Terraform uses
 * RE2); for the ASCII names and the character classes used here they agree.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { getExpressionAst, parse } from "@cdktf/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BACKUP_RETENTION,
  ENGINES,
  ENVIRONMENTS,
  moduleInputsSchema,
  OWNER_PATTERN,
  SERVICE_NAME_MAX,
  SERVICE_NAME_PATTERN,
  TIERS,
} from "@/lib/self-service/rules";

const moduleDir = path.resolve(import.meta.dirname, "../../terraform/modules/managed-database");

type AstNode = { type: string; meta?: Record<string, unknown>; children?: AstNode[] };
type Validation = { variable: string; condition: string; errorMessage: string; ast: AstNode };
type HclValue = string | number | boolean | null | HclValue[];

let validations: Validation[] = [];

beforeAll(async () => {
  const json = (await parse("variables.tf", readFileSync(path.join(moduleDir, "variables.tf"), "utf8"))) as {
    variable: Record<string, [{ validation?: { condition: string; error_message: string }[] }]>;
  };
  validations = [];
  for (const [variable, [body]] of Object.entries(json.variable)) {
    for (const v of body.validation ?? []) {
      // hcl2json gives each condition as "${…}"; the AST parser wants the bare expression.
      expect(v.condition.startsWith("${") && v.condition.endsWith("}"), v.condition).toBe(true);
      const condition = v.condition.slice(2, -1);
      const ast = (await getExpressionAst("variables.tf", condition)) as AstNode | null;
      if (!ast) throw new Error(`can't parse the condition of ${variable}: ${condition}`);
      validations.push({ variable, condition, errorMessage: v.error_message, ast });
    }
  }
});

// ---- a tiny interpreter for the conditions ---------------------------------------------

class EvalError extends Error {}

/** An HCL quoted-string literal's raw text (as the AST gives it) to its value. */
function decodeLiteral(raw: string): string {
  if (/\$\$\{|%%\{|\\U/.test(raw)) throw new EvalError(`unsupported escape in "${raw}"`);
  return JSON.parse(`"${raw}"`) as string;
}

function children(node: AstNode): AstNode[] {
  return node.children ?? [];
}

function metaString(node: AstNode, key: string): string {
  const value = node.meta?.[key];
  if (typeof value !== "string") throw new EvalError(`${node.type} without ${key}`);
  return value;
}

function asNumber(value: HclValue): number {
  if (typeof value !== "number") throw new EvalError(`expected a number, got ${JSON.stringify(value)}`);
  return value;
}

function asString(value: HclValue): string {
  if (typeof value !== "string") throw new EvalError(`expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function asBool(value: HclValue): boolean {
  if (typeof value !== "boolean") throw new EvalError(`expected a bool, got ${JSON.stringify(value)}`);
  return value;
}

function evaluate(node: AstNode, vars: Record<string, HclValue>): HclValue {
  const kids = children(node);
  switch (node.type) {
    case "": // parentheses
      if (kids.length !== 1) throw new EvalError("unexpected empty node");
      return evaluate(kids[0]!, vars);
    case "literalValue": {
      const raw = metaString(node, "value");
      const type = node.meta?.type;
      if (type === "number") return Number(raw);
      if (type === "bool") return raw === "true";
      if (type === "string") return decodeLiteral(raw);
      throw new EvalError(`unsupported literal type ${String(type)}`);
    }
    case "template":
      if (!kids.every((k) => k.type === "literalValue")) throw new EvalError("templates with interpolation aren't supported");
      return kids.map((k) => asString(evaluate(k, vars))).join("");
    case "tuple":
      return kids.map((k) => evaluate(k, vars));
    case "scopeTraversal": {
      const accessor = metaString(node, "fullAccessor");
      const match = /^var\.([a-z_][a-z0-9_]*)$/.exec(accessor);
      if (!match) throw new EvalError(`unsupported reference ${accessor}`);
      const value = vars[match[1]!];
      if (value === undefined) throw new EvalError(`no value for ${accessor}`);
      return value;
    }
    case "unaryOp": {
      const operand = evaluate(kids[0]!, vars);
      if (node.meta?.operator === "logicalNot") return !asBool(operand);
      if (node.meta?.operator === "negate") return -asNumber(operand);
      throw new EvalError(`unsupported operator ${String(node.meta?.operator)}`);
    }
    case "binaryOp": {
      // Terraform evaluates both sides of && and || (errors on either side count), so do we.
      const [a, b] = [evaluate(kids[0]!, vars), evaluate(kids[1]!, vars)];
      switch (node.meta?.operator) {
        case "logicalAnd":
          return asBool(a) && asBool(b);
        case "logicalOr":
          return asBool(a) || asBool(b);
        case "equal":
          return JSON.stringify(a) === JSON.stringify(b);
        case "notEqual":
          return JSON.stringify(a) !== JSON.stringify(b);
        case "greaterThan":
          return asNumber(a) > asNumber(b);
        case "greaterThanOrEqual":
          return asNumber(a) >= asNumber(b);
        case "lessThan":
          return asNumber(a) < asNumber(b);
        case "lessThanOrEqual":
          return asNumber(a) <= asNumber(b);
        default:
          throw new EvalError(`unsupported operator ${String(node.meta?.operator)}`);
      }
    }
    case "function":
      return callFunction(metaString(node, "name"), kids, vars);
    default:
      throw new EvalError(`unsupported expression type "${node.type}"`);
  }
}

function callFunction(name: string, args: AstNode[], vars: Record<string, HclValue>): HclValue {
  if (name === "can") {
    try {
      evaluate(args[0]!, vars);
      return true;
    } catch (error) {
      if (error instanceof EvalError) throw error; // a gap in this interpreter, not a false condition
      return false;
    }
  }
  const values = args.map((a) => evaluate(a, vars));
  switch (name) {
    case "regex": {
      const match = new RegExp(asString(values[0]!), "u").exec(asString(values[1]!));
      if (!match) throw new Error("regex: no match"); // Terraform's regex() fails when nothing matches
      return match[0];
    }
    case "length": {
      const v = values[0]!;
      if (typeof v === "string") return [...v].length;
      if (Array.isArray(v)) return v.length;
      throw new EvalError("length of an unsupported value");
    }
    case "contains": {
      const list = values[0]!;
      if (!Array.isArray(list)) throw new EvalError("contains needs a list");
      return list.some((item) => JSON.stringify(item) === JSON.stringify(values[1]));
    }
    case "strcontains":
      return asString(values[0]!).includes(asString(values[1]!));
    case "startswith":
      return asString(values[0]!).startsWith(asString(values[1]!));
    case "endswith":
      return asString(values[0]!).endsWith(asString(values[1]!));
    case "floor":
      return Math.floor(asNumber(values[0]!));
    default:
      throw new EvalError(`unsupported function ${name}()`);
  }
}

/** The module's validations that reject `inputs`, for the variables `inputs` sets. */
function moduleRejections(inputs: Record<string, HclValue>): Validation[] {
  return validations.filter((v) => v.variable in inputs && evaluate(v.ast, inputs) !== true);
}

// ---- helpers to find literals in the conditions --------------------------------------

function walk(node: AstNode): AstNode[] {
  return [node, ...children(node).flatMap(walk)];
}

function isVar(node: AstNode | undefined, name: string): boolean {
  return node?.type === "scopeTraversal" && node.meta?.fullAccessor === `var.${name}`;
}

function conditionsOf(variable: string): Validation[] {
  const found = validations.filter((v) => v.variable === variable);
  expect(found.length, `validations of ${variable}`).toBeGreaterThan(0);
  return found;
}

/** The list literal `L` in every `contains(L, var.<name>)` among the variable's conditions. */
function containsLists(variable: string, subject = variable): HclValue[][] {
  return conditionsOf(variable)
    .flatMap((v) => walk(v.ast))
    .filter((n) => n.type === "function" && n.meta?.name === "contains" && isVar(children(n)[1], subject))
    .map((n) => evaluate(children(n)[0]!, {}) as HclValue[]);
}

/** The number `N` in every `var.<name> <op> N` among the variable's conditions. */
function comparisons(variable: string, operator: string, subject = variable): number[] {
  return conditionsOf(variable)
    .flatMap((v) => walk(v.ast))
    .filter((n) => n.type === "binaryOp" && n.meta?.operator === operator && isVar(children(n)[0], subject))
    .map((n) => asNumber(evaluate(children(n)[1]!, {})));
}

/** The pattern in every `regex(P, var.<name>)` among the variable's conditions. */
function regexPatterns(variable: string): string[] {
  return conditionsOf(variable)
    .flatMap((v) => walk(v.ast))
    .filter((n) => n.type === "function" && n.meta?.name === "regex" && isVar(children(n)[1], variable))
    .map((n) => asString(evaluate(children(n)[0]!, {})));
}

// ---- part 1: the same data -----------------------------------------------------------

describe("the module's validation conditions encode rules.ts", () => {
  it("uses SERVICE_NAME_PATTERN and SERVICE_NAME_MAX for service_name", () => {
    expect(regexPatterns("service_name")).toEqual([SERVICE_NAME_PATTERN]);
    const caps = conditionsOf("service_name")
      .flatMap((v) => walk(v.ast))
      .filter((n) => n.type === "binaryOp" && n.meta?.operator === "lessThanOrEqual")
      .filter((n) => children(n)[0]?.meta?.name === "length" && isVar(children(children(n)[0]!)[0], "service_name"))
      .map((n) => evaluate(children(n)[1]!, {}));
    expect(caps).toEqual([SERVICE_NAME_MAX]);
  });

  it("uses OWNER_PATTERN for owner", () => {
    expect(regexPatterns("owner")).toEqual([OWNER_PATTERN]);
  });

  it("lists the same tiers, engines and environments", () => {
    expect(containsLists("tier")).toEqual([Object.keys(TIERS)]);
    expect(containsLists("engine")).toEqual([Object.keys(ENGINES)]);
    expect(containsLists("environment")).toEqual([[...ENVIRONMENTS]]);
  });

  it("offers the same versions for each engine", () => {
    // Each engine appears as `var.engine == "<engine>" && contains([versions], var.engine_version)`.
    const pairs = conditionsOf("engine_version")
      .flatMap((v) => walk(v.ast))
      .filter((n) => n.type === "binaryOp" && n.meta?.operator === "logicalAnd")
      .map((n) => children(n).map((c) => (c.type === "" ? children(c)[0]! : c)))
      .filter(([left, right]) => left?.meta?.operator === "equal" && isVar(children(left)[0], "engine") && right?.meta?.name === "contains")
      .map(([left, right]) => [evaluate(children(left!)[1]!, {}), evaluate(children(right!)[0]!, {})]);
    expect(Object.fromEntries(pairs)).toEqual(Object.fromEntries(Object.entries(ENGINES).map(([engine, e]) => [engine, [...e.versions]])));
  });

  it("bounds backup retention the same way, with the prod minimum", () => {
    expect(comparisons("backup_retention_days", "greaterThanOrEqual").sort((a, b) => a - b)).toEqual([
      BACKUP_RETENTION.min,
      BACKUP_RETENTION.prodMin,
    ]);
    expect(comparisons("backup_retention_days", "lessThanOrEqual")).toEqual([BACKUP_RETENTION.max]);
    // The prod minimum sits in the condition that mentions prod.
    const prodRule = conditionsOf("backup_retention_days").filter((v) =>
      walk(v.ast).some((n) => n.type === "literalValue" && n.meta?.value === "prod"),
    );
    expect(prodRule.map((v) => v.condition)).toEqual([
      `var.environment != "prod" || var.backup_retention_days >= ${BACKUP_RETENTION.prodMin}`,
    ]);
  });

  it("maps tiers and engine ports in main.tf to the same values", async () => {
    const main = (await parse("main.tf", readFileSync(path.join(moduleDir, "main.tf"), "utf8"))) as {
      locals: { tiers?: unknown; engine_ports?: unknown }[];
    };
    const locals = Object.assign({}, ...main.locals) as { tiers?: unknown; engine_ports?: unknown };
    expect(locals.tiers).toEqual(
      Object.fromEntries(Object.entries(TIERS).map(([t, v]) => [t, { instance_class: v.instanceClass, allocated_storage: v.storageGb }])),
    );
    expect(locals.engine_ports).toEqual(Object.fromEntries(Object.entries(ENGINES).map(([e, v]) => [e, v.port])));
  });
});

// ---- part 2: the same decisions ------------------------------------------------------

const good = {
  service_name: "checkout-service",
  owner: "team-payments",
  environment: "dev",
  engine: "postgres",
  engine_version: "16",
  tier: "small",
  backup_retention_days: 7,
  multi_az: false,
};

type Row = { name: string; change: Record<string, HclValue>; rejectedBy?: keyof typeof good };

const TABLE: Row[] = [
  { name: "a valid dev request", change: {} },
  { name: "prod with 7 days and multi-AZ off (the module forces it on)", change: { environment: "prod", backup_retention_days: 7 } },
  { name: "no backups in staging", change: { environment: "staging", backup_retention_days: 0 } },
  { name: "35 days of backups", change: { backup_retention_days: 35 } },
  { name: "mysql 8.4 large", change: { engine: "mysql", engine_version: "8.4", tier: "large" } },
  { name: "postgres 15 medium", change: { engine_version: "15", tier: "medium" } },
  { name: "a two-letter name", change: { service_name: "ab" } },
  { name: "a 40-character name", change: { service_name: `a${"b".repeat(39)}` } },
  { name: "a name with digits", change: { service_name: "api2-v3" } },
  { name: "a unicode owner", change: { owner: "équipe données" } },
  { name: "an upper-case name", change: { service_name: "Checkout" }, rejectedBy: "service_name" },
  { name: "a name starting with a digit", change: { service_name: "2checkout" }, rejectedBy: "service_name" },
  { name: "a one-letter name", change: { service_name: "a" }, rejectedBy: "service_name" },
  { name: "a name with an underscore", change: { service_name: "check_out" }, rejectedBy: "service_name" },
  { name: "a name with a newline", change: { service_name: "checkout\nx" }, rejectedBy: "service_name" },
  { name: "a 41-character name", change: { service_name: `a${"b".repeat(40)}` }, rejectedBy: "service_name" },
  { name: "a name ending in a hyphen", change: { service_name: "checkout-" }, rejectedBy: "service_name" },
  { name: "a name with a double hyphen", change: { service_name: "check--out" }, rejectedBy: "service_name" },
  { name: "an empty owner", change: { owner: "" }, rejectedBy: "owner" },
  { name: "an owner with a quote", change: { owner: 'team"a' }, rejectedBy: "owner" },
  { name: "an owner with an interpolation", change: { owner: "${var.x}" }, rejectedBy: "owner" },
  { name: "a 257-character owner", change: { owner: "x".repeat(257) }, rejectedBy: "owner" },
  { name: "an unknown environment", change: { environment: "qa" }, rejectedBy: "environment" },
  { name: "a capitalised environment", change: { environment: "Prod" }, rejectedBy: "environment" },
  { name: "an unknown engine", change: { engine: "oracle" }, rejectedBy: "engine" },
  { name: "a postgres version for mysql", change: { engine: "mysql", engine_version: "16" }, rejectedBy: "engine_version" },
  { name: "a mysql version for postgres", change: { engine_version: "8.0" }, rejectedBy: "engine_version" },
  { name: "a minor version", change: { engine_version: "16.4" }, rejectedBy: "engine_version" },
  { name: "an unknown tier", change: { tier: "xlarge" }, rejectedBy: "tier" },
  { name: "an instance class as the tier", change: { tier: "db.t3.micro" }, rejectedBy: "tier" },
  { name: "negative backups", change: { backup_retention_days: -1 }, rejectedBy: "backup_retention_days" },
  { name: "36 days of backups", change: { backup_retention_days: 36 }, rejectedBy: "backup_retention_days" },
  { name: "half a day of backups", change: { backup_retention_days: 1.5 }, rejectedBy: "backup_retention_days" },
  { name: "prod with 6 days of backups", change: { environment: "prod", backup_retention_days: 6 }, rejectedBy: "backup_retention_days" },
  { name: "prod without backups", change: { environment: "prod", backup_retention_days: 0, multi_az: true }, rejectedBy: "backup_retention_days" },
];

describe("Pave and the module accept and reject the same inputs", () => {
  it.each(TABLE)("$name", ({ change, rejectedBy }) => {
    const inputs = { ...good, ...change };
    const pave = moduleInputsSchema.safeParse(inputs);
    const rejections = moduleRejections(inputs);

    if (rejectedBy === undefined) {
      expect(pave.success, JSON.stringify(pave.error?.issues)).toBe(true);
      expect(rejections.map((v) => v.errorMessage)).toEqual([]);
      return;
    }
    expect(pave.success).toBe(false);
    expect(pave.error?.issues.map((issue) => issue.path[0])).toContain(rejectedBy);
    // The module rejects it too, through a validation block on the same variable.
    expect(rejections.map((v) => v.variable)).toContain(rejectedBy);
    for (const v of rejections.filter((m) => m.variable === rejectedBy)) {
      expect(readFileSync(path.join(moduleDir, "variables.tf"), "utf8")).toContain(`condition     = ${v.condition}`);
    }
  });

  it("covers every variable Pave validates, and every validation of those variables", () => {
    const rejected = new Set(TABLE.map((row) => row.rejectedBy).filter(Boolean));
    const validated = new Set(Object.keys(moduleInputsSchema.shape).filter((k) => validations.some((v) => v.variable === k)));
    expect(rejected).toEqual(validated);
    // Each validation block of those variables rejects at least one row on its own.
    const fired = new Set(TABLE.flatMap((row) => moduleRejections({ ...good, ...row.change }).map((v) => v.condition)));
    for (const v of validations.filter((v) => validated.has(v.variable))) expect(fired, v.condition).toContain(v.condition);
  });
});
