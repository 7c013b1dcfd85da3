import Link from "next/link";
import type { RelationView } from "@/lib/catalog/queries";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";

const UPSTREAM = new Set(["dependencyOf", "apiConsumedBy", "apiProvidedBy"]);
const DOWNSTREAM = new Set(["dependsOn", "consumesApi", "providesApi"]);
const MAX = 8;

type Node = { key: string; type: string; resolved: boolean };

/**
 * A small graph: who depends on this entity (left), the entity, and what it depends on,
 * provides or consumes (right). Server-rendered SVG; every node is a link.
 */
export function DependencyGraph({ center, label, relations }: { center: string; label: string; relations: RelationView[] }) {
  const left: Node[] = relations.filter((r) => UPSTREAM.has(r.type)).map((r) => ({ key: r.target, type: r.type, resolved: !!r.entity }));
  const right: Node[] = relations.filter((r) => DOWNSTREAM.has(r.type)).map((r) => ({ key: r.target, type: r.type, resolved: !!r.entity }));
  if (!left.length && !right.length) {
    return <p className="text-sm text-muted-foreground">No dependencies or APIs recorded.</p>;
  }
  const rows = Math.max(Math.min(left.length, MAX), Math.min(right.length, MAX), 1);
  const rowHeight = 40;
  const height = rows * rowHeight + 20;
  const width = 760;
  const nodeW = 200;
  const cx = width / 2;
  const cy = height / 2;
  const y = (i: number, count: number) => height / 2 + (i - (Math.min(count, MAX) - 1) / 2) * rowHeight;

  const renderSide = (nodes: Node[], x: number, anchorX: number) =>
    nodes.slice(0, MAX).map((n, i) => {
      const ny = y(i, nodes.length);
      return (
        <g key={`${n.type}-${n.key}`}>
          <line x1={anchorX} y1={ny} x2={x < cx ? cx - 90 : cx + 90} y2={cy} className="stroke-border" strokeWidth={1.5} />
          <Link href={entityHrefFromKey(n.key)}>
            <rect x={x} y={ny - 14} width={nodeW} height={28} rx={6} className={n.resolved ? "fill-card stroke-border" : "fill-muted stroke-destructive/60"} strokeDasharray={n.resolved ? undefined : "4 3"} />
            <text x={x + 10} y={ny + 4} className="fill-foreground text-[11px]">
              {truncate(refLabel(n.key), 30)}
            </text>
            <title>{`${n.type}: ${n.key}${n.resolved ? "" : " (unresolved)"}`}</title>
          </Link>
        </g>
      );
    });

  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} className="w-full max-w-3xl" role="img" aria-label={`Dependency graph of ${refLabel(center)}`}>
        {renderSide(left, 10, 10 + nodeW)}
        {renderSide(right, width - 10 - nodeW, width - 10 - nodeW)}
        <rect x={cx - 90} y={cy - 16} width={180} height={32} rx={8} className="fill-primary" />
        <text x={cx} y={cy + 4} textAnchor="middle" className="fill-primary-foreground text-[12px] font-semibold">
          {truncate(label, 24)}
        </text>
      </svg>
      <figcaption className="mt-1 text-xs text-muted-foreground">
        Left: depends on this ({left.length}). Right: what this depends on, provides or consumes ({right.length}). Dashed: unresolved.
        {left.length > MAX || right.length > MAX ? ` Showing the first ${MAX} on each side.` : ""}
      </figcaption>
    </figure>
  );
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
