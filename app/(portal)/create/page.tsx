import type { Metadata } from "next";
import { SectionPlaceholder, sectionTitle } from "@/components/section-placeholder";

export const metadata: Metadata = { title: sectionTitle("create") };

export default function CreatePage() {
  return <SectionPlaceholder section="create" />;
}
