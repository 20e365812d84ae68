import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ComputeRequest, ComputeResult, ScheduleComputer } from "./compute-schedule.js";

/** Computes final schedules somewhere: in a worker thread (the server) or inline. */
export interface ScheduleCompute {
  compute(req: ComputeRequest): Promise<ComputeResult>;
  close(): Promise<void>;
}

export interface WorkerComputeOptions {
  /** A computation taking longer is abandoned (the worker is restarted) and fails. Default 30 s. */
  timeoutMs?: number;
  /** Heap cap of the worker, so a hostile feed cannot exhaust the process's memory. Default 1024 MB. */
  maxHeapMb?: number;
  log?: (line: string) => void;
}

/**
 * Computes on the calling thread (CLI commands, tests of the pure core). The parser is loaded on
 * the first computation: `calpage who` answered from a stored table never loads it.
 */
export function createInlineCompute(): ScheduleCompute {
  let compute: ScheduleComputer | null = null;
  return {
    compute: async (req) => (compute ??= (await import("./compute-schedule.js")).createScheduleComputer())(req),
    close: async () => undefined,
  };
}

/** URL of tsx's ESM API (`register`), which the worker needs to import TypeScript sources. */
function tsxEsmApi(): string {
  try {
    if (typeof import.meta.resolve === "function") return import.meta.resolve("tsx/esm/api");
  } catch {
    // some runners (vitest) do not provide import.meta.resolve
  }
  return pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "esm", "api", "index.mjs")).href;
}

interface Pending {
  id: number;
  req: ComputeRequest;
  resolve: (r: ComputeResult) => void;
  reject: (e: Error) => void;
}

/**
 * Parsing and expanding a year of a busy calendar takes hundreds of milliseconds of CPU; done on
 * the main thread it would hold up webhooks and Slack acks. This runs it in one worker thread,
 * one request at a time, with a timeout: a computation that overruns is abandoned by terminating
 * the worker (the next request starts a fresh one). When no worker can be started at all (an
 * unusual runtime), it says so once and computes inline.
 */
export function createWorkerCompute(opts: WorkerComputeOptions = {}): ScheduleCompute {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const log = opts.log ?? (() => undefined);
  const queue: Pending[] = [];
  let worker: Worker | null = null;
  let ready = false;
  let current: (Pending & { timer: NodeJS.Timeout }) | null = null;
  let inline: ScheduleComputer | null = null;
  /** Loading the parser for the main thread after the worker could not start; requests wait in the queue. */
  let loadingInline = false;
  let nextId = 1;
  let closed = false;

  function spawn(): Worker {
    const isTs = import.meta.url.endsWith(".ts");
    const entry = new URL(isTs ? "./schedule-worker.ts" : "./schedule-worker.js", import.meta.url).href;
    let w: Worker;
    if (isTs) {
      // Running from source (tsx, vitest): workers do not inherit the TypeScript loader on Node 20.
      const api = tsxEsmApi();
      const boot = `import(${JSON.stringify(api)}).then((m) => { (m.register ?? m.default.register)(); return import(${JSON.stringify(entry)}); })`;
      w = new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 1024 } });
    } else {
      w = new Worker(new URL(entry), { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 1024 } });
    }
    w.unref();
    ready = false;
    w.on("message", (msg: { ready?: boolean; id?: number; ok?: boolean; result?: ComputeResult; message?: string }) => {
      if (msg.ready) {
        ready = true;
        pump();
        return;
      }
      if (!current || msg.id !== current.id) return;
      const done = current;
      current = null;
      clearTimeout(done.timer);
      if (msg.ok && msg.result) done.resolve(msg.result);
      else done.reject(new Error(msg.message ?? "schedule computation failed"));
      pump();
    });
    w.on("error", (error) => failWorker(w, error));
    w.on("exit", (code) => failWorker(w, new Error(`schedule worker exited with code ${code}`)));
    return w;
  }

  function failWorker(w: Worker, error: Error) {
    if (worker !== w) return;
    const neverReady = !ready;
    worker = null;
    ready = false;
    void w.terminate().catch(() => undefined);
    if (current) {
      const done = current;
      current = null;
      clearTimeout(done.timer);
      done.reject(new Error(`schedule computation failed: ${error.message}`));
    }
    if (neverReady && !closed) {
      log(`schedule worker could not start (${error.message}); computing schedules on the main thread`);
      loadingInline = true;
      void import("./compute-schedule.js")
        .then((m) => (inline = m.createScheduleComputer()))
        .catch((e: unknown) => {
          for (const p of queue.splice(0)) p.reject(e instanceof Error ? e : new Error(String(e)));
        })
        .finally(() => {
          loadingInline = false;
          pump();
        });
      return;
    }
    pump();
  }

  function pump() {
    if (closed || current || loadingInline) return;
    const next = queue.shift();
    if (!next) return;
    if (inline) {
      try {
        next.resolve(inline(next.req));
      } catch (error) {
        next.reject(error instanceof Error ? error : new Error(String(error)));
      }
      pump();
      return;
    }
    if (!worker) worker = spawn();
    if (!ready) {
      queue.unshift(next);
      return;
    }
    const w = worker;
    const timer = setTimeout(() => {
      if (!current || current.id !== next.id) return;
      log(`schedule ${next.req.schedule}: computing the schedule took longer than ${timeoutMs} ms; abandoned`);
      const done = current;
      current = null;
      worker = null;
      void w.terminate().catch(() => undefined);
      done.reject(new Error(`computing the schedule took longer than ${Math.round(timeoutMs / 1000)} s`));
      pump();
    }, timeoutMs);
    timer.unref();
    current = { ...next, timer };
    w.postMessage({ id: next.id, req: next.req });
  }

  return {
    compute(req) {
      if (closed) return Promise.reject(new Error("the schedule worker is closed"));
      return new Promise<ComputeResult>((resolve, reject) => {
        queue.push({ id: nextId++, req, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new Error("the schedule worker is closed"));
      if (current) {
        clearTimeout(current.timer);
        current.reject(new Error("the schedule worker is closed"));
        current = null;
      }
      const w = worker;
      worker = null;
      if (w) await w.terminate().catch(() => undefined);
    },
  };
}
