import type { Metadata } from "next";
import Link from "next/link";
import { MapPin } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listLocations } from "@/lib/catalog/queries";
import { LocationActions } from "./_components/location-actions";
import { TemplateSourceToggle } from "./_components/template-source-toggle";
import { formatUtc } from "@/components/relative-time";

export const metadata: Metadata = { title: "Locations" };

const when = (d: Date | null) => (d ? formatUtc(d) : "never");

export default async function LocationsPage() {
  const locations = await listLocations();
  return (
    <>
      <PageHeader title="Locations" description="catalog-info.yaml files Pave reads on a schedule. Entities a file no longer lists are deleted at the next refresh. Templates are offered in Create only from locations marked here.">
        <Button asChild size="sm">
          <Link href="/catalog/register">Add a location</Link>
        </Button>
      </PageHeader>
      {locations.length === 0 ? (
        <EmptyState icon={MapPin} title="No locations yet">
          Add one from the Register page.
        </EmptyState>
      ) : (
        <div className="rounded-lg border">
          <Table aria-label="Locations">
            <TableHeader>
              <TableRow>
                <TableHead>File</TableHead>
                <TableHead>Entities</TableHead>
                <TableHead>Templates in Create</TableHead>
                <TableHead className="hidden md:table-cell">Last read</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {locations.map((l) => (
                <TableRow key={l.id}>
                  <TableCell className="max-w-sm break-all font-mono text-xs">{l.target}</TableCell>
                  <TableCell className="tabular-nums">{l.entityCount}</TableCell>
                  <TableCell>
                    <TemplateSourceToggle locationId={l.id} target={l.target} enabled={l.templateSource} templateCount={l.templateCount} />
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap text-muted-foreground md:table-cell">{when(l.lastRefreshedAt)}</TableCell>
                  <TableCell className="max-w-xs text-sm">{l.lastError ? <span className="text-destructive">{l.lastError}</span> : <span className="text-success">OK</span>}</TableCell>
                  <TableCell className="text-right">
                    <LocationActions locationId={l.id} target={l.target} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}
