import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { getRunView } from "@/lib/scaffolder/queries";
import { RunProgress } from "./_components/run-progress";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const { id } = await params;
  const run = /^[a-z0-9]{10,40}$/i.test(id) ? await getRunView(id) : null;
  if (!run) notFound();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-muted-foreground">
        <Link href="/create" className="hover:underline">
          Create
        </Link>
        {" / "}
        <Link href="/create/runs" className="hover:underline">
          Runs
        </Link>
      </nav>
      <RunProgress initial={run} />
    </>
  );
}
