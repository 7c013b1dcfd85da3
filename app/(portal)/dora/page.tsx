import type { Metadata } from "next";
import { SectionPlaceholder, sectionTitle } from "@/components/section-placeholder";

export const metadata: Metadata = { title: sectionTitle("dora") };

export default function DoraPage() {
  return <SectionPlaceholder section="dora" />;
}
