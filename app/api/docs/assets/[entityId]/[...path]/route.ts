import { z } from "zod";
import { getDocsAsset } from "@/lib/docs/queries";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const assetParamsSchema = z.object({
  entityId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  path: z
    .array(z.string().min(1).max(255).refine((segment) => segment !== "." && segment !== ".." && !/[\u0000-\u001f\\/]/.test(segment)))
    .min(1)
    .max(32),
});

// Images of built docs, from Postgres. Repository authors control these bytes (SVG can
// carry script), so the response can never run anything: a fixed type, no sniffing, and
// a sandboxing CSP for anyone who opens the URL directly.
export const GET = defineRoute({
  name: "docs.asset",
  auth: "session",
  async handle({ params }) {
    // A path that cannot name a file is answered like a missing file, not with a 400.
    const parsed = assetParamsSchema.safeParse(params);
    const asset = parsed.success ? await getDocsAsset(parsed.data.entityId, parsed.data.path.join("/")) : null;
    if (!asset) throw new AppError("NOT_FOUND", "No such file");
    return new Response(Buffer.from(asset.bytes), {
      headers: {
        "content-type": asset.contentType,
        "content-length": String(asset.bytes.length),
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "cache-control": "private, max-age=300",
      },
    });
  },
});
