import { Flag, type LucideIcon } from "lucide-react";
import { PageHeader } from "@/components/page-header";
import { EmptyState } from "@/components/ui/empty-state";

type Section = { title: string; description: string; icon: LucideIcon; emptyTitle: string; emptyBody: string };

// Sections whose features are still being built: each shows its purpose and an honest empty state.
const SECTIONS = {
  flags: {
    title: "Flags",
    description: "Feature flags of the services you own.",
    icon: Flag,
    emptyTitle: "No flags yet",
    emptyBody: "Feature flags from Unleash will be listed here.",
  },
} satisfies Record<string, Section>;

export type SectionId = keyof typeof SECTIONS;

export const sectionTitle = (id: SectionId) => SECTIONS[id].title;

/** The page body of a section that has no content yet. */
export function SectionPlaceholder({ section }: { section: SectionId }) {
  const s: Section = SECTIONS[section];
  return (
    <>
      <PageHeader title={s.title} description={s.description} />
      <EmptyState icon={s.icon} title={s.emptyTitle}>
        {s.emptyBody}
      </EmptyState>
    </>
  );
}
