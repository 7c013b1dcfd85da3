import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { RelationView } from "@/lib/catalog/queries";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";

/** How each relation type reads on the page of its source entity. */
export const RELATION_LABELS: Record<string, string> = {
  ownedBy: "Owned by",
  ownerOf: "Owns",
  partOf: "Part of",
  hasPart: "Has part",
  providesApi: "Provides API",
  apiProvidedBy: "API provided by",
  consumesApi: "Consumes API",
  apiConsumedBy: "API consumed by",
  dependsOn: "Depends on",
  dependencyOf: "Dependency of",
  childOf: "Child of",
  parentOf: "Parent of",
  memberOf: "Member of",
  hasMember: "Has member",
};

/** Relations grouped by type, each target a link; unresolved targets are marked. */
export function RelationList({ relations, types }: { relations: RelationView[]; types?: string[] }) {
  const shown = types ? relations.filter((r) => types.includes(r.type)) : relations;
  if (!shown.length) return <p className="text-sm text-muted-foreground">None.</p>;
  const groups = new Map<string, RelationView[]>();
  for (const r of shown) groups.set(r.type, [...(groups.get(r.type) ?? []), r]);
  return (
    <dl className="flex flex-col gap-3">
      {[...groups].map(([type, items]) => (
        <div key={type}>
          <dt className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{RELATION_LABELS[type] ?? type}</dt>
          <dd>
            <ul className="flex flex-wrap gap-2">
              {items.map((r) => (
                <li key={r.target}>
                  {r.entity ? (
                    <Link href={entityHrefFromKey(r.target)} className="inline-flex items-center gap-1.5 rounded-md border px-2 py-1 text-sm hover:border-primary/60 hover:text-primary">
                      <Badge variant="secondary" className="px-1 py-0 text-[10px]">
                        {r.entity.kind}
                      </Badge>
                      {r.entity.title || r.entity.name}
                    </Link>
                  ) : (
                    <span className="inline-flex items-center gap-1.5 rounded-md border border-dashed border-destructive/50 px-2 py-1 text-sm text-muted-foreground" title="No entity with this reference is registered">
                      <AlertTriangle className="size-3.5 text-destructive" aria-hidden />
                      {refLabel(r.target)} <span className="text-xs">(unresolved)</span>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      ))}
    </dl>
  );
}
