// The demo services' own repositories. Each folder of prisma/seed/repos becomes a bare
// repository <gitRoot>/acme/<folder>.git: where the embedded git host looks when a
// component's source-location says https://github.com/acme/<folder>/… and there is no
// GITHUB_TOKEN. Their docs, CI workflows and catalog-info.yaml files are what the Docs
// tab renders and the scorecards grade, so the demo services spread over the levels.
import { existsSync } from "node:fs";
import { readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createLocalRepo } from "../../lib/git/index.ts";

const SOURCE_DIR = path.join(import.meta.dirname, "repos");
const OWNER = "acme";

/**
 * Creates a bare repository for each folder of prisma/seed/repos that does not have one
 * under `<gitRoot>/acme/` yet, with all the folder's files in one commit on `main`.
 * Returns the names of the repositories it created; existing ones are left untouched.
 */
export async function seedDemoRepos(gitRoot: string): Promise<{ created: string[] }> {
  const folders = (await readdir(SOURCE_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const created: string[] = [];
  for (const name of folders) {
    const target = path.join(gitRoot, OWNER, `${name}.git`);
    if (existsSync(target)) continue;
    const files = await readRepoFiles(path.join(SOURCE_DIR, name));
    // Built beside the target and renamed into place, so a seed that dies half way
    // leaves no half-made repository that the next run would mistake for a finished one.
    const partial = `${target}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    try {
      await createLocalRepo(partial, files, { message: `Import ${name} for the Acme Shop demo` });
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      // Another seed running at the same time may have won the race; that is fine.
      if (existsSync(target)) continue;
      throw error;
    }
    created.push(name);
  }
  return { created };
}

/** Every file below `dir` (dot-folders such as .github included), keyed by its repo path with "/". */
async function readRepoFiles(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const files: Record<string, string> = {};
  const paths = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const relative of paths) {
    const bytes = await readFile(path.join(dir, relative));
    try {
      files[relative.split(path.sep).join("/")] = decoder.decode(bytes);
    } catch (error) {
      // The demo repos are text only (SVG, not PNG), so a binary file here is a mistake.
      throw new Error(`seedDemoRepos: ${path.join(dir, relative)} is not UTF-8 text`, { cause: error });
    }
  }
  if (Object.keys(files).length === 0) throw new Error(`seedDemoRepos: ${dir} has no files`);
  return files;
}
