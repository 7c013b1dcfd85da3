import "server-only";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { createLocalRepo, getWriteHost, localRepositoryDir, parseRepoUrl } from "@/lib/git";

/**
 * The infrastructure repository database requests go to: the configured GitHub repo, or
 * (embedded default) a local bare repo seeded from this project's terraform/ folder.
 */

export type InfraRepo = { owner: string; repo: string; baseBranch: string; local: boolean; localDir: string | null };

/** Where the infra repo is, from PAVE_INFRA_REPO and whether GitHub is configured. */
export function infraRepo(): InfraRepo {
  const env = getEnv();
  const { owner, repo } = parseRepoUrl(env.PAVE_INFRA_REPO, { requireOwner: true });
  const local = getWriteHost() === "local";
  return { owner, repo, baseBranch: env.PAVE_INFRA_BASE_BRANCH, local, localDir: local ? localRepositoryDir(owner, repo) : null };
}

async function filesBelow(dir: string, prefix: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(files, await filesBelow(full, rel));
    else if (entry.isFile()) files[rel] = await readFile(full, "utf8");
  }
  return files;
}

/** Creates the embedded infra repo from terraform/ the first time it is needed. */
export async function ensureLocalInfraRepo(repo: InfraRepo): Promise<void> {
  if (!repo.local || !repo.localDir || existsSync(repo.localDir)) return;
  const files = await filesBelow(path.join(process.cwd(), "terraform"), "terraform");

  await createLocalRepo(repo.localDir, files, { branch: repo.baseBranch, message: "Infrastructure repository (seeded by Pave from terraform/)" }).catch((error: unknown) => {
    // Two workers may race to create it; the loser finds it there.
    if (!existsSync(repo.localDir!)) throw error;
  });
}
