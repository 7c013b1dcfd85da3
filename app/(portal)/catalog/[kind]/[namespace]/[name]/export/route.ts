import { getCurrentUser } from "@/lib/auth/session";
import { descriptorOf, getEntityDetail } from "@/lib/catalog/queries";
import { entityRefKey } from "@/lib/catalog/refs";
import { toCatalogYaml } from "@/lib/catalog/export";

// Downloads the entity as a Backstage catalog-info.yaml.
export async function GET(_request: Request, { params }: { params: Promise<{ kind: string; namespace: string; name: string }> }) {
  if (!(await getCurrentUser())) return Response.json({ error: "Sign in required" }, { status: 401 });
  const p = await params;
  let key: string;
  try {
    key = entityRefKey({ kind: p.kind, namespace: p.namespace, name: p.name });
  } catch {
    return Response.json({ error: "Not an entity reference" }, { status: 400 });
  }
  const entity = await getEntityDetail(key, { relations: false });
  if (!entity) return Response.json({ error: "No such entity" }, { status: 404 });
  const descriptor = descriptorOf(entity);
  return new Response(toCatalogYaml([descriptor]), {
    headers: {
      "content-type": "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="catalog-info.yaml"`,
      "cache-control": "no-store",
    },
  });
}
