import type { Metadata } from "next";
import { Breadcrumb } from "@/components/breadcrumb";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { getRunView } from "@/lib/scaffolder/queries";
import { RunProgress } from "./_components/run-progress";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const run = /^[a-z0-9]{10,40}$/i.test(id) ? await getRunView(id, user) : null;
  if (!run) notFound();
  return (
    <>
      <Breadcrumb items={[{ label: "Create", href: "/create" }, { label: "Runs", href: "/create/runs" }]} />
      <RunProgress initial={run} />
    </>
  );
}
