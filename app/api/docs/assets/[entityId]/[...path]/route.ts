import { z } from "zod";
import { getCurrentUser } from "@/lib/auth/session";
import { getDocsAsset } from "@/lib/docs/queries";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({
  entityId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  path: z
    .array(z.string().min(1).max(255).refine((segment) => segment !== "." && segment !== ".." && !/[\u0000-\u001f\\/]/.test(segment)))
    .min(1)
    .max(32),
});

const notFound = () => Response.json({ error: "No such file" }, { status: 404 });

// Images of built docs, from Postgres. Repository authors control these bytes (SVG can
// carry script), so the response can never run anything: a fixed type, no sniffing, and
// a sandboxing CSP for anyone who opens the URL directly.
export async function GET(_request: Request, { params }: { params: Promise<{ entityId: string; path: string[] }> }) {
  if (!(await getCurrentUser())) return Response.json({ error: "Sign in required" }, { status: 401 });
  const parsed = paramsSchema.safeParse(await params);
  if (!parsed.success) return notFound();
  const asset = await getDocsAsset(parsed.data.entityId, parsed.data.path.join("/"));
  if (!asset) return notFound();
  return new Response(Buffer.from(asset.bytes), {
    headers: {
      "content-type": asset.contentType,
      "content-length": String(asset.bytes.length),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "cache-control": "private, max-age=300",
    },
  });
}
