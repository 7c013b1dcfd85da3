import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { getEntityDetail } from "@/lib/catalog/queries";
import { canEditEntity } from "@/lib/catalog/permissions";
import { entityRefKey } from "@/lib/catalog/refs";
import { ComponentForm } from "../../../../_components/component-form";
import { loadComponentFormOptions } from "../../../../_components/component-form-options";

export const metadata: Metadata = { title: "Edit component" };

const refs = (value: unknown) => (Array.isArray(value) ? value.join(", ") : "");

export default async function EditComponentPage({ params }: { params: Promise<{ kind: string; namespace: string; name: string }> }) {
  const user = await requireUser();
  const p = await params;
  if (p.kind !== "component") notFound();
  const entity = await getEntityDetail(entityRefKey({ kind: "component", namespace: p.namespace, name: decodeURIComponent(p.name) }), { relations: false });
  if (!entity) notFound();
  if (!canEditEntity(user, entity) || entity.sourceType === "location") forbidden();
  const spec = entity.spec ?? {};
  const options = await loadComponentFormOptions(user);
  return (
    <>
      <PageHeader title={`Edit ${entity.title || entity.name}`} />
      <ComponentForm
        entityKey={entity.key}
        {...options}
        initial={{
          name: entity.name,
          title: entity.title,
          description: entity.description,
          type: entity.type,
          lifecycle: entity.lifecycle,
          owner: entity.owner.replace(/^group:default\//, ""),
          system: entity.system.replace(/^system:default\//, ""),
          tags: entity.tags.join(", "),
          dependsOn: refs(spec.dependsOn),
          providesApis: refs(spec.providesApis),
          consumesApis: refs(spec.consumesApis),
        }}
      />
    </>
  );
}
