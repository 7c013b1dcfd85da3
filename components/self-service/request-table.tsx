import Link from "next/link";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { RequestListItem } from "@/lib/self-service/queries";
import { StatusBadge } from "@/components/self-service/status-badge";

/** Database requests as a table; each row links to its request page. */
export function RequestTable({ label, requests, showRequester = false }: { label: string; requests: RequestListItem[]; showRequester?: boolean }) {
  return (
    <div className="rounded-lg border">
      <Table aria-label={label}>
        <TableHeader>
          <TableRow>
            <TableHead>Service</TableHead>
            <TableHead>Environment</TableHead>
            <TableHead className="hidden md:table-cell">Database</TableHead>
            {showRequester ? <TableHead className="hidden md:table-cell">Requested by</TableHead> : null}
            <TableHead>Status</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {requests.map((r) => (
            <TableRow key={r.id}>
              <TableCell>
                <Link href={`/self-service/databases/${r.id}`} className="font-medium text-primary hover:underline">
                  {r.serviceName}
                </Link>
                <div className="text-xs text-muted-foreground">{r.createdAt.toISOString().slice(0, 10)}</div>
              </TableCell>
              <TableCell>{r.environment}</TableCell>
              <TableCell className="hidden md:table-cell">
                {r.engine} {r.engineVersion} · {r.tier}
              </TableCell>
              {showRequester ? <TableCell className="hidden md:table-cell">{r.requestedBy ?? "—"}</TableCell> : null}
              <TableCell>
                <StatusBadge status={r.status} />
                {r.lastError && r.status === "submitted" ? <p className="mt-1 text-xs text-muted-foreground">Queued: {r.lastError}</p> : null}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
