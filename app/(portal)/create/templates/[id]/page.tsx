import type { Metadata } from "next";
import { Breadcrumb } from "@/components/breadcrumb";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { loadTemplate } from "@/lib/scaffolder/templates";
import { defaultValues } from "@/lib/scaffolder/parameters";
import { listPickerOptions } from "@/lib/scaffolder/queries";
import { Wizard } from "./_components/wizard";

export const metadata: Metadata = { title: "New from template" };

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const template = await loadTemplate(decodeURIComponent((await params).id));
  if (!template) notFound();

  const options = await listPickerOptions(template, user);
  const pickerOptions = Object.fromEntries(Object.entries(options).map(([name, list]) => [name, list.map(({ value, label }) => ({ value, label }))]));
  const initial = defaultValues(template.pages);
  // Members usually create for their own team: preselect it when the owner picker offers it.
  for (const [name, list] of Object.entries(options)) {
    const mine = list.find((o) => o.mine);
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
