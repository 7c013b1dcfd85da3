import type { Metadata } from "next";
import { SectionPlaceholder, sectionTitle } from "@/components/section-placeholder";

export const metadata: Metadata = { title: sectionTitle("self-service") };

export default function SelfServicePage() {
  return <SectionPlaceholder section="self-service" />;
}
