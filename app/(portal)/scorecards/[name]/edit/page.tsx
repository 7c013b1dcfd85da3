import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FileText } from "lucide-react";
import { Breadcrumb } from "@/components/breadcrumb";
import { PageHeader } from "@/components/page-header";
import { FormAlert } from "@/components/ui/form-alert";
import { requireRole } from "@/lib/auth/session";
import { getScorecardForEdit } from "@/lib/scorecards/queries";
import { nameFromParam } from "../../_components/filters";
import { DeleteScorecardButton } from "../../_components/delete-scorecard-button";
import { ScorecardForm } from "../../_components/scorecard-form";

type Params = { name: string };

export const metadata: Metadata = { title: "Edit scorecard" };

export default async function EditScorecardPage({ params }: { params: Promise<Params> }) {
  await requireRole("admin");
  const name = nameFromParam((await params).name);
  if (!name) notFound();
  const scorecard = await getScorecardForEdit(name);
  if (!scorecard) notFound();
  const href = `/scorecards/${encodeURIComponent(scorecard.name)}`;

  return (
    <>
      <Breadcrumb items={[{ label: "Scorecards", href: "/scorecards" }, { label: scorecard.name, href }, { label: "Edit" }]} />
      <PageHeader title={`Edit ${scorecard.name}`} description="Changes are validated on save and graded right after." />
      {scorecard.error ? (
        <div className="mb-4 max-w-4xl">
          <FormAlert message="The saved YAML is refused, so this scorecard is not evaluated." details={[scorecard.error]} />
        </div>
      ) : null}
      {scorecard.source === "file" ? (
        <div className="flex max-w-4xl flex-col gap-3">
          <div role="status" className="flex gap-2 rounded-md border bg-muted/50 p-3 text-sm">
            <FileText className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden />
            <span>
              This scorecard is read from a file in the scorecards folder, so it is changed there (through a pull request), not here. This is what Pave read:
            </span>
          </div>
          <pre className="max-h-[40rem] overflow-auto rounded-md bg-muted p-3 font-mono text-xs" aria-label="Scorecard YAML">
            {scorecard.yaml}
          </pre>
        </div>
      ) : (
        <div className="flex flex-col gap-8">
          <ScorecardForm mode="update" name={scorecard.name} initialYaml={scorecard.yaml} />
          <section aria-labelledby="danger-heading" className="flex max-w-4xl flex-col gap-2 border-t pt-6">
            <h2 id="danger-heading" className="text-base font-semibold">
              Delete
            </h2>
            <p className="text-sm text-muted-foreground">Deleting removes the scorecard, its results and its history.</p>
            <DeleteScorecardButton name={scorecard.name} title={scorecard.name} />
          </section>
        </div>
      )}
    </>
  );
}

