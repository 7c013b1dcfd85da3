import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";

/**
 * A run's workspace: a temporary folder nothing may escape. Every path an action
 * writes or reads goes through resolveInside.
 */

/** Resolves a relative path inside `root`; refuses absolute paths and anything that climbs out. */
export function resolveInside(root: string, relative: string, what = "path"): string {
  const cleaned = relative.replace(/^\.\/+/, "");
  if (path.isAbsolute(cleaned) || cleaned.split(/[\\/]/).includes("..")) {
    throw new AppError("INVALID", `The ${what} "${relative}" must be relative and stay inside the workspace.`);
  }
  const resolved = path.resolve(root, cleaned);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new AppError("INVALID", `The ${what} "${relative}" must stay inside the workspace.`);
  }
  return resolved;
}

export type WorkspaceFile = { path: string; content: Buffer };

/** Every file below `dir`, with paths relative to it. Symbolic links are refused. */
export async function readTree(dir: string, limits = { maxFiles: 5000, maxBytes: 50 * 1024 * 1024 }): Promise<WorkspaceFile[]> {
  const files: WorkspaceFile[] = [];
  let bytes = 0;
  async function walk(current: string) {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = path.relative(dir, full).split(path.sep).join("/");
      const info = await lstat(full);
      if (info.isSymbolicLink()) {
        throw new AppError("INVALID", `"${rel}" is a symbolic link. Templates may not contain links, because they can point outside the workspace.`);
      }
      if (info.isDirectory()) {
        await walk(full);
      } else if (info.isFile()) {
        bytes += info.size;
        if (files.length >= limits.maxFiles || bytes > limits.maxBytes) throw new AppError("INVALID", "The generated files are too many or too large.");
        files.push({ path: rel, content: await readFile(full) });
      }
    }
  }
  await walk(dir);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether bytes look like text (no NUL in the first 8 KB). */
export function isText(content: Buffer): boolean {
  return !content.subarray(0, 8192).includes(0);
}

/** Matches a path against a glob with *, ** and ?. */
export function matchesGlob(file: string, glob: string): boolean {
  const pattern = glob.replace(/^\.\//, "");
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      regex += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") regex += "[^/]*";
    else if (c === "?") regex += "[^/]";
    else regex += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${regex}$`).test(file);
}
