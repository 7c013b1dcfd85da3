import type { Metadata } from "next";
import Link from "next/link";
import { History, Sparkles } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireUser } from "@/lib/auth/session";
import { listTemplates } from "@/lib/scaffolder/templates";
import { refLabel } from "@/lib/catalog/paths";
import { entityRefKey, parseEntityRef } from "@/lib/catalog/refs";

export const metadata: Metadata = { title: "Create" };

const ownerLabel = (owner: string) => {
  try {
    return refLabel(entityRefKey(parseEntityRef(owner, { defaultKind: "group", defaultNamespace: "default" })), "group");
  } catch {
    return owner;
  }
};

export default async function CreatePage() {
  await requireUser();
  const templates = await listTemplates();
  return (
    <>
      <PageHeader title="Create" description="Start something new from a golden path: a repository with CI/CD, monitoring, docs and feature flags, registered in the catalog.">
        <Button asChild variant="outline" size="sm">
          <Link href="/create/runs">
            <History aria-hidden /> Runs
          </Link>
        </Button>
      </PageHeader>
      {templates.length === 0 ? (
        <EmptyState icon={Sparkles} title="No templates yet">
          Add one under templates/ or register a Template entity in the catalog.
        </EmptyState>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Templates">
          {templates.map((t) => (
            <li key={t.id}>
              <Card className="flex h-full flex-col">
                <CardHeader>
                  <div className="flex items-center justify-between gap-2">
                    <CardTitle>{t.title}</CardTitle>
                    {t.type ? <Badge variant="secondary">{t.type}</Badge> : null}
                  </div>
                  <CardDescription>{t.description}</CardDescription>
                </CardHeader>
                <CardContent className="mt-auto flex flex-col gap-3">
                  {t.tags.length ? (
                    <div className="flex flex-wrap gap-1">
                      {t.tags.map((tag) => (
                        <Badge key={tag} variant="outline">
                          {tag}
                        </Badge>
                      ))}
                    </div>
                  ) : null}
                  <div className="flex items-center justify-between gap-2 text-sm">
                    <span className="text-muted-foreground">Owner: {t.owner ? ownerLabel(t.owner) : "—"}</span>
                    <Button asChild size="sm">
                      <Link href={`/create/templates/${encodeURIComponent(t.id)}`} aria-label={`Choose ${t.title}`}>
                        Choose
                      </Link>
                    </Button>
                  </div>
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
