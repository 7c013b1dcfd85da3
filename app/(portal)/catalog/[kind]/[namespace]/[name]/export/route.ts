import { z } from "zod";
import { descriptorOf, getEntityDetail } from "@/lib/catalog/queries";
import { entityRefKey } from "@/lib/catalog/refs";
import { toCatalogYaml } from "@/lib/catalog/export";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";

const entityParamsSchema = z.object({ kind: z.string(), namespace: z.string(), name: z.string() }).transform((ref, ctx) => {
  try {
    return entityRefKey(ref);
  } catch {
    ctx.addIssue({ code: "custom", message: "Not an entity reference" });
    return z.NEVER;
  }
});

// Downloads the entity as a Backstage catalog-info.yaml.
export const GET = defineRoute({
  name: "catalog.export-entity",
  auth: "session",
  params: entityParamsSchema,
  async handle({ params: key }) {
    const entity = await getEntityDetail(key, { relations: false });
    if (!entity) throw new AppError("NOT_FOUND", "No such entity");
    return new Response(toCatalogYaml([descriptorOf(entity)]), {
      headers: {
        "content-type": "application/yaml; charset=utf-8",
        "content-disposition": `attachment; filename="catalog-info.yaml"`,
        "cache-control": "no-store",
      },
    });
  },
});
