import type { Metadata } from "next";
import Link from "next/link";
import { History } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listRuns } from "@/lib/scaffolder/queries";
import { formatUtc } from "@/components/relative-time";

export const metadata: Metadata = { title: "Runs" };


export default async function RunsPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const user = await requireUser();
  const before = (await searchParams).before;
  const { runs, next } = await listRuns(user, { before: typeof before === "string" && /^[a-z0-9]{10,40}$/i.test(before) ? before : undefined });
  return (
    <>
      <PageHeader title="Runs" description="Every template run: who ran what, when, and how it ended." />
      {runs.length === 0 ? (
        <EmptyState icon={History} title="No runs yet">
          Runs appear here when someone creates something from a template.
        </EmptyState>
      ) : (
        <>
          <div className="rounded-lg border">
            <Table aria-label="Runs">
              <TableHeader>
                <TableRow>
                  <TableHead>Template</TableHead>
                  <TableHead>Who</TableHead>
                  <TableHead>Started</TableHead>
                  <TableHead>Outcome</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {runs.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell>
                      <Link href={`/create/runs/${r.id}`} className="font-medium text-primary hover:underline">
                        {r.templateTitle}
                      </Link>
                    </TableCell>
                    <TableCell>{r.createdBy ?? "—"}</TableCell>
                    <TableCell className="whitespace-nowrap text-muted-foreground">{formatUtc(r.createdAt)}</TableCell>
                    <TableCell className="max-w-md">
                      <Badge variant={r.status === "failed" ? "destructive" : r.status === "succeeded" ? "default" : "secondary"}>{r.status}</Badge>
                      {r.error ? <p className="mt-1 truncate text-xs text-destructive" title={r.error}>{r.error}</p> : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {next ? (
            <div className="mt-3 flex justify-end">
              <Button asChild variant="outline" size="sm">
                <Link href={`/create/runs?before=${next}`}>Older runs</Link>
              </Button>
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
