import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { catalogLimitsFromEnv, parseCatalogYaml } from "@/lib/catalog/descriptor";
import type { CatalogEntity } from "@/lib/catalog/types";
import { getEnv } from "@/lib/env";
import { parameterPages, type ParameterPage } from "@/lib/scaffolder/parameters";

/**
 * Where templates come from: the golden paths shipped in templates/<id>/ ("builtin:<id>"),
 * and Template entities registered in the catalog ("catalog:<namespace>/<name>").
 */

export type TemplateStep = { id: string; name: string; action: string; input?: Record<string, unknown>; if?: unknown; each?: unknown };
export type TemplateOutput = { links?: { title?: string; url?: string; icon?: string; entityRef?: string }[]; text?: { title?: string; content?: string }[] };

/** Where a template's relative paths (e.g. `url: ./skeleton`) point. */
export type TemplateBase = { kind: "dir"; dir: string } | { kind: "location"; url: string } | { kind: "none" };

export type LoadedTemplate = {
  id: string;
  name: string;
  title: string;
  description: string;
  owner: string;
  tags: string[];
  type: string;
  pages: ParameterPage[];
  steps: TemplateStep[];
  output: TemplateOutput;
  base: TemplateBase;
};

export type TemplateSummary = Pick<LoadedTemplate, "id" | "name" | "title" | "description" | "owner" | "tags" | "type">;

const BUILTIN_DIR = path.join(process.cwd(), "templates");

function toLoaded(id: string, entity: CatalogEntity, base: TemplateBase): LoadedTemplate {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const rawSteps = Array.isArray(spec.steps) ? (spec.steps as Record<string, unknown>[]) : [];
  return {
    id,
    name: entity.metadata.name,
    title: entity.metadata.title ?? entity.metadata.name,
    description: entity.metadata.description ?? "",
    owner: typeof spec.owner === "string" ? spec.owner : "",
    tags: entity.metadata.tags ?? [],
    type: typeof spec.type === "string" ? spec.type : "",
    pages: parameterPages(spec.parameters),
    steps: rawSteps.map((step, index) => ({
      id: typeof step.id === "string" ? step.id : `step-${index + 1}`,
      name: typeof step.name === "string" ? step.name : typeof step.action === "string" ? step.action : `Step ${index + 1}`,
      action: String(step.action ?? ""),
      input: (step.input as Record<string, unknown> | undefined) ?? {},
      if: step.if,
      each: step.each,
    })),
    output: (spec.output as TemplateOutput | undefined) ?? {},
    base,
  };
}

async function loadBuiltin(dirName: string): Promise<LoadedTemplate | null> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(dirName)) return null;
  const dir = path.join(BUILTIN_DIR, dirName);
  let text: string;
  try {
    text = await readFile(path.join(dir, "template.yaml"), "utf8");
  } catch {
    return null;
  }
  const { entities, errors } = parseCatalogYaml(text, catalogLimitsFromEnv(getEnv()));
  const entity = entities[0];
  if (errors.length || !entity || entity.kind !== "Template") {
    throw new Error(`templates/${dirName}/template.yaml is not a valid Template: ${JSON.stringify(errors.slice(0, 3))}`);
  }
  return toLoaded(`builtin:${dirName}`, entity, { kind: "dir", dir });
}

/** Every template a developer can run: built-in ones first, then the catalog's. */
export async function listTemplates(): Promise<TemplateSummary[]> {
  const dirs = (await readdir(BUILTIN_DIR, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const builtin = (await Promise.all(dirs.map(loadBuiltin))).filter((t): t is LoadedTemplate => !!t);
  const fromCatalog = await db.entity.findMany({
    // Only from locations a platform user marked as template sources: a template's steps
    // run with Pave's credentials, so not every catalog file may define one.
    where: { kind: "Template", location: { templateSource: true } },
    orderBy: { name: "asc" },
    take: 500,
    select: { key: true, apiVersion: true, kind: true, metadata: true, spec: true },
  });
  const catalog = fromCatalog.map((row) =>
    toLoaded(`catalog:${row.key.slice("template:".length)}`, { apiVersion: row.apiVersion, kind: row.kind, metadata: row.metadata as CatalogEntity["metadata"], spec: row.spec as Record<string, unknown> }, { kind: "none" }),
  );
  return [...builtin, ...catalog].map(({ id, name, title, description, owner, tags, type }) => ({ id, name, title, description, owner, tags, type }));
}

/** One template by id, or null (also for a catalog template whose location is not a template source). Catalog templates resolve relative paths against their location. */
export async function loadTemplate(id: string): Promise<LoadedTemplate | null> {
  if (id.startsWith("builtin:")) return loadBuiltin(id.slice("builtin:".length));
  if (!id.startsWith("catalog:")) return null;
  const key = `template:${id.slice("catalog:".length)}`.toLowerCase();
  const row = await db.entity.findUnique({
    where: { key },
    select: { apiVersion: true, kind: true, metadata: true, spec: true, location: { select: { target: true, templateSource: true } } },
  });
  if (!row?.location?.templateSource) return null;
  const base: TemplateBase = { kind: "location", url: row.location.target };
  return toLoaded(id, { apiVersion: row.apiVersion, kind: row.kind, metadata: row.metadata as CatalogEntity["metadata"], spec: row.spec as Record<string, unknown> }, base);
}
