import type { Metadata } from "next";
import { SectionPlaceholder, sectionTitle } from "@/components/section-placeholder";

export const metadata: Metadata = { title: sectionTitle("flags") };

export default function FlagsPage() {
  return <SectionPlaceholder section="flags" />;
}
