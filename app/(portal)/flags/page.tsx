import type { Metadata } from "next";
import Link from "next/link";
import { Flag } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { flagRows, FlagsNotConfigured, FlagsUnavailable, FlagTable, loadProjectFlags, type FlagRow } from "@/components/flags/service-flags";
import { requireUser, type CurrentUser } from "@/lib/auth/session";
import { isOwnerTeamMember } from "@/lib/catalog/permissions";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import { isUnleashConfigured } from "@/lib/flags/admin";
import { PAVE_FLAGS, type PaveFlag } from "@/lib/flags/definitions";
import { isFlagEnabled } from "@/lib/flags/evaluate";
import { listFlagServices } from "@/lib/flags/projects";

export const metadata: Metadata = { title: "Flags" };

export default async function FlagsPage() {
  const user = await requireUser();
  return (
    <>
      <PageHeader title="Flags" description="Feature flags of the catalog's services, from Unleash. A flag belongs to a service by its name prefix or a pave-service tag; teams switch the flags of the services they own." />
      <div className="flex flex-col gap-6">
        {isUnleashConfigured() ? <ServiceFlagCards user={user} /> : <FlagsNotConfigured />}
        <PaveOwnFlags user={user} />
      </div>
    </>
  );
}

async function ServiceFlagCards({ user }: { user: CurrentUser }) {
  const services = await listFlagServices();
  if (!services.length) {
    return (
      <EmptyState icon={Flag} title="No services with flags">
        Annotate a service with <code className="font-mono text-xs">unleash.io/project-id</code> to list its flags here.
      </EmptyState>
    );
  }
  // One request per project, even when several services share it; each flag is then given to its service.
  const projectIds = [...new Set(services.map((s) => s.projectId))];
  const results = new Map(await Promise.all(projectIds.map(async (id) => [id, await loadProjectFlags(id)] as const)));
  const unreachable = [...results.values()].some((r) => !r.ok && r.unreachable);
  const rowsByService = new Map<string, FlagRow[]>();
  const unowned = new Map<string, FlagRow[]>();
  for (const projectId of projectIds) {
    const result = results.get(projectId)!;
    if (!result.ok) continue;
    const fallback = services.find((s) => s.projectId === projectId)!.key;
    for (const row of flagRows(user, projectId, result.flags, services, fallback)) {
      const owner = row.access.ownership.service?.key;
      if (owner) rowsByService.set(owner, [...(rowsByService.get(owner) ?? []), row]);
      else unowned.set(projectId, [...(unowned.get(projectId) ?? []), row]);
    }
  }
  return (
    <>
      {unreachable ? <FlagsUnavailable message="Unleash unreachable: Pave could not load flags from Unleash, so some services' flags are missing below. Try again in a moment." /> : null}
      {services.map((service) => {
        const result = results.get(service.projectId)!;
        const mine = isOwnerTeamMember(user, service.owner);
        return (
          <Card key={service.key}>
            <CardHeader>
              <CardTitle>
                <Link className="hover:underline" href={entityHrefFromKey(service.key)}>
                  {service.title || service.name}
                </Link>
              </CardTitle>
              <CardDescription className="flex flex-wrap items-center gap-2">
                <span>{refLabel(service.owner, "group")}</span>
                <span aria-hidden>·</span>
                <span>
                  Unleash project <span className="font-mono text-xs">{service.projectId}</span>
                </span>
                {mine ? <Badge>your team</Badge> : null}
              </CardDescription>
            </CardHeader>
            <CardContent>
              {result.ok ? (
                <FlagTable
                  label={`Flags of ${refLabel(service.key)}`}
                  rows={rowsByService.get(service.key) ?? []}
                  showOwner={false}
                  emptyText={`No flags yet. Name a flag ${service.name}.… or ${service.name}-… in Unleash to give it to this service.`}
                />
              ) : (
                <p className="text-sm text-muted-foreground">{result.unreachable ? "Flags could not be loaded." : result.message}</p>
              )}
            </CardContent>
          </Card>
        );
      })}
      {[...unowned].map(([projectId, rows]) => (
        <Card key={`unowned-${projectId}`}>
          <CardHeader>
            <CardTitle>Flags of no service in {projectId}</CardTitle>
            <CardDescription>
              These flags of the Unleash project <span className="font-mono text-xs">{projectId}</span> belong to no catalog service, so only the platform team can switch them.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <FlagTable label={`Flags of no service in ${projectId}`} rows={rows} />
          </CardContent>
        </Card>
      ))}
    </>
  );
}

/** Pave's own flags as they apply to the person looking. */
async function PaveOwnFlags({ user }: { user: CurrentUser }) {
  const names = Object.keys(PAVE_FLAGS) as PaveFlag[];
  const states = await Promise.all(names.map((name) => isFlagEnabled(name, user)));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Pave&apos;s own flags</CardTitle>
        <CardDescription>Features of this portal behind a flag, and whether they are on for you.</CardDescription>
      </CardHeader>
      <CardContent>
        <div className="rounded-lg border">
          <Table aria-label="Pave's own flags">
            <TableHeader>
              <TableRow>
                <TableHead>Flag</TableHead>
                <TableHead>What it does</TableHead>
                <TableHead>For you</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {names.map((name, i) => (
                <TableRow key={name}>
                  <TableCell className="font-mono text-xs">{name}</TableCell>
                  <TableCell className="text-muted-foreground">{PAVE_FLAGS[name].description}</TableCell>
                  <TableCell>{states[i] ? <Badge>On</Badge> : <Badge variant="outline">Off</Badge>}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </CardContent>
    </Card>
  );
}
