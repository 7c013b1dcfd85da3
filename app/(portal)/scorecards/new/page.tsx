import type { Metadata } from "next";
import { Breadcrumb } from "@/components/breadcrumb";
import { PageHeader } from "@/components/page-header";
import { requireRole } from "@/lib/auth/session";
import { EXAMPLE_SCORECARD_YAML } from "../_components/example-yaml";
import { ScorecardForm } from "../_components/scorecard-form";

export const metadata: Metadata = { title: "New scorecard" };

export default async function NewScorecardPage() {
  await requireRole("admin");
  return (
    <>
      <Breadcrumb items={[{ label: "Scorecards", href: "/scorecards" }, { label: "New scorecard" }]} />
      <PageHeader
        title="New scorecard"
        description="Write the scorecard as YAML. It is graded for the first time right after it is saved, and again whenever the catalog refreshes."
      />
      <ScorecardForm mode="create" initialYaml={EXAMPLE_SCORECARD_YAML} />
    </>
  );
}
