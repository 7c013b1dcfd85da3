import Link from "next/link";
import { AlertTriangle, Flag, Info, Lock } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireUser, type CurrentUser } from "@/lib/auth/session";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import type { EntityDetail } from "@/lib/catalog/queries";
import { publicMessage } from "@/lib/errors";
import { isUnleashConfigured, listProjectFlags, UnleashUnavailableError, type FlagView } from "@/lib/flags/admin";
import { flagAccess, resolveFlagOwner, SERVICE_TAG_TYPE, type FlagAccess, type FlagService } from "@/lib/flags/ownership";
import { flagsProjectFor, listFlagServices } from "@/lib/flags/projects";
import { log } from "@/lib/log";
import { FlagSwitch } from "@/components/flags/flag-switch";
import { RolloutForm } from "@/components/flags/rollout-form";

export type ProjectFlags = { ok: true; flags: FlagView[] } | { ok: false; unreachable: boolean; message: string };

/** A project's flags, or why they could not be read; never throws, so the rest of a page still renders. */
export async function loadProjectFlags(projectId: string): Promise<ProjectFlags> {
  try {
    return { ok: true, flags: await listProjectFlags(projectId) };
  } catch (error) {
    if (error instanceof UnleashUnavailableError) return { ok: false, unreachable: true, message: "Unleash unreachable: Pave could not load flags from Unleash. Try again in a moment." };
    log.error({ projectId, err: error }, "listing flags failed");
    return { ok: false, unreachable: false, message: publicMessage(error) };
  }
}

/** Why no service flags are shown: Pave is not connected to Unleash. */
export function FlagsNotConfigured() {
  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Info className="size-4 text-muted-foreground" aria-hidden /> Unleash is not connected
        </CardTitle>
        <CardDescription>
          Pave evaluates its own flags from the local bootstrap file (<code className="font-mono text-xs">PAVE_FLAGS_BOOTSTRAP</code>, by default{" "}
          <code className="font-mono text-xs">lib/flags/bootstrap.json</code>).
        </CardDescription>
      </CardHeader>
      <CardContent className="text-sm">
        <p>To see and switch your services&apos; flags here:</p>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>
            set <code className="font-mono text-xs">UNLEASH_URL</code>, <code className="font-mono text-xs">UNLEASH_API_TOKEN</code> (a backend token) and{" "}
            <code className="font-mono text-xs">UNLEASH_ADMIN_TOKEN</code>;
          </li>
          <li>
            annotate each service with <code className="font-mono text-xs">unleash.io/project-id</code> in its catalog-info.yaml.
          </li>
        </ul>
      </CardContent>
    </Card>
  );
}

/** The "Unleash unreachable" (or other failure) notice shown in place of flags. */
export function FlagsUnavailable({ message }: { message: string }) {
  return (
    <div role="alert" className="flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
      <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>{message}</span>
    </div>
  );
}

function rolloutOf(env: FlagView["environments"][number]): number | null {
  return env.strategies.find((s) => s.name === "flexibleRollout" && s.rollout !== null)?.rollout ?? null;
}

/** One flag as a table shows it: whose it is, whether the person may switch it, and why not. */
export type FlagRow = { flag: FlagView; access: FlagAccess; /** The service sent with a change: the owner, else one of the project's. */ serviceKey: string };

/** Rows for the flags of one project, decided per flag (lib/flags/ownership.ts). */
export function flagRows(user: CurrentUser, projectId: string, flags: FlagView[], services: readonly FlagService[], fallbackServiceKey: string): FlagRow[] {
  return flags.map((flag) => {
    const access = flagAccess(user, resolveFlagOwner(flag, projectId, services));
    return { flag, access, serviceKey: access.ownership.service?.key ?? fallbackServiceKey };
  });
}

function OwnerCell({ access }: { access: FlagAccess }) {
  const { ownership } = access;
  if (!ownership.service) return <span className="text-muted-foreground">No service</span>;
  return (
    <div className="flex flex-col">
      <Link className="text-primary hover:underline" href={entityHrefFromKey(ownership.service.key)}>
        {ownership.service.title || ownership.service.name}
      </Link>
      <span className="text-xs text-muted-foreground">
        {refLabel(ownership.service.owner, "group")} · by {ownership.via === "tag" ? "tag" : "name"}
      </span>
    </div>
  );
}

