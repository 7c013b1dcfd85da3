import { beforeAll, describe, expect, it } from "vitest";
import { MAX_WEBHOOK_BYTES } from "@/lib/webhooks/github";
import { POST } from "@/app/api/webhooks/github/route";

const FIFTY_MB = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** A body of `size` bytes produced only as it is read, counting what was read. */
function lazyBody(size: number) {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= size) return controller.close();
      counter.pulled += CHUNK;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

function deliver(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://localhost:3000/api/webhooks/github", {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "d-1", "x-hub-signature-256": `sha256=${"0".repeat(64)}`, ...headers },
      body,
      duplex: "half",
    } as RequestInit),
  );
}

beforeAll(() => {
  process.env.GITHUB_WEBHOOK_SECRET = "webhook-body-limit-secret";
});

describe("POST /api/webhooks/github body limit", () => {
  it("refuses a 50 MB body that says its length with 413 within a second, reading none of it", async () => {
    const { stream, counter } = lazyBody(FIFTY_MB);
    const started = performance.now();
    const response = await deliver(stream, { "content-length": String(FIFTY_MB) });
    expect(response.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await response.json()).toEqual({ error: expect.stringContaining(String(MAX_WEBHOOK_BYTES)) });
    // Only what the stream buffered ahead (its high-water mark) was ever produced.
    expect(counter.pulled).toBeLessThanOrEqual(2 * CHUNK);
  });

  it("refuses a 50 MB body sent without a length after reading at most 1 MiB of it", async () => {
    const { stream, counter } = lazyBody(FIFTY_MB);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const response = await deliver(stream);
    expect(response.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_WEBHOOK_BYTES + 2 * CHUNK);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(16 * 1024 * 1024);
  });

  it("still answers 401 for a small body with a wrong signature", async () => {
    const { stream } = lazyBody(1024);
    expect((await deliver(stream)).status).toBe(401);
  });
});
