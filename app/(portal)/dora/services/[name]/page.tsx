import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { findDoraService } from "@/lib/dora/queries";
import { DoraSection } from "../../_components/dora-section";

type Params = { name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).name)} · DORA` };
}

export default async function DoraServicePage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const service = await findDoraService(decodeURIComponent((await params).name));
  if (!service) notFound();
  return (
    <DoraSection
      scope={{ kind: "service", name: service.name, entityKey: service.key, title: service.title || service.name, owner: service.owner }}
      searchParams={await searchParams}
    />
  );
}
