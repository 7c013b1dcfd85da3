import Link from "next/link";
import { ArrowDown, ArrowUp } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { EntityRow } from "@/lib/catalog/queries";
import type { CatalogQuery, SortColumn } from "@/lib/catalog/schemas";
import { catalogHref, entityHref, entityHrefFromKey, refLabel } from "@/lib/catalog/paths";

const COLUMNS: { id: SortColumn; label: string; className?: string }[] = [
  { id: "name", label: "Name" },
  { id: "kind", label: "Kind" },
  { id: "type", label: "Type", className: "hidden sm:table-cell" },
  { id: "owner", label: "Owner", className: "hidden md:table-cell" },
  { id: "lifecycle", label: "Lifecycle", className: "hidden xl:table-cell" },
];

function SortHeader({ query, column }: { query: CatalogQuery; column: (typeof COLUMNS)[number] }) {
  const active = query.sort === column.id;
  const nextDir = active && query.dir === "asc" ? "desc" : "asc";
  return (
    <TableHead className={column.className} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : "none"}>
      <Link href={catalogHref(query, { sort: column.id, dir: nextDir })} scroll={false} className="inline-flex items-center gap-1 rounded hover:text-foreground focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
        {column.label}
        {active ? query.dir === "asc" ? <ArrowUp className="size-3" aria-hidden /> : <ArrowDown className="size-3" aria-hidden /> : null}
      </Link>
    </TableHead>
  );
}

export function EntityTable({ query, rows }: { query: CatalogQuery; rows: EntityRow[] }) {
  return (
    <Table aria-label="Catalog entities">
      <TableHeader>
        <TableRow>
          {COLUMNS.map((c) => (
            <SortHeader key={c.id} query={query} column={c} />
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((e) => (
          <TableRow key={e.key}>
            <TableCell className="max-w-xs">
              <Link href={entityHref(e)} className="font-medium text-primary hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
                {e.title || e.name}
              </Link>
              {e.title && e.title !== e.name ? <span className="ml-2 text-xs text-muted-foreground">{e.name}</span> : null}
              {e.description ? <p className="truncate text-xs text-muted-foreground">{e.description}</p> : null}
            </TableCell>
            <TableCell>
              <Badge variant="secondary">{e.kind}</Badge>
            </TableCell>
            <TableCell className="hidden sm:table-cell">{e.type || "—"}</TableCell>
            <TableCell className="hidden md:table-cell">
              {e.owner ? (
                <Link href={entityHrefFromKey(e.owner)} className="hover:underline">
                  {refLabel(e.owner, "group")}
                </Link>
              ) : (
                "—"
              )}
            </TableCell>
            <TableCell className="hidden xl:table-cell">{e.lifecycle || "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

