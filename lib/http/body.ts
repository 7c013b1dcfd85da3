/**
 * Reading request bodies with a size limit. A body over the limit is refused from its
 * Content-Length before a byte is read, and otherwise as soon as the bytes read pass the
 * limit, so a client that lies about (or omits) the length still costs at most `limit`.
 */

/** The body as text, or null when it is (or says it is) larger than `limit` bytes. */
export async function readBodyLimited(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    return null;
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
