// A template thread: renders the jobs lib/scaffolder/render-pool.ts sends it, one at a
// time, so that a slow template holds this thread and never the one answering requests.
// render-pool.ts starts it from this TypeScript file with tsx; it must import nothing
// server-only.
import { parentPort } from "node:worker_threads";
import { performRender, type RenderJob } from "@/lib/scaffolder/rendering";

const port = parentPort;
if (!port) throw new Error("lib/scaffolder/render-thread.ts runs only as a worker thread");

port.on("message", ({ id, job }: { id: number; job: RenderJob }) => {
  const reply = performRender(job);
  try {
    port.postMessage({ id, reply });
  } catch (error) {
    // Results are plain data; this guards against a value the structured clone cannot copy.
    const reason = error instanceof Error ? error.message : String(error);
    port.postMessage({ id, reply: { ok: false, crash: `the result could not be sent back: ${reason}`, used: reply.used } });
  }
});
port.postMessage({ ready: true });
