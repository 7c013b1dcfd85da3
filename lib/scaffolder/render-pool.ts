import "server-only";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import type { RenderedFile, RenderJob, RenderReply, RenderRequest, SkeletonFile, TemplateShape } from "@/lib/scaffolder/rendering";
import { TemplateError, workBudgetMessage, type TemplateContext } from "@/lib/scaffolder/templating";

/**
 * Template rendering off the request thread. Up to two long-lived worker threads per
 * process render jobs one at a time each; a run's renders share one work budget and
 * one time allowance (RenderSession). A job that outlives the allowance has its
 * thread terminated, and the next job gets a fresh thread.
 *
 * The thread runs lib/scaffolder/render-thread.ts from the source tree with tsx,
 * wherever this module runs: vitest, tsx scripts, or the Next server. The bundler
 * never sees the thread's code: its entry is a path built at run time, its bootstrap
 * a string, and the Worker class is fetched with process.getBuiltinModule, so
 * Turbopack's `new Worker(...)` analysis (which bundles worker entries it can
 * resolve, and in some versions misreads `eval: true` code as a path) leaves it alone.
 */

const MAX_THREADS = 2;
/** A thread that builds a value bigger than this is stopped, not the process. */
const THREAD_HEAP_MB = 512;
const THREAD_ENTRY = path.join(process.cwd(), "lib", "scaffolder", "render-thread.ts");
const { Worker: ThreadWorker } = process.getBuiltinModule("node:worker_threads");

// tsx is registered inside the thread before the entry is imported. Passing
// `execArgv: ["--import", "tsx"]` does not work on Node 20: loaders given to a worker
// do not apply to its entry (ERR_UNKNOWN_FILE_EXTENSION, nodejs/node#47747). tsx reads
// tsconfig.json from the working directory, which gives the thread the `@/` alias.
function bootstrap(entry: string): string {
  return `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); });`;
}

type Outcome = { reply: RenderReply; elapsedMs: number };
type Waiting = { job: RenderJob; timeLimitMs: number; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void };
type Thread = { worker: Worker; ready: boolean; current?: { id: number; waiting: Waiting; started: number; timer: NodeJS.Timeout } };
type Pool = { threads: Thread[]; queue: Waiting[]; nextId: number };

// One pool per process, even when `next dev` loads this module more than once.
const globalPool = globalThis as unknown as { paveRenderPool?: Pool };
const pool: Pool = (globalPool.paveRenderPool ??= { threads: [], queue: [], nextId: 1 });

/** A job ran past its time; its thread has been terminated. */
class RenderTimeout extends Error {}

function runJob(job: RenderJob, timeLimitMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    pool.queue.push({ job, timeLimitMs, resolve, reject });
    pump();
  });
}

function pump(): void {
  while (pool.queue.length > 0) {
    const idle = pool.threads.find((thread) => thread.ready && !thread.current);
    if (idle) {
      dispatch(idle, pool.queue.shift()!);
      continue;
    }
    if (pool.threads.length < MAX_THREADS && pool.threads.every((thread) => thread.ready)) startThread();
    break;
  }
  // An idle thread must not keep a script or a test process alive.
  for (const thread of pool.threads) if (thread.ready && !thread.current) thread.worker.unref();
}

function dispatch(thread: Thread, waiting: Waiting): void {
  const id = pool.nextId++;
  thread.worker.ref();
  const timer = setTimeout(() => {
    if (thread.current?.id !== id) return;
    thread.current = undefined;
    retire(thread);
    void thread.worker.terminate();
    waiting.reject(new RenderTimeout());
    pump();
  }, Math.max(1, waiting.timeLimitMs));
  thread.current = { id, waiting, started: performance.now(), timer };
  try {
    thread.worker.postMessage({ id, job: waiting.job });
  } catch (error) {
    // The job holds something the structured clone cannot copy (never plain data).
    clearTimeout(timer);
    thread.current = undefined;
    waiting.reject(error);
    pump();
  }
}

function retire(thread: Thread): boolean {
  const index = pool.threads.indexOf(thread);
  if (index === -1) return false;
  pool.threads.splice(index, 1);
  return true;
}

