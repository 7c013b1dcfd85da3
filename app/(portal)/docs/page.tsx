import type { Metadata } from "next";
import Link from "next/link";
import { BookOpen, Search, SearchX } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DocsSearchResults } from "@/components/docs/docs-search-results";
import { docsPageHref } from "@/lib/catalog/paths";
import { RelativeTime } from "@/components/relative-time";
import { requireUser } from "@/lib/auth/session";
import { entityHref, entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import { listDocsSites, searchDocs } from "@/lib/docs/queries";

export const metadata: Metadata = { title: "Docs" };

// Long enough for any real search; a longer one is cut rather than refused.
const MAX_QUERY = 200;

export default async function DocsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, MAX_QUERY) ?? "";
  const now = new Date();

  return (
    <>
      <PageHeader title="Docs" description="Every service's documentation, built from the Markdown in its repository." />

      <form role="search" action="/docs" className="mb-6 flex w-full max-w-xl gap-2">
        <label htmlFor="docs-search" className="sr-only">
          Search the docs
        </label>
        <div className="relative flex-1">
          <Search className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden />
          <input
            key={q}
            id="docs-search"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Search all docs"
            autoComplete="off"
            className="h-10 w-full rounded-md border border-input bg-background pl-9 pr-3 text-sm outline-none focus-visible:ring-2 focus-visible:ring-ring"
          />
        </div>
        <Button type="submit" variant="outline">
          Search
        </Button>
      </form>

      {q ? <SearchResults q={q} /> : <SiteList now={now} />}
    </>
  );
}

async function SearchResults({ q }: { q: string }) {
  const hits = await searchDocs(q, { limit: 50 });
  return (
    <section aria-labelledby="docs-results-heading" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="docs-results-heading" className="text-base font-semibold">
          {hits.length ? `${hits.length} ${hits.length === 1 ? "page" : "pages"} matching “${q}”` : `No pages match “${q}”`}
        </h2>
        <Link href="/docs" className="text-sm text-primary hover:underline">
          Clear search
        </Link>
      </div>
      {hits.length ? (
        <DocsSearchResults hits={hits} label="Docs results" />
      ) : (
        <EmptyState icon={SearchX} title="Nothing found">
          Try other words, or{" "}
          <Link href={`/catalog?q=${encodeURIComponent(q)}`} className="text-primary hover:underline">
            search the catalog
          </Link>
          .
        </EmptyState>
      )}
    </section>
  );
}

async function SiteList({ now }: { now: Date }) {
  const sites = await listDocsSites();
  if (!sites.length) {
    return (
      <EmptyState icon={BookOpen} title="No docs yet">
        Add <code className="font-mono text-xs">backstage.io/techdocs-ref: dir:.</code> to a component&apos;s catalog-info.yaml and a{" "}
        <code className="font-mono text-xs">docs/</code> folder to its repository; Pave builds the docs when the catalog refreshes.
      </EmptyState>
    );
  }
  return (
    <div className="rounded-lg border">
      <Table>
        <caption className="sr-only">Documentation sites</caption>
        <TableHeader>
          <TableRow>
            <TableHead scope="col">Docs</TableHead>
            <TableHead scope="col">Owner</TableHead>
            <TableHead scope="col" className="text-right">
              Pages
            </TableHead>
            <TableHead scope="col">Built</TableHead>
            <TableHead scope="col">Status</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {sites.map((site) => (
            <TableRow key={site.entityKey}>
              <TableHead scope="row" className="h-auto py-2.5 font-normal text-foreground">
                <Link href={docsPageHref(site, "index")} className="font-medium text-primary hover:underline">
                  {site.title || site.name}
                </Link>
                <span className="ml-2 text-xs text-muted-foreground">
                  <Link href={entityHref(site)} className="hover:underline">
                    {refLabel(site.entityKey, "component")}
                  </Link>
                </span>
                {site.description ? <p className="line-clamp-1 text-xs text-muted-foreground">{site.description}</p> : null}
              </TableHead>
              <TableCell>
                {site.owner ? (
                  <Link href={entityHrefFromKey(site.owner)} className="hover:underline">
                    {refLabel(site.owner, "group")}
                  </Link>
                ) : (
                  "—"
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums">{site.pageCount.toLocaleString("en")}</TableCell>
              <TableCell className="whitespace-nowrap">{site.builtAt ? <RelativeTime date={site.builtAt} now={now} /> : "never"}</TableCell>
              <TableCell>
                {site.status === "failed" ? <Badge variant="destructive">Build failed</Badge> : <Badge variant="secondary">Ready</Badge>}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
