import { Worker } from "node:worker_threads";

/** What a bench worker thread answers to request `id`. `measuring` asks the caller to get ready, then `{ go: id }`. */
export type WorkerReply =
  | { id: number; type?: "reply"; ok: true; value: unknown }
  | { id: number; type?: "reply"; ok: false; message: string }
  | { id: number; type: "measuring" };

/**
 * The main-thread side of a bench worker thread: starts `moduleUrl` (a bench file) in a worker
 * with `workerData.kind = kind`, and sends it `{ id, cmd, … }` requests, each answered once
 * (or failed after `timeoutMs`, or when the worker exits). `close()` asks it to close, then
 * terminates it. The fake Slack and the load generators live there, as other machines would.
 */
export function startWorkerRpc<Command extends { cmd: string }>(name: string, moduleUrl: string, kind: string, timeoutMs: number) {
  // Workers do not inherit tsx's loader hooks on Node 20: register them before importing the file.
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { kind } });
  worker.unref();
  let nextId = 1;
  let exited = false;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; onMeasuring?: () => void | Promise<void>; timer: NodeJS.Timeout }>();
  const failAll = (error: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      pending.delete(id);
      p.reject(error);
    }
  };
  worker.on("message", (m: WorkerReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === "measuring") {
      Promise.resolve(p.onMeasuring?.()).then(
        () => worker.postMessage({ go: m.id }),
        (e: unknown) => worker.postMessage({ go: m.id, error: String(e) }),
      );
      return;
    }
    clearTimeout(p.timer);
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${name}: ${m.message}`));
  });
  worker.on("error", (e) => failAll(e));
  worker.on("exit", (code) => {
    exited = true;
    failAll(new Error(`${name} exited (${code})`));
  });

  const request = <T>(command: Command, onMeasuring?: () => void | Promise<void>): Promise<T> => {
    if (exited) return Promise.reject(new Error(`${name} has exited`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name}: ${command.cmd} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onMeasuring, timer });
      worker.postMessage({ id, ...command });
    });
  };

  let closed = false;
  return {
    request,
    async close(closeCommand: Command) {
      if (closed) return;
      closed = true;
      if (!exited) await request<void>(closeCommand).catch(() => undefined);
      await worker.terminate();
    },
  };
}
