import "server-only";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { parseScorecardYaml, type ScorecardDefinition, type ScorecardParseError } from "@/lib/scorecards/schemas";

/*
 * Scorecard files → Scorecard rows (source "file"), before every evaluation.
 *
 * A file row is identified by its path, so editing a file (even its metadata.name)
 * keeps the scorecard's runs and history. Names are unique across files and the UI:
 * the scorecard that holds a name keeps it. A file whose metadata.name is already
 * taken, by a UI scorecard or by a file earlier in alphabetical order, is stored as
 * refused with an error saying so, under its file name as a placeholder name (file
 * names contain a dot, which scorecard names never do, so they cannot collide).
 */

/** One line per problem: "<file>: <path>: <reason>", joined with "; ". */
export function describeParseErrors(errors: ScorecardParseError[]): string {
  return errors.map((e) => `${e.file}: ${e.path}: ${e.message}`).join("; ");
}

/** A definition as a Json column value; Prisma.DbNull for none. */
export function definitionJson(definition: ScorecardDefinition | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return definition ? (definition as unknown as Prisma.InputJsonValue) : Prisma.DbNull;
}

/** JSON with object keys sorted, to compare a definition with one read back from jsonb. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

type Desired = { path: string; name: string; title: string; description: string; yaml: string; definition: ScorecardDefinition | null; error: string | null };

/** Reads *.yaml and *.yml directly in the folder; a missing folder holds no scorecards. */
async function readScorecardFiles(dir: string): Promise<{ path: string; text: string }[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() && /\.ya?ml$/i.test(d.name)).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  names.sort();
  return Promise.all(names.map(async (name) => ({ path: name, text: await readFile(path.join(dir, name), "utf8") })));
}

/**
 * Upserts a Scorecard row for every YAML file in PAVE_SCORECARDS_DIR (resolved from the
 * working directory) and deletes file scorecards whose file is gone. Refused files are
 * stored with their reasons and no definition.
 */
export async function syncScorecardFiles(dir: string = getEnv().PAVE_SCORECARDS_DIR): Promise<{ files: number; refused: number; deleted: number }> {
  const files = await readScorecardFiles(path.resolve(/*turbopackIgnore: true*/ process.cwd(), dir));
  const existing = await db.scorecard.findMany({ select: { id: true, name: true, source: true, path: true, title: true, description: true, yaml: true, definition: true, error: true } });
  const uiNames = new Set(existing.filter((row) => row.source !== "file").map((row) => row.name));

  const fileRows = new Map(existing.filter((row) => row.source === "file" && row.path !== null).map((row) => [row.path!, row]));
  const parsed = files.map((file) => ({ file, result: parseScorecardYaml(file.text, file.path) }));

  // A file that already holds its name keeps it; the others claim names in file order.
  const claimed = new Map<string, string>(); // name → file that holds it
  for (const { file, result } of parsed) {
    if (result.ok && fileRows.get(file.path)?.name === result.definition.name) claimed.set(result.definition.name, file.path);
  }
  const desired: Desired[] = parsed.map(({ file, result }) => {
    const refuse = (error: string): Desired => ({ path: file.path, name: file.path, title: file.path, description: "", yaml: file.text, definition: null, error });
    if (!result.ok) return refuse(describeParseErrors(result.errors));
    const { name } = result.definition;
    if (uiNames.has(name)) {
      return refuse(`${file.path}: metadata.name: "${name}" is already the name of a scorecard created in Pave; rename one of them`);
    }
    const holder = claimed.get(name);
    if (holder && holder !== file.path) return refuse(`${file.path}: metadata.name: "${name}" is already used by ${holder}; scorecard names must be unique`);
    claimed.set(name, file.path);
    return { path: file.path, name, title: result.definition.title, description: result.definition.description, yaml: file.text, definition: result.definition, error: null };
  });

  const gone = [...fileRows.values()].filter((row) => !desired.some((d) => d.path === row.path));
  const changed = desired.filter((d) => {
    const row = fileRows.get(d.path);
    return (
      !row ||
      row.name !== d.name ||
      row.title !== d.title ||
      row.description !== d.description ||
      row.yaml !== d.yaml ||
      row.error !== d.error ||
      stableJson(row.definition ?? null) !== stableJson(d.definition)
    );
  });

  if (gone.length || changed.length) {
    await db.$transaction(async (tx) => {
      if (gone.length) await tx.scorecard.deleteMany({ where: { id: { in: gone.map((row) => row.id) } } });
      // Names move between files in one sync (a rename, a swap): park them first so the unique index never sees two.
      for (const d of changed) {
        const row = fileRows.get(d.path);
        if (row && row.name !== d.name) await tx.scorecard.update({ where: { id: row.id }, data: { name: `~${row.id}` } });
      }
      for (const d of changed) {
        const data = { name: d.name, title: d.title, description: d.description, yaml: d.yaml, definition: definitionJson(d.definition), error: d.error };
        const row = fileRows.get(d.path);
        if (row) await tx.scorecard.update({ where: { id: row.id }, data });
        else await tx.scorecard.create({ data: { ...data, source: "file", path: d.path } });
      }
    });
    log.info({ changed: changed.map((d) => d.path), deleted: gone.map((row) => row.path) }, "scorecard files synced");
  }
  return { files: desired.length, refused: desired.filter((d) => d.error).length, deleted: gone.length };
}
