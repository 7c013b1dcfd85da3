import type { Metadata } from "next";
import Link from "next/link";
import { Boxes, FilePlus2, MapPin, Plus, Users } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { PageLink } from "@/components/ui/page-link";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { countFacetsCached, searchEntities } from "@/lib/catalog/queries";
import { catalogQuerySchema } from "@/lib/catalog/schemas";
import { canRegister } from "@/lib/catalog/permissions";
import { catalogHref } from "@/lib/catalog/paths";
import { searchDocs } from "@/lib/docs/queries";
import { DocsSearchResults } from "@/components/docs/docs-search-results";
import { FacetPanel } from "./_components/facet-panel";
import { EntityTable } from "./_components/entity-table";
import { SearchBox } from "./_components/search-box";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = catalogQuerySchema.parse(await searchParams);
  const [page, facets, docsHits] = await Promise.all([searchEntities(query), countFacetsCached(query), query.q ? searchDocs(query.q, { limit: 5 }) : []]);
  const filtered = !!query.q || ["kind", "type", "owner", "lifecycle", "system", "tag"].some((f) => query[f as "kind"].length > 0);

  return (
    <>
      <PageHeader title="Catalog" description="Every service, API, resource and team, with owners and dependencies.">
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="outline" size="sm">
            <Link href="/catalog?kind=Group">
              <Users aria-hidden /> Teams
            </Link>
          </Button>
          {canRegister(user) ? (
            <>
              <Button asChild variant="outline" size="sm">
                <Link href="/catalog/locations">
                  <MapPin aria-hidden /> Locations
                </Link>
              </Button>
              <Button asChild variant="outline" size="sm">
                <Link href="/catalog/register">
                  <FilePlus2 aria-hidden /> Register
                </Link>
              </Button>
            </>
          ) : null}
          <Button asChild size="sm">
            <Link href="/catalog/new">
              <Plus aria-hidden /> New component
            </Link>
          </Button>
        </div>
      </PageHeader>

      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <SearchBox initial={query.q ?? ""} />
        <p className="text-sm text-muted-foreground" aria-live="polite">
          {facets.total.toLocaleString("en")} {facets.total === 1 ? "entity" : "entities"}
          {filtered ? (
            <>
              {" · "}
              <Link href="/catalog" className="text-primary hover:underline">
                Clear filters
              </Link>
            </>
          ) : null}
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
        <aside className="hidden lg:block">
          <FacetPanel query={query} facets={facets} />
        </aside>
        <div className="min-w-0">
          {page.rows.length === 0 ? (
            <EmptyState icon={Boxes} title={filtered ? "Nothing matches" : "The catalog is empty"}>
              {filtered ? "Try fewer filters or another search." : "Register a catalog-info.yaml or a location to fill it."}
            </EmptyState>
          ) : (
            <>
              <div className="rounded-lg border">
                <EntityTable query={query} rows={page.rows} />
              </div>
              <nav aria-label="Pages" className="mt-3 flex items-center justify-end gap-2 text-sm">
                <PageLink href={page.prev ? catalogHref(query, { after: undefined, before: undefined, page: undefined }) : null}>First</PageLink>
                <PageLink href={page.prev ? catalogHref(query, { before: page.prev, after: undefined, page: undefined }) : null}>Previous</PageLink>
                <PageLink href={page.next ? catalogHref(query, { after: page.next, before: undefined, page: undefined }) : null}>Next</PageLink>
                <PageLink href={page.next ? catalogHref(query, { page: "last", after: undefined, before: undefined }) : null}>Last</PageLink>
              </nav>
            </>
          )}
          {query.q && docsHits.length ? (
            <section aria-labelledby="docs-hits-heading" className="mt-6 flex flex-col gap-3">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id="docs-hits-heading" className="text-base font-semibold">
                  In docs
                </h2>
                <Link href={`/docs?q=${encodeURIComponent(query.q)}`} className="text-sm text-primary hover:underline">
                  All docs results
                </Link>
              </div>
              <DocsSearchResults hits={docsHits} label="Docs results" />
            </section>
          ) : null}
        </div>
      </div>
    </>
  );
}
