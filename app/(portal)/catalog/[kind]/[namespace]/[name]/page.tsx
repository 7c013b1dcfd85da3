import type { Metadata } from "next";
import { Breadcrumb } from "@/components/breadcrumb";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AlertTriangle, Download, ExternalLink, Gauge, Pencil } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { cn } from "@/components/ui/cn";
import { requireUser } from "@/lib/auth/session";
import { descriptorOf, getEntityDetail } from "@/lib/catalog/queries";
import { entityRefKey } from "@/lib/catalog/refs";
import { canEditEntity } from "@/lib/catalog/permissions";
import { entityHref, entityHrefFromKey, refLabel } from "@/lib/catalog/paths";
import { toCatalogYaml } from "@/lib/catalog/export";
import { DependencyGraph } from "./_components/dependency-graph";
import { RelationList } from "./_components/relation-list";
import { DeleteEntityButton } from "./_components/delete-entity-button";
import { InfrastructureTab } from "./_components/infrastructure-tab";
import { RepositoryClaimNotice } from "./_components/repository-claim-notice";
import { GITHUB_PROJECT_SLUG } from "@/lib/catalog/annotations";
import { DoraSection } from "@/app/(portal)/dora/_components/dora-section";
import { ServiceFlags } from "@/components/flags/service-flags";
import { DocsView } from "@/components/docs/docs-view";
import { EntityScorecard } from "@/components/scorecards/entity-scorecard";
import { formatUtc } from "@/components/relative-time";

type Params = { kind: string; namespace: string; name: string };

const TABS = [
  { id: "overview", label: "Overview" },
  { id: "relations", label: "Relations" },
  { id: "docs", label: "Docs" },
  { id: "delivery", label: "Delivery" },
  { id: "scorecard", label: "Scorecard" },
  { id: "infrastructure", label: "Infrastructure" },
  { id: "flags", label: "Flags" },
  { id: "source", label: "Source" },
] as const;
type TabId = (typeof TABS)[number]["id"];

// Kinds whose page shows the dependency graph; for teams and systems the lists say more.
const GRAPH_KINDS = new Set(["Component", "API", "Resource"]);

async function load(params: Promise<Params>) {
  const p = await params;
  let key: string;
  try {
    key = entityRefKey({ kind: decodeURIComponent(p.kind), namespace: decodeURIComponent(p.namespace), name: decodeURIComponent(p.name) });
  } catch {
    notFound();
  }
  const entity = await getEntityDetail(key);
  if (!entity) notFound();
  return entity;
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const p = await params;
  return { title: decodeURIComponent(p.name) };
}

