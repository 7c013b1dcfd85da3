import type { Metadata } from "next";
import { Breadcrumb } from "@/components/breadcrumb";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { loadTemplate } from "@/lib/scaffolder/templates";
import { defaultValues, pickerKinds } from "@/lib/scaffolder/parameters";
import { stringifyEntityRef } from "@/lib/catalog/refs";
import { Wizard } from "./_components/wizard";

export const metadata: Metadata = { title: "New from template" };

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const template = await loadTemplate(decodeURIComponent((await params).id));
  if (!template) notFound();

  // Picker choices come from the catalog, filtered by each field's catalogFilter kinds.
  const pickerOptions: Record<string, { value: string; label: string }[]> = {};
  for (const page of template.pages) {
    for (const [name, property] of Object.entries(page.properties ?? {})) {
      if (property["ui:field"] !== "OwnerPicker" && property["ui:field"] !== "EntityPicker") continue;
      const kinds = pickerKinds(property);
      const rows = await db.entity.findMany({
        where: kinds.length ? { kind: { in: kinds, mode: "insensitive" } } : {},
        orderBy: [{ kind: "asc" }, { name: "asc" }],
        take: 1000,
        select: { kind: true, namespace: true, name: true, title: true },
      });
      pickerOptions[name] = rows.map((r) => ({ value: stringifyEntityRef(r), label: r.title ? `${r.title} (${r.name})` : r.name }));
    }
  }
  const initial = defaultValues(template.pages);
  // Members usually create for their own team: preselect it when the owner picker offers it.
  for (const [name, options] of Object.entries(pickerOptions)) {
    const mine = options.find((o) => user.groups.some((g) => o.value === `group:default/${g.toLowerCase()}`));
    if (initial[name] === undefined && mine && template.pages.some((p) => p.properties?.[name]?.["ui:field"] === "OwnerPicker")) initial[name] = mine.value;
  }

  return (
    <>
      <Breadcrumb items={[{ label: "Create", href: "/create" }, { label: template.title }]} />
      <PageHeader title={template.title} description={template.description} />
      <Wizard templateId={template.id} pages={template.pages} initialValues={initial} pickerOptions={pickerOptions} />
    </>
  );
}
