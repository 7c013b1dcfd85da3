import type { Metadata } from "next";
import { SectionPlaceholder, sectionTitle } from "@/components/section-placeholder";

export const metadata: Metadata = { title: sectionTitle("catalog") };

export default function CatalogPage() {
  return <SectionPlaceholder section="catalog" />;
}