function startThread(): void {
  const worker: Worker = new ThreadWorker(bootstrap(THREAD_ENTRY), { eval: true, resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
  const thread: Thread = { worker, ready: false };
  pool.threads.push(thread);
  worker.on("message", (message: { ready?: true; id?: number; reply?: RenderReply }) => {
    if (message.ready) {
      thread.ready = true;
      pump();
      return;
    }
    const current = thread.current;
    if (!current || current.id !== message.id) return;
    clearTimeout(current.timer);
    thread.current = undefined;
    current.waiting.resolve({ reply: message.reply!, elapsedMs: performance.now() - current.started });
    pump();
  });
  worker.on("error", (error) => end(thread, error));
  worker.on("exit", (code) => end(thread, new Error(`the template thread stopped with exit code ${code}`)));
}

/** A thread ended on its own: fail its job, and start another for the next one. */
function end(thread: Thread, error: unknown): void {
  if (!retire(thread)) return;
  const current = thread.current;
  thread.current = undefined;
  if (current) {
    clearTimeout(current.timer);
    const outOfMemory = (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
    current.waiting.reject(outOfMemory ? new TemplateError("rendering the template needed more memory than a run may use") : error);
  } else if (!thread.ready) {
    // It never started (tsx or the entry missing?): jobs waiting for it would wait for ever.
    log.error({ err: error, entry: THREAD_ENTRY }, "the template rendering thread could not start");
    for (const waiting of pool.queue.splice(0)) waiting.reject(error);
    return;
  }
  pump();
}

/** A run's limits: its total work budget, and the rendering time it may use in all. */
export type RenderLimits = { workBudget: number; timeLimitMs: number };

/** A run's or dry run's rendering: every call goes to a template thread and draws on the same limits. */
export type RenderSession = {
  evaluateValue(value: unknown, context: TemplateContext, path: string): Promise<unknown>;
  evaluateCondition(value: unknown, context: TemplateContext, path: string): Promise<boolean>;
  /** Renders the names and contents of one skeleton's files in one job. */
  renderFiles(files: SkeletonFile[], context: TemplateContext): Promise<RenderedFile[]>;
  /** A message for each place the template transforms a secret; none when it uses secrets only bare. */
  findSecretProblems(template: TemplateShape): Promise<string[]>;
};

/**
 * Starts the rendering of one run, with the limits of PAVE_TEMPLATE_WORK_BUDGET and
 * PAVE_TEMPLATE_TIME_LIMIT_MS unless given. Rendering errors, running out of budget and
 * running out of time reject with a TemplateError; a broken thread with an Error.
 */
export function startRenderSession(limits: Partial<RenderLimits> = {}): RenderSession {
  const workBudget = limits.workBudget ?? getEnv().PAVE_TEMPLATE_WORK_BUDGET;
  const timeLimitMs = limits.timeLimitMs ?? getEnv().PAVE_TEMPLATE_TIME_LIMIT_MS;
  let used = 0;
  let elapsedMs = 0;
  const outOfTime = () =>
    new TemplateError(`template rendering took longer than its time limit of ${timeLimitMs.toLocaleString("en-US")} ms and was stopped`);

  async function render(request: RenderRequest): Promise<unknown> {
    if (used > workBudget) throw new TemplateError(workBudgetMessage(workBudget));
    if (elapsedMs >= timeLimitMs) throw outOfTime();
    let outcome: Outcome;
    try {
      outcome = await runJob({ request, work: { limit: workBudget, used } }, timeLimitMs - elapsedMs);
    } catch (error) {
      if (!(error instanceof RenderTimeout)) throw error;
      elapsedMs = timeLimitMs;
      throw outOfTime();
    }
    const { reply } = outcome;
    used = reply.used;
    elapsedMs += outcome.elapsedMs;
    if (reply.ok) return reply.result;
    if ("crash" in reply) throw new Error(`template rendering failed: ${reply.crash}`);
    throw new TemplateError(reply.error.reason, reply.error);
  }

  return {
    evaluateValue: (value, context, path) => render({ kind: "value", value, context, path }),
    evaluateCondition: async (value, context, path) => {
      if (typeof value === "boolean") return value;
      return (await render({ kind: "condition", value, context, path })) as boolean;
    },
    renderFiles: async (files, context) => (await render({ kind: "files", files, context })) as RenderedFile[],
    findSecretProblems: async (template) => (await render({ kind: "secrets", template })) as string[],
  };
}