/** Flags with a column per environment; switches and rollout inputs only on the rows the person may change. */
export function FlagTable({ label, rows, showOwner = true, emptyText = "No flags yet." }: { label: string; rows: FlagRow[]; showOwner?: boolean; emptyText?: string }) {
  if (!rows.length) return <p className="text-sm text-muted-foreground">{emptyText}</p>;
  const environments = [...new Set(rows.flatMap((r) => r.flag.environments.map((e) => e.name)))];
  return (
    <div className="overflow-x-auto rounded-lg border">
      <Table aria-label={label}>
        <TableHeader>
          <TableRow>
            <TableHead>Flag</TableHead>
            {showOwner ? <TableHead>Belongs to</TableHead> : null}
            {environments.map((env) => (
              <TableHead key={env}>{env}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map(({ flag, access, serviceKey }) => (
            <TableRow key={flag.name} data-testid={`flag-${flag.name}`}>
              <TableCell className="min-w-56 align-top">
                <div className="flex flex-wrap items-center gap-1.5">
                  <span className="font-mono text-xs font-medium">{flag.name}</span>
                  <Badge variant="outline">{flag.type}</Badge>
                  {flag.stale ? <Badge variant="destructive">stale</Badge> : null}
                </div>
                {flag.description ? <p className="mt-1 text-xs text-muted-foreground">{flag.description}</p> : null}
                {access.reason ? (
                  <p className="mt-1 flex max-w-md gap-1 text-xs text-muted-foreground" data-testid="flag-read-only-reason">
                    <Lock className="mt-0.5 size-3 shrink-0" aria-hidden />
                    <span>{access.reason}</span>
                  </p>
                ) : null}
              </TableCell>
              {showOwner ? (
                <TableCell className="align-top text-sm">
                  <OwnerCell access={access} />
                </TableCell>
              ) : null}
              {environments.map((name) => {
                const env = flag.environments.find((e) => e.name === name);
                if (!env) {
                  return (
                    <TableCell key={name} className="align-top text-muted-foreground">
                      —
                    </TableCell>
                  );
                }
                const rollout = rolloutOf(env);
                return (
                  <TableCell key={name} className="align-top">
                    {access.editable ? (
                      <div className="flex flex-col gap-2">
                        <FlagSwitch service={serviceKey} flag={flag.name} environment={env.name} enabled={env.enabled} />
                        {rollout !== null ? <RolloutForm service={serviceKey} flag={flag.name} environment={env.name} rollout={rollout} /> : null}
                      </div>
                    ) : (
                      <div className="flex flex-col gap-1 text-sm">
                        <span>{env.enabled ? "On" : "Off"}</span>
                        {rollout !== null ? <span className="text-xs text-muted-foreground">Rollout {rollout}%</span> : null}
                      </div>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** A service's flags, as shown in the catalog's Flags tab: the ones that belong to it, decided per flag. */
export async function ServiceFlags({ entity }: { entity: EntityDetail }) {
  if (!isUnleashConfigured()) return <FlagsNotConfigured />;
  const user = await requireUser();
  const projectId = flagsProjectFor(entity);
  if (!projectId) {
    return (
      <EmptyState icon={Flag} title="No flags project">
        This service has no flags project: add the <code className="font-mono text-xs">unleash.io/project-id</code> annotation.
      </EmptyState>
    );
  }
  const result = await loadProjectFlags(projectId);
  if (!result.ok) return <FlagsUnavailable message={result.message} />;
  const services = await listFlagServices();
  const rows = flagRows(user, projectId, result.flags, services, entity.key).filter((row) => row.access.ownership.service?.key === entity.key);
  const others = result.flags.length - rows.length;
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-muted-foreground">
        Unleash project <span className="font-mono text-xs">{projectId}</span> · a flag belongs to this service when its name starts with{" "}
        <span className="font-mono text-xs">{entity.name}.</span> or <span className="font-mono text-xs">{entity.name}-</span>, or it has the tag{" "}
        <span className="font-mono text-xs">
          {SERVICE_TAG_TYPE}:{refLabel(entity.key, "component")}
        </span>
        .{others > 0 ? <> {others} other flag{others === 1 ? "" : "s"} of the project belong to other services or to none: see <Link className="text-primary hover:underline" href="/flags">Flags</Link>.</> : null}
      </p>
      <FlagTable label={`Flags of ${refLabel(entity.key)}`} rows={rows} showOwner={false} emptyText="No flag of the project belongs to this service yet." />
    </div>
  );
}