export default async function EntityPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const entity = await load(params);
  const query = await searchParams;
  const tabParam = query.tab;
  const tab: TabId = TABS.some((t) => t.id === tabParam) ? (tabParam as TabId) : "overview";
  const editable = canEditEntity(user, entity) && entity.sourceType !== "location";
  const href = entityHref(entity);
  const links = (entity.metadata.links as { url: string; title?: string }[] | undefined) ?? [];
  const annotations = (entity.metadata.annotations as Record<string, string> | undefined) ?? {};
  const descriptor = descriptorOf(entity);

  return (
    <>
      <Breadcrumb items={[{ label: "Catalog", href: "/catalog" }, { label: entity.kind, href: `/catalog?kind=${encodeURIComponent(entity.kind)}` }]} />
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">{entity.title || entity.name}</h1>
            <Badge variant="secondary">{entity.kind}</Badge>
            {entity.type ? <Badge variant="outline">{entity.type}</Badge> : null}
            {entity.lifecycle ? <Badge variant={entity.lifecycle === "production" ? "default" : "outline"}>{entity.lifecycle}</Badge> : null}
          </div>
          <p className="mt-1 font-mono text-xs text-muted-foreground">{refLabel(entity.key)}</p>
          {entity.description ? <p className="mt-2 max-w-3xl text-sm text-muted-foreground">{entity.description}</p> : null}
        </div>
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="outline" size="sm">
            <a href={`${href}/export`} download>
              <Download aria-hidden /> Export YAML
            </a>
          </Button>
          {editable && entity.kind === "Component" ? (
            <Button asChild variant="outline" size="sm">
              <Link href={`${href}/edit`}>
                <Pencil aria-hidden /> Edit
              </Link>
            </Button>
          ) : null}
          {editable ? <DeleteEntityButton entityKey={entity.key} label={entity.title || entity.name} /> : null}
        </div>
      </div>

      {entity.refreshError ? (
        <div role="alert" className="mb-4 flex gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>
            The last refresh of its location failed, so this shows the last good version. {entity.refreshError}
          </span>
        </div>
      ) : null}

      {typeof annotations[GITHUB_PROJECT_SLUG] === "string" ? <RepositoryClaimNotice entityKey={entity.key} slug={annotations[GITHUB_PROJECT_SLUG]} /> : null}

      <nav aria-label="Entity sections" className="mb-5 flex gap-1 overflow-x-auto border-b">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={t.id === "overview" ? href : `${href}?tab=${t.id}`}
            aria-current={tab === t.id ? "page" : undefined}
            scroll={false}
            className={cn(
              "-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
              tab === t.id ? "border-primary text-primary" : "border-transparent text-muted-foreground hover:text-foreground",
            )}
          >
            {t.label}
          </Link>
        ))}
      </nav>

      {tab === "overview" ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card className="lg:col-span-1">
            <CardHeader>
              <CardTitle>About</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm">
                <Field label="Owner">{entity.owner ? <Link className="text-primary hover:underline" href={entityHrefFromKey(entity.owner)}>{refLabel(entity.owner, "group")}</Link> : "—"}</Field>
                <Field label="System">{entity.system ? <Link className="text-primary hover:underline" href={entityHrefFromKey(entity.system)}>{refLabel(entity.system, "system")}</Link> : "—"}</Field>
                <Field label="Type">{entity.type || "—"}</Field>
                <Field label="Lifecycle">{entity.lifecycle || "—"}</Field>
                <Field label="Namespace">{entity.namespace}</Field>
                <Field label="Tags">
                  {entity.tags.length ? (
                    <span className="flex flex-wrap gap-1">
                      {entity.tags.map((t) => (
                        <Link key={t} href={`/catalog?tag=${encodeURIComponent(t)}`}>
                          <Badge variant="outline">{t}</Badge>
                        </Link>
                      ))}
                    </span>
                  ) : (
                    "—"
                  )}
                </Field>
              </dl>
              {links.length ? (
                <ul className="mt-4 flex flex-col gap-1 text-sm">
                  {links.map((l) => (
                    <li key={l.url}>
                      <a href={l.url} className="inline-flex items-center gap-1 text-primary hover:underline" rel="noreferrer noopener" target="_blank">
                        <ExternalLink className="size-3.5" aria-hidden /> {l.title ?? l.url}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : null}
            </CardContent>
          </Card>
          <Card className="lg:col-span-2">
            <CardHeader>
              <CardTitle>Relations</CardTitle>
            </CardHeader>
            <CardContent className="flex flex-col gap-5">
              {GRAPH_KINDS.has(entity.kind) ? <DependencyGraph center={entity.key} label={entity.name} relations={entity.relations} /> : null}
              <RelationList relations={entity.relations} />
            </CardContent>
          </Card>
        </div>
      ) : null}

      {tab === "relations" ? (
        <Card>
          <CardContent className="pt-5">
            <RelationList relations={entity.relations} />
          </CardContent>
        </Card>
      ) : null}

      {tab === "docs" ? <DocsView entity={entity} path={typeof query.path === "string" ? query.path : undefined} /> : null}

      {tab === "scorecard" ? <EntityScorecard entity={entity} /> : null}

      {tab === "delivery" ? (
        entity.kind === "Component" ? (
          <DoraSection
            embedded
            scope={{ kind: "service", name: entity.name, entityKey: entity.key, title: entity.title || entity.name, owner: entity.owner }}
            searchParams={query}
          />
        ) : (
          <EmptyState icon={Gauge} title="No delivery metrics here">
            DORA metrics are tracked per component.{" "}
            {entity.kind === "Group" && entity.namespace === "default" ? (
              <Link className="text-primary hover:underline" href={`/dora/teams/${encodeURIComponent(entity.name)}`}>
                See this team&apos;s dashboard.
              </Link>
            ) : null}
          </EmptyState>
        )
      ) : null}

      {tab === "infrastructure" ? <InfrastructureTab entityKey={entity.key} kind={entity.kind} /> : null}

      {tab === "flags" ? <ServiceFlags entity={entity} /> : null}

      {tab === "source" ? (
        <div className="grid gap-4 lg:grid-cols-3">
          <Card>
            <CardHeader>
              <CardTitle>Where it comes from</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-2 text-sm">
                <Field label="Source">{entity.sourceType === "location" ? "Location" : entity.sourceType === "form" ? "Pave form" : "Pasted or uploaded file"}</Field>
                {entity.location ? (
                  <>
                    <Field label="Location">
                      <span className="break-all font-mono text-xs">{entity.location.target}</span>
                    </Field>
                    <Field label="Last read">{entity.location.lastRefreshedAt ? formatUtc(entity.location.lastRefreshedAt) : "never"}</Field>
                  </>
                ) : null}
                <Field label="Updated">{formatUtc(entity.updatedAt)}</Field>
                {Object.entries(annotations).map(([k, v]) => (
                  <Field key={k} label={k}>
                    <span className="break-all font-mono text-xs">{v}</span>
                  </Field>
                ))}
              </dl>
            </CardContent>
          </Card>
          <Card className="lg:col-span-2">
            <CardHeader>
              <CardTitle>catalog-info.yaml</CardTitle>
            </CardHeader>
            <CardContent>
              <pre className="max-h-[32rem] overflow-auto rounded-md bg-muted p-3 font-mono text-xs" aria-label="Descriptor">
                {toCatalogYaml([descriptor])}
              </pre>
            </CardContent>
          </Card>
        </div>
      ) : null}
    </>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="truncate text-muted-foreground" title={label}>
        {label}
      </dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}
