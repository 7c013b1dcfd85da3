import Link from "next/link";
import { Check } from "lucide-react";
import type { FacetCounts } from "@/lib/catalog/queries";
import type { CatalogQuery, Facet } from "@/lib/catalog/schemas";
import { refLabel, toggleFacet } from "@/lib/catalog/paths";

const LABELS: Record<Facet, string> = { kind: "Kind", type: "Type", owner: "Owner", lifecycle: "Lifecycle", system: "System", tag: "Tags" };
const REF_FACETS: Partial<Record<Facet, string>> = { owner: "group", system: "system" };
const VISIBLE = 8;
const formatCount = new Intl.NumberFormat("en").format;

function FacetValues({ facet, values, query }: { facet: Facet; values: FacetCounts[Facet]; query: CatalogQuery }) {
  return (
    <ul className="flex flex-col gap-0.5">
      {values.map(({ value, count }) => {
        const active = query[facet].includes(value);
        const label = REF_FACETS[facet] ? refLabel(value, REF_FACETS[facet]) : value;
        return (
          <li key={value}>
            <Link
              href={toggleFacet(query, facet, value)}
              scroll={false}
              aria-label={`${LABELS[facet]}: ${label} (${count})${active ? ", selected" : ""}`}
              className="facet-option"
              data-active={active || undefined}
            >
              <span className="facet-box">{active ? <Check className="size-3" aria-hidden /> : null}</span>
              <span className="facet-label">{label}</span>
              <span className="facet-count">{formatCount(count)}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** Filters with live counts; each value is a link, so filtering works without JavaScript. */
export function FacetPanel({ query, facets }: { query: CatalogQuery; facets: FacetCounts }) {
  return (
    <nav aria-label="Filters" className="flex flex-col gap-5">
      {(Object.keys(LABELS) as Facet[]).map((facet) => {
        const values = facets[facet];
        if (!values.length && !query[facet].length) return null;
        return (
          <section key={facet} aria-labelledby={`facet-${facet}`}>
            <h2 id={`facet-${facet}`} className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-muted-foreground">
              {LABELS[facet]}
            </h2>
            <FacetValues facet={facet} values={values.slice(0, VISIBLE)} query={query} />
            {values.length > VISIBLE ? (
              <details open={values.slice(VISIBLE).some((v) => query[facet].includes(v.value))}>
                <summary className="cursor-pointer rounded px-2 py-1 text-xs text-primary hover:underline">Show {values.length - VISIBLE} more</summary>
                <FacetValues facet={facet} values={values.slice(VISIBLE)} query={query} />
              </details>
            ) : null}
          </section>
        );
      })}
    </nav>
  );
}
