import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { findDoraTeam, listTeamServices, teamOwnerKey } from "@/lib/dora/queries";
import { DoraSection } from "../../_components/dora-section";

type Params = { team: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).team)} · DORA` };
}

export default async function DoraTeamPage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const name = decodeURIComponent((await params).team);
  const owner = teamOwnerKey(name);
  const [team, services] = await Promise.all([findDoraTeam(name), listTeamServices(owner)]);
  // The API answers for catalog groups only, so a team without a Group entity has no page.
  if (!team) notFound();
  return (
    <DoraSection
      scope={{ kind: "team", team: team.name, owner, title: team.title || team.name }}
      services={services}
      searchParams={await searchParams}
    />
  );
}
