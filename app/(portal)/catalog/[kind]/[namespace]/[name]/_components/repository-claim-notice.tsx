import Link from "next/link";
import { AlertTriangle } from "lucide-react";
import { entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import { repositoryClaims } from "@/lib/dora/github";

/**
 * Shown on every entity that names a repository in github.com/project-slug when another
 * entity names it too: which one receives the repository's delivery events, and why.
 */
export async function RepositoryClaimNotice({ entityKey, slug }: { entityKey: string; slug: string }) {
  const claims = await repositoryClaims(slug);
  if (claims.length < 2 || !claims.some((c) => c.key === entityKey)) return null;
  const [winner, ...rest] = claims;
  const others = claims.filter((c) => c.key !== entityKey);
  return (
    <div role="alert" data-testid="repository-claim" className="mb-4 flex gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
      <AlertTriangle className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden />
      <span>
        The repository <span className="font-mono text-xs">{slug}</span> (github.com/project-slug) is also claimed by{" "}
        {others.map((c, i) => (
          <span key={c.key}>
            {i > 0 ? ", " : null}
            <Link className="text-primary hover:underline" href={entityHrefFromKey(c.key)}>
              {refLabel(c.key)}
            </Link>
          </span>
        ))}
        . Its GitHub delivery events go to {winner!.key === entityKey ? "this entity" : refLabel(winner!.key)}
        {winner!.inRepository ? ", whose catalog file lives in that repository." : rest.length ? ", the first by kind and name: no claimant's catalog file lives in that repository." : "."}
      </span>
    </div>
  );
}
