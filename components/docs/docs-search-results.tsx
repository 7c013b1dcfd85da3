import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { entityHref } from "@/lib/catalog/paths";
import { docsPageHref } from "@/lib/catalog/paths";
import type { DocsSearchHit } from "@/lib/docs/queries";

/** Docs pages that match a search: title, whose docs they are, and the matching words marked. */
export function DocsSearchResults({ hits, label }: { hits: DocsSearchHit[]; label: string }) {
  return (
    <ul aria-label={label} className="flex flex-col divide-y rounded-lg border">
      {hits.map((hit) => (
        <li key={`${hit.entityKey}/${hit.path}`} className="flex flex-col gap-1 p-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Badge variant="secondary">Docs</Badge>
            <Link href={docsPageHref(hit, hit.path)} className="font-medium text-primary hover:underline">
              {hit.title || hit.path}
            </Link>
            <span className="text-muted-foreground">
              in{" "}
              <Link href={entityHref(hit)} className="hover:underline">
                {hit.entityTitle || hit.name}
              </Link>
            </span>
          </div>
          {hit.snippet.length ? (
            <p className="text-muted-foreground">
              {hit.snippet.map((part, i) =>
                part.match ? (
                  <mark key={i} className="rounded-sm bg-yellow-200 px-0.5 text-foreground dark:bg-yellow-500/30">
                    {part.text}
                  </mark>
                ) : (
                  <span key={i}>{part.text}</span>
                ),
              )}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
