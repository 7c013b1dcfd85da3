import "server-only";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { catalogLimitsFromEnv, parseCatalogYaml } from "@/lib/catalog/descriptor";
import { stringifyEntityRef } from "@/lib/catalog/refs";
import { registerPublishedLocation } from "@/lib/catalog/mutations";
import { getEnv } from "@/lib/env";
import { getGitReader, getGitWriter, parseRepoUrl, RepoUrlError } from "@/lib/git";
import type { RenderSession } from "@/lib/scaffolder/render-pool";
import type { TemplateBase } from "@/lib/scaffolder/templates";
import { isText, matchesGlob, readTree, resolveInside } from "@/lib/scaffolder/workspace";

/**
 * The built-in scaffolder actions. Each declares a zod input schema. Actions that change
 * the outside world (sideEffects) check dryRun themselves and never call out in a dry
 * run; a retried run skips them once they have succeeded.
 */

export type ActionContext<I> = {
  input: I;
  workspace: string;
  base: TemplateBase;
  runId: string;
  dryRun: boolean;
  actor: { id: string; email: string | null };
  /** The run's rendering, on a template thread within the run's limits. */
  render: RenderSession;
  /** The repositories (their repoContentsUrl) this run's publish:github steps created so far. */
  published: readonly string[];
  log: (message: string) => void;
  output: (name: string, value: unknown) => void;
};

export type ScaffolderAction<S extends z.ZodType = z.ZodType> = {
  id: string;
  description: string;
  schema: S;
  sideEffects: boolean;
  handler: (ctx: ActionContext<z.output<S>>) => Promise<void>;
};

const defineAction = <S extends z.ZodType>(action: ScaffolderAction<S>) => action;

/**
 * The folder a template-relative url (e.g. ./skeleton) points to, never outside the
 * template. For a template registered from a local git location, the folder is read from
 * the repository into a temporary folder first.
 */
