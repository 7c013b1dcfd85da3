import Link from "next/link";
import { AlertTriangle, BookOpen, FileQuestion, Info } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { BuildDocsButton } from "@/components/docs/build-docs-button";
import { DocsContent } from "@/components/docs/docs-content";
import { RelativeTime } from "@/components/relative-time";
import { normaliseDocsPath as normalisePath } from "@/components/docs/paths";
import { docsPageHref } from "@/lib/catalog/paths";
import { getDocsPage, getDocsSite, type DocsNavItem } from "@/lib/docs/queries";

type DocsEntity = { id: string; key: string; kind: string; namespace: string; name: string };

/** The Docs tab: sidebar, the page, its headings, and the state of the last build. */
export async function DocsView({ entity, path }: { entity: DocsEntity; path?: string }) {
  const site = await getDocsSite(entity.id);
  const now = new Date();

  if (!site) {
    return (
      <EmptyState icon={BookOpen} title="No docs yet">
        <div className="flex flex-col items-center gap-3">
          <p>
            Add <code className="font-mono text-xs">backstage.io/techdocs-ref: dir:.</code> to the annotations in this entity&apos;s catalog-info.yaml and a{" "}
            <code className="font-mono text-xs">docs/</code> folder with an <code className="font-mono text-xs">index.md</code> to its repository (a README.md works
            too). Pave builds the docs whenever the catalog refreshes.
          </p>
          <BuildDocsButton entityKey={entity.key} />
        </div>
      </EmptyState>
    );
  }

  const requested = normalisePath(path);
  const page = site.pageCount ? await getDocsPage(entity.id, requested) : null;
  const current = page ? normalisePath(page.path) : requested;
  const failed = site.status === "failed";
  const toc = page?.headings.filter((h) => h.depth >= 2 && h.depth <= 3) ?? [];

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className="pt-1.5 text-xs text-muted-foreground">
          {site.builtAt ? (
            <>
              Built <RelativeTime date={site.builtAt} now={now} /> from <SourceLink url={site.sourceUrl} />
            </>
          ) : (
            <>
              Not built yet from <SourceLink url={site.sourceUrl} />
            </>
          )}
        </p>
        {/* A failed build offers "Try again" in its alert instead. */}
        {failed ? null : <BuildDocsButton entityKey={entity.key} label="Rebuild" subtle />}
      </div>

      {failed ? (
        <div role="alert" className="flex flex-wrap items-start justify-between gap-3 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          <div className="flex gap-2">
            <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
            <div>
              <p className="font-medium">
                The last docs build failed
                {site.attemptedAt ? (
                  <>
                    {" "}
                    (<RelativeTime date={site.attemptedAt} now={now} />)
                  </>
                ) : null}
                .{site.pageCount ? " Showing the last good version." : ""}
              </p>
              {site.error ? <p className="mt-1">{site.error}</p> : null}
            </div>
          </div>
          <BuildDocsButton entityKey={entity.key} label="Try again" />
        </div>
      ) : null}

      {site.notice ? (
        <div role="status" className="flex gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
          <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>{site.notice}</span>
        </div>
      ) : null}

      {site.pageCount === 0 ? (
        failed ? null : (
          <EmptyState icon={BookOpen} title="No pages">
            The docs were built but had no Markdown pages. Add an <code className="font-mono text-xs">index.md</code> to the docs folder.
          </EmptyState>
        )
      ) : (
        <div className="grid gap-6 lg:grid-cols-[14rem_minmax(0,1fr)] xl:grid-cols-[14rem_minmax(0,1fr)_12rem]">
          <nav aria-label="Docs pages" className="text-sm lg:sticky lg:top-4 lg:max-h-[calc(100dvh-2rem)] lg:self-start lg:overflow-y-auto">
            <NavTree items={site.nav} entity={entity} current={current} />
          </nav>

          <div className="min-w-0">
            {page ? (
              <DocsContent html={page.html} />
            ) : (
              <EmptyState icon={FileQuestion} title="Page not found">
                There is no page <code className="font-mono text-xs">{requested}</code> in these docs.{" "}
                <Link href={docsPageHref(entity, "index")} className="text-primary hover:underline">
                  Go to the docs home page
                </Link>
              </EmptyState>
            )}
          </div>

          {toc.length ? (
            <aside aria-labelledby="docs-toc-heading" className="hidden text-sm xl:sticky xl:top-4 xl:block xl:self-start">
              <h2 id="docs-toc-heading" className="mb-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">
                On this page
              </h2>
              <ul className="flex flex-col gap-1.5 border-l">
                {toc.map((h) => (
                  <li key={h.id}>
                    <a
                      href={`#${h.id}`}
                      className={cn("-ml-px block border-l border-transparent pl-3 text-muted-foreground hover:border-foreground hover:text-foreground", h.depth === 3 && "pl-6")}
                    >
                      {h.text}
                    </a>
                  </li>
                ))}
              </ul>
            </aside>
          ) : null}
        </div>
      )}
    </div>
  );
}

function SourceLink({ url }: { url: string }) {
  if (/^https?:\/\//i.test(url)) {
    return (
      <a href={url} target="_blank" rel="noreferrer noopener" className="break-all text-primary hover:underline">
        {url}
      </a>
    );
  }
  return <span className="break-all font-mono">{url}</span>;
}

function NavTree({ items, entity, current, depth = 0 }: { items: DocsNavItem[]; entity: DocsEntity; current: string; depth?: number }) {
  return (
    <ul className={cn("flex flex-col gap-0.5", depth > 0 && "ml-3 border-l pl-2")}>
      {items.map((item, index) => {
        const active = item.path !== undefined && normalisePath(item.path) === current;
        return (
          <li key={`${item.path ?? item.title}-${index}`}>
            {item.path !== undefined ? (
              <Link
                href={docsPageHref(entity, normalisePath(item.path))}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "block rounded-md px-2 py-1 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                  active ? "bg-primary/10 font-medium text-primary" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
                )}
              >
                {item.title}
              </Link>
            ) : (
              <span className="block px-2 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground">{item.title}</span>
            )}
            {item.children?.length ? <NavTree items={item.children} entity={entity} current={current} depth={depth + 1} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
