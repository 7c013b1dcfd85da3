import type { Metadata } from "next";
import { PauseCircle } from "lucide-react";
import { Breadcrumb } from "@/components/breadcrumb";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { listRequestableServices } from "@/lib/self-service/queries";
import { refLabel } from "@/lib/catalog/paths";
import { isFlagEnabled } from "@/lib/flags/evaluate";
import { SUBMISSIONS_PAUSED_MESSAGE } from "@/lib/self-service/mutations";
import { DatabaseRequestForm } from "./_components/database-request-form";

export const metadata: Metadata = { title: "Request a database" };

export default async function NewDatabaseRequestPage({ searchParams }: { searchParams: Promise<{ service?: string }> }) {
  const user = await requireUser();
  const [services, submissionsOpen] = await Promise.all([listRequestableServices(user), isFlagEnabled("pave.self-service-submissions", user)]);
  const preselected = (await searchParams).service;
  return (
    <>
      <Breadcrumb items={[{ label: "Self-service", href: "/self-service" }, { label: "Request a database" }]} />
      <PageHeader title="Request a database" description="Pave turns this into a Terraform pull request against the infrastructure repo. The platform team reviews it; the database exists once it is merged." />
      {!submissionsOpen ? (
        <div role="alert" className="flex gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
          <PauseCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>{SUBMISSIONS_PAUSED_MESSAGE}</span>
        </div>
      ) : services.length === 0 ? (
        <p className="text-sm text-muted-foreground">None of your teams owns a service in the catalog, so there is nothing to request a database for yet.</p>
      ) : (
        <DatabaseRequestForm
          services={services.map((s) => ({ value: s.key, label: `${s.title || s.name} (${refLabel(s.owner, "group")})` }))}
          initialService={services.some((s) => s.key === preselected) ? preselected : undefined}
        />
      )}
    </>
  );
}