async function templateDirectory(base: TemplateBase, url: string): Promise<{ dir: string; cleanup?: () => Promise<void> }> {
  if (base.kind === "dir") {
    try {
      return { dir: resolveInside(base.dir, url, "template url") };
    } catch {
      throw new AppError("INVALID", `The template url "${url}" must point inside the template's folder.`);
    }
  }
  if (base.kind === "location") {
    const reader = getGitReader();
    const location = reader.parseLocation(base.url);
    if (location.host !== "local") {
      throw new AppError("INVALID", "Pave can read the files of catalog-registered templates from local git locations only; GitHub is not supported yet.");
    }
    const templateFolder = path.posix.dirname(location.path);
    const folder = path.posix.normalize(path.posix.join(templateFolder, url));
    if (folder === ".." || folder.startsWith("../") || (templateFolder !== "." && !folder.startsWith(`${templateFolder}/`) && folder !== templateFolder)) {
      throw new AppError("INVALID", `The template url "${url}" must point inside the template's folder.`);
    }
    const files = await reader.listFiles({ ...location, path: folder });
    const dir = await mkdtemp(path.join(os.tmpdir(), "pave-skeleton-"));
    for (const file of files) {
      const { content } = await reader.readFile({ ...location, path: file });
      const destination = resolveInside(dir, path.posix.relative(folder, file), "file");
      await mkdir(path.dirname(destination), { recursive: true });
      await writeFile(destination, content);
    }
    return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  throw new AppError("INVALID", "This template's files are not available to Pave: it was not registered from a location Pave can read.");
}

const fetchInput = z.object({
  url: z.string().min(1),
  targetPath: z.string().default("./"),
  values: z.record(z.string(), z.unknown()).default({}),
  copyWithoutTemplating: z.array(z.string()).optional(),
  copyWithoutRender: z.array(z.string()).optional(),
});

async function copySkeleton(ctx: ActionContext<z.output<typeof fetchInput>>, render: boolean) {
  const { dir: source, cleanup } = await templateDirectory(ctx.base, ctx.input.url);
  try {
    await renderInto(ctx, source, render);
  } finally {
    await cleanup?.();
  }
}

async function renderInto(ctx: ActionContext<z.output<typeof fetchInput>>, source: string, render: boolean) {
  const target = resolveInside(ctx.workspace, ctx.input.targetPath, "targetPath");
  const info = await lstat(source).catch(() => null);
  if (!info?.isDirectory()) throw new AppError("INVALID", `The template folder "${ctx.input.url}" does not exist.`);
  const verbatim = [...(ctx.input.copyWithoutTemplating ?? []), ...(ctx.input.copyWithoutRender ?? [])];
  const files = await readTree(source);
  // All names and contents of the skeleton render in one job on the template thread.
  const rendered = render
    ? await ctx.render.renderFiles(
        files.map((file) => {
          const plain = verbatim.some((glob) => matchesGlob(file.path, glob)) || !isText(file.content);
          return { path: file.path, content: plain ? null : file.content.toString("utf8") };
        }),
        { values: ctx.input.values },
      )
    : files.map((file) => ({ segments: file.path.split("/"), content: null }));
  let count = 0;
  for (const [i, file] of files.entries()) {
    const { segments, content } = rendered[i]!;
    // A name that renders empty drops the file.
    if (segments.some((s) => s.trim() === "")) continue;
    if (segments.some((s) => s.includes("/") || s === ".." || s === ".")) {
      throw new AppError("INVALID", `The file name "${file.path}" renders to a path that would leave the workspace.`);
    }
    const destination = resolveInside(target, segments.join("/"), "file");
    await mkdir(path.dirname(destination), { recursive: true });
    await writeFile(destination, content ?? file.content);
    count += 1;
  }
  ctx.log(`${render ? "Rendered" : "Copied"} ${count} files from ${ctx.input.url} into ${ctx.input.targetPath}`);
}

const fetchTemplate = defineAction({
  id: "fetch:template",
  description: "Renders a skeleton folder of the template into the workspace, with values.",
  schema: fetchInput,
  sideEffects: false,
  handler: (ctx) => copySkeleton(ctx, true),
});

const fetchPlain = defineAction({
  id: "fetch:plain",
  description: "Copies a folder of the template into the workspace as it is.",
  schema: fetchInput.omit({ values: true, copyWithoutTemplating: true, copyWithoutRender: true }).extend({ values: z.unknown().optional() }),
  sideEffects: false,
  handler: (ctx) => copySkeleton({ ...ctx, input: { ...ctx.input, values: {} } }, false),
});

/** Reads the workspace (or a folder in it) as text files for publishing. */
async function workspaceFiles(workspace: string, sourcePath: string | undefined): Promise<Record<string, string>> {
  const dir = sourcePath ? resolveInside(workspace, sourcePath, "sourcePath") : workspace;
  const files: Record<string, string> = {};
  for (const file of await readTree(dir)) {
    if (!isText(file.content)) throw new AppError("INVALID", `"${file.path}" is a binary file; publishing binary files is not supported yet.`);
    files[file.path] = file.content.toString("utf8");
  }
  return files;
}

const repoUrl = z.string().refine(isOwnerRepoUrl, "repoUrl must look like github.com?owner=acme&repo=my-service");

/** Whether a value is a repository URL with an owner, which publishing to GitHub needs. */
function isOwnerRepoUrl(value: string): boolean {
  try {
    parseRepoUrl(value, { requireOwner: true });
    return true;
  } catch (error) {
    if (error instanceof RepoUrlError) return false;
    throw error;
  }
}

const publishGithub = defineAction({
  id: "publish:github",
  description: "Creates a repository and pushes the workspace as its first commit (a local git repo when GitHub is not configured).",
  schema: z.object({
    repoUrl,
    description: z.string().max(350).optional(),
    defaultBranch: z.string().regex(/^[A-Za-z0-9._/-]+$/).default("main"),
    repoVisibility: z.enum(["private", "internal", "public"]).default("private"),
    sourcePath: z.string().optional(),
    gitCommitMessage: z.string().max(500).optional(),
  }),
  sideEffects: true,
  async handler(ctx) {
    const { owner, repo } = parseRepoUrl(ctx.input.repoUrl, { requireOwner: true });
    const files = await workspaceFiles(ctx.workspace, ctx.input.sourcePath);
    if (ctx.dryRun) {
      ctx.log(`Dry run: would create ${owner}/${repo} with ${Object.keys(files).length} files`);
      ctx.output("remoteUrl", `https://github.com/${owner}/${repo}`);
      ctx.output("repoContentsUrl", `https://github.com/${owner}/${repo}/blob/${ctx.input.defaultBranch}`);
      return;
    }
    const result = await getGitWriter().createRepository({
      owner,
      name: repo,
      description: ctx.input.description,
      visibility: ctx.input.repoVisibility,
      defaultBranch: ctx.input.defaultBranch,
      files,
      commitMessage: ctx.input.gitCommitMessage ?? "Initial commit from Pave",
      runId: ctx.runId,
    });
    ctx.log(result.created ? `Created ${owner}/${repo} with ${Object.keys(files).length} files` : `${owner}/${repo} was already created by this run; reusing it`);
    ctx.output("remoteUrl", result.remoteUrl);
    ctx.output("repoContentsUrl", result.repoContentsUrl);
  },
});

const publishPullRequest = defineAction({
  id: "publish:github:pull-request",
  description: "Opens a pull request with the workspace's files (a local branch and pull request record when GitHub is not configured).",
  schema: z.object({
    repoUrl,
    title: z.string().min(1).max(256),
    description: z.string().max(65_000),
    branchName: z.string().min(1).max(200).regex(/^[A-Za-z0-9._/-]+$/, "branchName may contain letters, digits, '.', '_', '/' and '-'"),
    targetBranchName: z.string().optional(),
    draft: z.boolean().optional(),
    sourcePath: z.string().optional(),
    targetPath: z.string().optional(),
    reviewers: z.array(z.string()).optional(),
    teamReviewers: z.array(z.string()).optional(),
    commitMessage: z.string().max(500).optional(),
    update: z.boolean().optional(),
  }),
  sideEffects: true,
  async handler(ctx) {
    const { owner, repo } = parseRepoUrl(ctx.input.repoUrl, { requireOwner: true });
    const files = await workspaceFiles(ctx.workspace, ctx.input.sourcePath);
    const prefix = ctx.input.targetPath ? ctx.input.targetPath.replace(/^\.?\/+|\/+$/g, "") : "";
    if (prefix.split("/").includes("..")) throw new AppError("INVALID", "targetPath must stay inside the repository.");
    const changes = Object.fromEntries(Object.entries(files).map(([file, content]) => [prefix ? `${prefix}/${file}` : file, content]));
    if (ctx.dryRun) {
      ctx.log(`Dry run: would open a pull request on ${owner}/${repo} from ${ctx.input.branchName} changing ${Object.keys(changes).length} files`);
      ctx.output("remoteUrl", `https://github.com/${owner}/${repo}/pull/0`);
      ctx.output("pullRequestNumber", 0);
      ctx.output("targetBranchName", ctx.input.targetBranchName ?? "main");
      return;
    }
    const result = await getGitWriter().openPullRequest({
      owner,
      repo,
      title: ctx.input.title,
      body: ctx.input.description,
      branchName: ctx.input.branchName,
      targetBranch: ctx.input.targetBranchName,
      files: changes,
      commitMessage: ctx.input.commitMessage ?? ctx.input.title,
      draft: ctx.input.draft,
      reviewers: ctx.input.reviewers,
      teamReviewers: ctx.input.teamReviewers,
      update: ctx.input.update,
      runId: ctx.runId,
    });
    ctx.log(`${result.created ? "Opened" : "Found"} pull request #${result.pullRequestNumber}`);
    ctx.output("remoteUrl", result.remoteUrl);
    ctx.output("pullRequestNumber", result.pullRequestNumber);
    ctx.output("targetBranchName", result.targetBranchName);
  },
});

/** Whether `target` is a file inside one of the published repositories' contents URLs (no `..`, query or fragment). */
function isInsidePublished(target: string, published: readonly string[]): boolean {
  return published.some((base) => {
    const prefix = `${base.replace(/\/+$/, "")}/`;
    if (!target.startsWith(prefix)) return false;
    const rest = target.slice(prefix.length);
    return rest !== "" && !/[?#\\]/.test(rest) && !rest.split("/").some((segment) => segment === "" || segment === "." || segment === ".." || /%2e|%2f/i.test(segment));
  });
}

const catalogRegister = defineAction({
  id: "catalog:register",
  description: "Registers the new repository's catalog-info.yaml as a catalog location.",
  schema: z.union([
    z.object({ catalogInfoUrl: z.string().min(1), optional: z.boolean().optional() }),
    z.object({ repoContentsUrl: z.string().min(1), catalogInfoPath: z.string().default("/catalog-info.yaml"), optional: z.boolean().optional() }),
  ]),
  sideEffects: true,
  async handler(ctx) {
    const input = ctx.input;
    const target = "catalogInfoUrl" in input ? input.catalogInfoUrl : `${input.repoContentsUrl.replace(/\/+$/, "")}/${input.catalogInfoPath.replace(/^\/+/, "")}`;
    // A template registers only what this run published: not any file Pave's token can read.
    if (!isInsidePublished(target, ctx.published)) {
      throw new AppError(
        "INVALID",
        ctx.published.length
          ? `catalog:register may register only a file of the repository this run published (${ctx.published.join(", ")}), not ${target}.`
          : "catalog:register may register only a file of the repository this run published, and no publish:github step ran before it.",
      );
    }
    ctx.output("catalogInfoUrl", target);
    if (ctx.dryRun) {
      // No call out: the entity ref comes from the catalog-info.yaml in the workspace, when there is one.
      const local = "catalogInfoPath" in input ? path.join(ctx.workspace, input.catalogInfoPath.replace(/^\/+/, "")) : null;
      const text = local ? await readFile(local, "utf8").catch(() => null) : null;
      const entity = text ? parseCatalogYaml(text, catalogLimitsFromEnv(getEnv())).entities[0] : undefined;
      ctx.log(`Dry run: would register ${target}`);
      ctx.output("entityRef", entity ? stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace ?? "default", name: entity.metadata.name }) : "component:default/unknown");
      return;
    }
    const { entities } = await registerPublishedLocation(ctx.actor, target);
    const entity = entities.find((e) => e.kind === "Component") ?? entities[0]!;
    const ref = stringifyEntityRef({ kind: entity.kind, namespace: entity.metadata.namespace ?? "default", name: entity.metadata.name });
    ctx.log(`Registered ${ref} from ${target}`);
    ctx.output("entityRef", ref);
  },
});

