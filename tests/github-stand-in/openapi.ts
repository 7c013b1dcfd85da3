import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { Reply } from "@/tests/github-stand-in/context";

// Validation against GitHub's OpenAPI description (@octokit/openapi's api.github.com.json):
// every request body and response the stand-in handles, and every webhook it sends.

/** A request body that does not match the operation `method template`, described; or undefined. */
export function checkRequest(method: string, template: string, body: unknown): string | undefined {
  const problem = validateAgainstOpenApi({ kind: "request", method, template, body });
  return problem ? `${method} ${template} request: ${problem}` : undefined;
}

/** A reply that does not match the operation `method template`, described; or undefined. */
export function checkResponse(method: string, template: string, reply: Reply): string | undefined {
  const problem = validateAgainstOpenApi({ kind: "response", method, template, status: reply.status, body: reply.body });
  return problem ? `${method} ${template} → ${reply.status}: ${problem}` : undefined;
}

// ---------------------------------------------------------------------------------------
// Loading the description and compiling its schemas

type JsonObject = Record<string, unknown>;

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface OpenApiState {
  paths: Record<string, Record<string, OpenApiOperation>>;
  webhooks: Record<string, Record<string, OpenApiOperation>>;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  ajv: Ajv;
  validators: Map<string, ValidateFunction | null>;
}

let openApi: OpenApiState | undefined;

/**
 * Loads api.github.com.json once per process (13 MB; the .deref variants are six times
 * larger) and registers its component schemas with Ajv, converted to JSON Schema.
 */
function loadOpenApi(): OpenApiState {
  if (openApi) return openApi;
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as {
    paths: OpenApiState["paths"];
    "x-webhooks": OpenApiState["webhooks"];
    components: { schemas: Record<string, unknown>; responses: OpenApiState["responses"] };
  };
  // GitHub's description is OpenAPI 3.0 with its own formats and keywords, which Ajv's
  // strict mode rejects; we validate what JSON Schema can express and ignore the rest.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  for (const format of ["repo.nwo", "timestamp"]) ajv.addFormat(format, true);
  const definitions = Object.fromEntries(Object.entries(spec.components.schemas).map(([name, schema]) => [name, toJsonSchema(schema)]));
  ajv.addSchema({ $id: "github", definitions });
  openApi = { paths: spec.paths, webhooks: spec["x-webhooks"], responses: spec.components.responses, ajv, validators: new Map() };
  return openApi;
}

/**
 * Validates a request body or a response against the operation `method template` of
 * GitHub's description; returns a description of the mismatch, or undefined.
 */
function validateAgainstOpenApi(
  check: { kind: "request"; method: string; template: string; body: unknown } | { kind: "response"; method: string; template: string; status: number; body: unknown },
): string | undefined {
  const state = loadOpenApi();
  const operation = state.paths[check.template]?.[check.method.toLowerCase()];
  if (!operation) return `GitHub's OpenAPI description has no operation ${check.method} ${check.template}`;
  const key = check.kind === "request" ? `${check.method} ${check.template} request` : `${check.method} ${check.template} ${check.status}`;
  let validate = state.validators.get(key);
  if (validate === undefined) {
    let schema: unknown;
    if (check.kind === "request") {
      schema = operation.requestBody?.content?.["application/json"]?.schema;
    } else {
      let response = operation.responses?.[String(check.status)];
      if (!response) {
        // GitHub answers any operation with 401, 403 (rate limits), 404, 5xx…; an error
        // status the description does not list must still have GitHub's error shape.
        if (check.status < 400) return `status ${check.status} is not a documented response`;
        schema = { $ref: "#/components/schemas/basic-error" };
      } else {
        if (response.$ref) response = state.responses[response.$ref.split("/").pop() ?? ""] ?? {};
        schema = response.content?.["application/json"]?.schema;
        if (schema === undefined && check.body !== undefined && check.status < 400) return `status ${check.status} must have no body`;
      }
    }
    validate = schema === undefined ? null : state.ajv.compile(toJsonSchema(schema) as JsonObject);
    state.validators.set(key, validate);
  }
  if (validate === null || (check.kind === "request" && check.body === undefined)) return undefined;
  if (validate(check.body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  return `does not match GitHub's OpenAPI schema: ${errors.join("; ")}`;
}

// ---------------------------------------------------------------------------------------
// Webhook payloads

/**
 * Checks a webhook payload against GitHub's published schema for it, e.g.
 * "pull-request-closed" (the keys of the description's x-webhooks); returns a
 * description of the mismatch, or undefined.
 */
export function checkGitHubWebhookPayload(webhook: string, payload: unknown): string | undefined {
  const state = loadOpenApi();
  const key = `webhook ${webhook}`;
  let validate = state.validators.get(key);
  if (validate === undefined) {
    const schema = state.webhooks[webhook]?.post?.requestBody?.content?.["application/json"]?.schema;
    if (schema === undefined) return `GitHub's OpenAPI description has no webhook "${webhook}"`;
    validate = state.ajv.compile(toJsonSchema(schema) as JsonObject);
    state.validators.set(key, validate);
  }
  if (validate === null || validate(payload)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  return `does not match GitHub's webhook schema: ${errors.join("; ")}`;
}

// ---------------------------------------------------------------------------------------
// OpenAPI 3.0 → JSON Schema

const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_VALUES = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"]);
const DROPPED = new Set(["nullable", "discriminator", "example", "examples", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"]);

/**
 * OpenAPI 3.0 schema → JSON Schema for Ajv: `nullable: true` becomes a union with null
 * (3.0 has no null type), component `$ref`s point into the "github" schema registered
 * with Ajv, and OpenAPI-only keywords are dropped. Walks keyword by keyword so that a
 * property that happens to be called "example" or "nullable" is kept.
 */
function toJsonSchema(node: unknown): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
  const source = node as JsonObject;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith("x-")) continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace(/^#\/components\/schemas\//, "github#/definitions/");
    } else if (SCHEMA_MAPS.has(key) && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([name, schema]) => [name, toJsonSchema(schema)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (source.nullable !== true) return out;
  if (out.$ref || out.allOf || out.anyOf || out.oneOf) return { anyOf: [out, { type: "null" }] };
  if (typeof out.type === "string") out.type = [out.type, "null"];
  else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...out.type, "null"];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
