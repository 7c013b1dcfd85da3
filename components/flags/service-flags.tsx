import Link from "next/link";
import { AlertTriangle, Flag, Info } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { canEditEntity } from "@/lib/catalog/permissions";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import type { EntityDetail } from "@/lib/catalog/queries";
import { publicMessage } from "@/lib/errors";
import { isUnleashConfigured, listProjectFlags, UnleashUnavailableError, type FlagView } from "@/lib/flags/admin";
import { flagsProjectFor } from "@/lib/flags/projects";
import { log } from "@/lib/log";
import { FlagSwitch } from "@/app/(portal)/flags/_components/flag-switch";
import { RolloutForm } from "@/app/(portal)/flags/_components/rollout-form";

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

/** One service's flags with a column per environment; switches and rollout inputs only when `editable`. */
export function FlagTable({ serviceKey, flags, editable }: { serviceKey: string; flags: FlagView[]; editable: boolean }) {
  if (!flags.length) return <p className="text-sm text-muted-foreground">This project has no flags yet.</p>;
  const environments = [...new Set(flags.flatMap((f) => f.environments.map((e) => e.name)))];
  return (
    <div className="rounded-lg border">
      <Table aria-label={`Flags of ${refLabel(serviceKey)}`}>
        <TableHeader>
          <TableRow>
            <TableHead>Flag</TableHead>
            {environments.map((env) => (
              <TableHead key={env}>{env}</TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {flags.map((flag) => (
            <TableRow key={flag.name}>
              <TableCell className="min-w-56 align-top">
                <div className="flex flex-wrap items-center gap-1.5">
                  <span className="font-mono text-xs font-medium">{flag.name}</span>
                  <Badge variant="outline">{flag.type}</Badge>
                  {flag.stale ? <Badge variant="destructive">stale</Badge> : null}
                </div>
                {flag.description ? <p className="mt-1 text-xs text-muted-foreground">{flag.description}</p> : null}
              </TableCell>
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
                    {editable ? (
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

/** A service's flags from its Unleash project, as shown in the catalog's Flags tab. */
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
  const editable = entity.kind === "Component" && canEditEntity(user, entity);
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-muted-foreground">
        Unleash project <span className="font-mono text-xs">{projectId}</span>
        {editable ? null : <> · read-only: only {entity.owner ? <Link className="text-primary hover:underline" href={entityHrefFromKey(entity.owner)}>{refLabel(entity.owner, "group")}</Link> : "its owning team"} and the platform team can change these flags</>}
      </p>
      {result.ok ? <FlagTable serviceKey={entity.key} flags={result.flags} editable={editable} /> : <FlagsUnavailable message={result.message} />}
    </div>
  );
}
