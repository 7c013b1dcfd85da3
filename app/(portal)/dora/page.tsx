import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { DoraSection } from "./_components/dora-section";

export const metadata: Metadata = { title: "DORA" };

export default async function DoraPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  return <DoraSection scope={{ kind: "organisation" }} searchParams={await searchParams} />;
}
