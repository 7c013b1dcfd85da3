import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { ComponentForm } from "../_components/component-form";
import { loadComponentFormOptions } from "../_components/component-form-options";

export const metadata: Metadata = { title: "New component" };

export default async function NewComponentPage() {
  const user = await requireUser();
  const options = await loadComponentFormOptions(user);
  return (
    <>
      <PageHeader title="New component" description="Register a component by hand. It is stored in Backstage's format and can be exported as catalog-info.yaml." />
      {options.owners.length === 0 ? (
        <p className="text-sm text-muted-foreground">You are not in any team that the catalog knows, so you cannot own a component yet. Ask a platform engineer to register your team.</p>
      ) : (
        <ComponentForm initial={{}} {...options} />
      )}
    </>
  );
}
