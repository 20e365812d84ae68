import { performance, type EventLoopUtilization } from "node:perf_hooks";
import type { Calpage } from "../src/app/create-calpage.js";
import type { Store, Tx } from "../src/store/store.js";

/**
 * Timing probes around a running calpage, installed from the outside (src/ is not changed):
 * `store.transaction` and `ingest.ingest` are looked up on these objects at call time by the
 * HTTP routes and job handlers, so wrapping the properties sees every call.
 *
 * - ingest call: from the route calling `ingest.ingest` to the commit (includes waiting for the
 *   SQLite writer / a Postgres pool connection);
 * - transaction body: time inside a transaction's callback, split into the webhook's own
 *   transaction and everything else (job runner, handlers).
 */
export function instrumentCalpage(calpage: Calpage) {
  const store = calpage.store;
  const ingest = calpage.ingest;
  const original = { transaction: store.transaction.bind(store), ingest: ingest.ingest.bind(ingest) };
  let insideIngestCall = false;
  let ingestCalls: number[] = [];
  let ingestTx: number[] = [];
  let otherTxMs = 0;
  let otherTxCount = 0;
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  let startedAt = performance.now();

  (store as { transaction: Store["transaction"] }).transaction = <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const forIngest = insideIngestCall;
    return original.transaction<T>(async (tx) => {
      const t0 = performance.now();
      try {
        return await fn(tx);
      } finally {
        const ms = performance.now() - t0;
        if (forIngest) ingestTx.push(ms);
        else {
          otherTxMs += ms;
          otherTxCount += 1;
        }
      }
    });
  };
  ingest.ingest = async (...args: Parameters<typeof ingest.ingest>) => {
    const t0 = performance.now();
    insideIngestCall = true;
    let pending: ReturnType<typeof ingest.ingest>;
    try {
      // ingest() calls store.transaction synchronously, so the flag tags exactly its transaction.
      pending = original.ingest(...args);
    } finally {
      insideIngestCall = false;
    }
    try {
      return await pending;
    } finally {
      ingestCalls.push(performance.now() - t0);
    }
  };

  return {
    /** Starts a new measurement window. */
    reset(): void {
      ingestCalls = [];
      ingestTx = [];
      otherTxMs = 0;
      otherTxCount = 0;
      elu = performance.eventLoopUtilization();
      startedAt = performance.now();
    },
    /** What was seen since the last reset. */
    snapshot() {
      const wallMs = performance.now() - startedAt;
      const ingestTxMs = ingestTx.reduce((a, b) => a + b, 0);
      return {
        wallMs,
        ingestCallMs: [...ingestCalls],
        ingestTxMs: [...ingestTx],
        ingestTxTotalMs: ingestTxMs,
        otherTxTotalMs: otherTxMs,
        otherTxCount,
        /** Share of the process's time its event loop was busy (this process also runs the load generator and the fake Slack). */
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
      };
    },
  };
}

/**
 * Optional CPU profile of this thread over a measured window: set `BENCH_CPU_PROFILE_DIR` and a
 * `.cpuprofile` per window is written there (open it in Chrome DevTools or speedscope).
 */
export async function startCpuProfile(name: string): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return async () => undefined;
  const { Session } = await import("node:inspector/promises");
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name}-${Date.now()}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    process.stderr.write(`[bench] CPU profile written to ${file}\n`);
  };
}