const debugLog = defineAction({
  id: "debug:log",
  description: "Writes a message, and optionally the workspace's file list, to the run log.",
  schema: z.object({ message: z.string().max(10_000).optional(), listWorkspace: z.union([z.boolean(), z.literal("with-filenames")]).optional() }),
  sideEffects: false,
  async handler(ctx) {
    if (ctx.input.message) ctx.log(ctx.input.message);
    if (ctx.input.listWorkspace) {
      const entries = await readdir(ctx.workspace, { recursive: true });
      ctx.log(`Workspace:\n${entries.sort().join("\n")}`);
    }
  },
});

/** The longest pause debug:wait allows: templates use it to pace a run, never to hold a worker for long. */
const MAX_WAIT_MS = 10 * 60 * 1000;

const debugWait = defineAction({
  id: "debug:wait",
  description: "Pauses the run for a while (at most 10 minutes), e.g. to let something outside catch up.",
  schema: z
    .object({
      minutes: z.number().min(0).optional(),
      seconds: z.number().min(0).optional(),
      milliseconds: z.number().min(0).optional(),
    })
    .refine((input) => (input.minutes ?? 0) * 60_000 + (input.seconds ?? 0) * 1000 + (input.milliseconds ?? 0) <= MAX_WAIT_MS, {
      message: "debug:wait pauses for at most 10 minutes",
    }),
  sideEffects: false,
  async handler(ctx) {
    const ms = (ctx.input.minutes ?? 0) * 60_000 + (ctx.input.seconds ?? 0) * 1000 + (ctx.input.milliseconds ?? 0);
    if (ctx.dryRun) {
      ctx.log(`Dry run: would wait ${ms} ms`);
      return;
    }
    ctx.log(`Waiting ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  },
});

export const ACTIONS: Record<string, ScaffolderAction> = Object.fromEntries(
  [fetchTemplate, fetchPlain, publishGithub, publishPullRequest, catalogRegister, debugLog, debugWait].map((a) => [a.id, a as ScaffolderAction]),
);
