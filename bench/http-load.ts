import http from "node:http";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/**
 * The load generator: POSTs JSON bodies over keep-alive connections on N lanes. For throughput
 * runs it works in a worker thread, so the sender's CPU (HTTP client, ~half of a request's cost on
 * loopback) does not share the event loop with the server being measured — as with a real
 * Alertmanager, which is another process.
 */

/** Answer to one POST. */
export interface PostResult {
  status: number;
  body: string;
}

/** POSTs JSON bodies to one URL over a keep-alive agent with at most `maxSockets` connections. */
export function createPoster(url: string, maxSockets: number, timeoutMs = 30_000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(url);
  return {
    post(body: string): Promise<PostResult> {
      return new Promise<PostResult>((resolve, reject) => {
        const req = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: "POST",
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
            res.on("error", reject);
          },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
      });
    },
    close(): void {
      agent.destroy();
    },
  };
}

/** Runs `worker` on `concurrency` lanes over items 0..count-1, each item exactly once. */
export async function runLanes(count: number, concurrency: number, worker: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await worker(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** What one load run saw. */
export interface LoadResult {
  /** First send to last answer. */
  seconds: number;
  /** Requests answered 2xx. */
  ok: number;
  /** Requests answered otherwise, or failed. */
  failed: number;
  /** Per-request latency as the sender saw it. */
  requestMs: number[];
  /** The first few failures, for the log. */
  failures: string[];
}

interface LoadJob {
  kind: "calpage-bench-load";
  url: string;
  concurrency: number;
  warmup: string[];
  bodies: string[];
}

type LoadMessage = { type: "measuring" } | { type: "done"; result: LoadResult } | { type: "error"; message: string };

/** POSTs `bodies` (after `warmup`, untimed) on `concurrency` lanes in this thread; awaits `beforeMeasuring` in between. */
export async function runLoad(job: Omit<LoadJob, "kind">, beforeMeasuring: () => Promise<void> = async () => undefined): Promise<LoadResult> {
  const poster = createPoster(job.url, job.concurrency);
  try {
    await runLanes(job.warmup.length, job.concurrency, async (i) => {
      await poster.post(job.warmup[i] ?? "");
    });
    await beforeMeasuring();
    const requestMs: number[] = [];
    const failures: string[] = [];
    let ok = 0;
    let failed = 0;
    const t0 = performance.now();
    await runLanes(job.bodies.length, job.concurrency, async (i) => {
      const s = performance.now();
      try {
        const r = await poster.post(job.bodies[i] ?? "");
        if (r.status >= 200 && r.status < 300) ok += 1;
        else {
          failed += 1;
          if (failures.length < 3) failures.push(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
        }
      } catch (error) {
        failed += 1;
        if (failures.length < 3) failures.push(error instanceof Error ? error.message : String(error));
      }
      requestMs.push(performance.now() - s);
    });
    return { seconds: (performance.now() - t0) / 1000, ok, failed, requestMs, failures };
  } finally {
    poster.close();
  }
}

/**
 * {@link runLoad} in a worker thread. When the warm-up is over, `beforeMeasuring` runs (in this
 * thread) and the timed part starts once it has resolved. The worker is ended after `timeoutMs` at the latest.
 */
export function runLoadInWorker(job: Omit<LoadJob, "kind">, beforeMeasuring: () => void | Promise<void>, timeoutMs = 120_000): Promise<LoadResult> {
  // Workers do not inherit tsx's loader hooks on Node 20: register them before importing this file.
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const data: LoadJob = { kind: "calpage-bench-load", ...job };
  const worker = new Worker(boot, { eval: true, workerData: data });
  return new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`load worker did not finish within ${timeoutMs} ms`));
      void worker.terminate();
    }, timeoutMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    worker.on("message", (m: LoadMessage) => {
      if (m.type === "measuring") {
        Promise.resolve(beforeMeasuring()).then(
          () => worker.postMessage("go"),
          (e: unknown) => finish(() => reject(e instanceof Error ? e : new Error(String(e)))),
        );
      }
      else if (m.type === "done") finish(() => resolve(m.result));
      else finish(() => reject(new Error(`load worker: ${m.message}`)));
    });
    worker.on("error", (e) => finish(() => reject(e)));
    worker.on("exit", (code) => finish(() => reject(new Error(`load worker exited (${code}) without a result`))));
  });
}

if (!isMainThread && (workerData as LoadJob | undefined)?.kind === "calpage-bench-load") {
  const job = workerData as LoadJob;
  const send = (m: LoadMessage) => parentPort?.postMessage(m);
  const go = () =>
    new Promise<void>((resolve) => {
      parentPort?.once("message", () => resolve());
      send({ type: "measuring" });
    });
  runLoad(job, go).then(
    (result) => send({ type: "done", result }),
    (error: unknown) => send({ type: "error", message: error instanceof Error ? error.message : String(error) }),
  );
}
