import "server-only";
import { hasRole } from "@/lib/auth/roles";
import type { CurrentUser } from "@/lib/auth/session";
import { isOwnerTeamMember, teamOwnerKeys } from "@/lib/catalog/permissions";
import { CatalogRefError, entityRefKey, parseEntityRef, stringifyEntityRef } from "@/lib/catalog/refs";
import { db } from "@/lib/db";
import type { ScaffolderRunStatus, ScaffolderStepStatus } from "@/lib/generated/prisma/enums";
import { pickerKinds } from "@/lib/scaffolder/parameters";
import { loadTemplate, type LoadedTemplate } from "@/lib/scaffolder/templates";

type Viewer = Pick<CurrentUser, "id" | "role" | "groups">;

/** The owner key of a template (its spec.owner, a group by default), or null. */
async function templateOwnerKey(templateId: string): Promise<string | null> {
  const owner = (await loadTemplate(templateId).catch(() => null))?.owner;
  if (!owner) return null;
  try {
    return entityRefKey(parseEntityRef(owner, { defaultKind: "group", defaultNamespace: "default" }));
  } catch (error) {
    if (error instanceof CatalogRefError) return null;
    throw error;
  }
}

/**
 * Whether a person may see a run's answers, log, errors and output: the person who
 * started it, the template's owning team, platform and admin. Anyone may see that it ran.
 */
function canSeeRunDetails(viewer: Viewer, run: { createdById: string | null }, ownerKey: string | null): boolean {
  return hasRole(viewer.role, "platform") || (!!run.createdById && run.createdById === viewer.id) || (!!ownerKey && isOwnerTeamMember(viewer, ownerKey));
}

export type RunStepView = { stepId: string; name: string; action: string; status: ScaffolderStepStatus; error: string | null; startedAt: string | null; finishedAt: string | null };
export type RunView = {
  id: string;
  templateId: string;
  templateTitle: string;
  status: ScaffolderRunStatus;
  error: string | null;
  output: { links?: { title?: string; url?: string; icon?: string; entityRef?: string }[]; text?: { title?: string; content?: string }[] } | null;
  parameters: Record<string, unknown>;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  steps: RunStepView[];
  log: { id: string; stepId: string | null; at: string; level: string; message: string }[];
  /** True when the viewer may not see the answers, log, errors and output (they are left out). */
  restricted: boolean;
};

/**
 * A run with its steps and log (JSON-ready: the run page polls it). For a viewer who is
 * not its starter, the template's owner, platform or admin, the answers, log, errors and
 * output are left out.
 */
export async function getRunView(runId: string, viewer: Viewer): Promise<RunView | null> {
  const run = await db.scaffolderRun.findUnique({
    where: { id: runId },
    select: {
      id: true,
      templateId: true,
      templateTitle: true,
      status: true,
      error: true,
      output: true,
      parameters: true,
      createdAt: true,
      finishedAt: true,
      createdById: true,
      createdBy: { select: { email: true, name: true } },
      steps: { orderBy: { position: "asc" }, select: { stepId: true, name: true, action: true, status: true, error: true, startedAt: true, finishedAt: true } },
      logs: { orderBy: { id: "asc" }, take: 2000, select: { id: true, stepId: true, at: true, level: true, message: true } },
    },
  });
  if (!run) return null;
  const visible = canSeeRunDetails(viewer, run, await templateOwnerKey(run.templateId));
  return {
    id: run.id,
    templateId: run.templateId,
    templateTitle: run.templateTitle,
    status: run.status,
    error: visible ? run.error : null,
    output: visible ? ((run.output as RunView["output"]) ?? null) : null,
    parameters: visible ? (run.parameters as Record<string, unknown>) : {},
    createdBy: run.createdBy?.name ?? run.createdBy?.email ?? null,
    createdAt: run.createdAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    steps: run.steps.map((s) => ({ ...s, error: visible ? s.error : null, startedAt: s.startedAt?.toISOString() ?? null, finishedAt: s.finishedAt?.toISOString() ?? null })),
    log: visible ? run.logs.map((l) => ({ id: l.id.toString(), stepId: l.stepId, at: l.at.toISOString(), level: l.level, message: l.message })) : [],
    restricted: !visible,
  };
}

export type RunListItem = { id: string; templateTitle: string; status: ScaffolderRunStatus; error: string | null; createdBy: string | null; createdAt: Date; finishedAt: Date | null };

export const RUNS_PAGE_SIZE = 25;

/** Runs, newest first, one page at a time (keyset on createdAt/id); errors only where the viewer may see them. */
export async function listRuns(viewer: Viewer, options: { before?: string } = {}): Promise<{ runs: RunListItem[]; next: string | null }> {
  const cursor = options.before ? await db.scaffolderRun.findUnique({ where: { id: options.before }, select: { id: true, createdAt: true } }) : null;
  const rows = await db.scaffolderRun.findMany({
    where: cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: RUNS_PAGE_SIZE + 1,
    select: { id: true, templateId: true, templateTitle: true, status: true, error: true, createdAt: true, finishedAt: true, createdById: true, createdBy: { select: { email: true, name: true } } },
  });
  const page = rows.slice(0, RUNS_PAGE_SIZE);
  const owners = new Map(await Promise.all([...new Set(page.map((r) => r.templateId))].map(async (id) => [id, await templateOwnerKey(id)] as const)));
  const runs = page.map(({ createdBy, createdById, templateId, error, ...r }) => ({
    ...r,
    error: canSeeRunDetails(viewer, { createdById }, owners.get(templateId) ?? null) ? error : null,
    createdBy: createdBy?.name ?? createdBy?.email ?? null,
  }));
  return { runs, next: rows.length > RUNS_PAGE_SIZE ? runs[runs.length - 1]!.id : null };
}

export type PickerOption = { value: string; label: string; mine: boolean };

/**
 * The choices of a template's OwnerPicker and EntityPicker fields, from the catalog and
 * each field's catalogFilter kinds. A member's OwnerPicker offers only their own teams,
 * as the server requires (runs.ts); platform and admin may pick any owner.
 */
export async function listPickerOptions(template: LoadedTemplate, viewer: Viewer): Promise<Record<string, PickerOption[]>> {
  const own = new Set(teamOwnerKeys(viewer));
  const anyOwner = hasRole(viewer.role, "platform");
  const options: Record<string, PickerOption[]> = {};
  for (const page of template.pages) {
    for (const [name, property] of Object.entries(page.properties ?? {})) {
      const field = property["ui:field"];
      if (field !== "OwnerPicker" && field !== "EntityPicker") continue;
      const kinds = pickerKinds(property);
      const restrict = field === "OwnerPicker" && !anyOwner;
      const rows = await db.entity.findMany({
        where: { ...(kinds.length ? { kind: { in: kinds, mode: "insensitive" } } : {}), ...(restrict ? { key: { in: [...own] } } : {}) },
        orderBy: [{ kind: "asc" }, { name: "asc" }],
        take: 1000,
        select: { key: true, kind: true, namespace: true, name: true, title: true },
      });
      options[name] = rows.map((r) => ({ value: stringifyEntityRef(r), label: r.title ? `${r.title} (${r.name})` : r.name, mine: own.has(r.key) }));
    }
  }
  return options;
}
