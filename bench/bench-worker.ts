import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from "../tests/support/fake-slack.js";
import { createPoster, runLanes } from "./http-load.js";
import { startWorkerRpc, type WorkerReply } from "./worker-rpc.js";

/**
 * The measuring apparatus in its own thread: the fake Slack Web API and the HTTP load
 * generator. The main thread then runs calpage alone, as in production, where Slack and
 * Alertmanager are other machines: their CPU (parsing Slack calls, building requests) does not
 * queue behind calpage's event loop, nor calpage's behind theirs. All times are `Date.now()` /
 * wall clock, shared by both threads.
 */

/** What the benchmarks need of one recorded Slack call. */
export interface SlackCallRecord {
  method: string;
  /** `channel` argument as calpage sent it (`#name`, `C…`, or a user id for DMs). */
  channel: string | undefined;
  threadTs: string | undefined;
  /** `ts` Slack answered (calpage stores it on the group / page). */
  ts: string | undefined;
  /** Arrival time at the fake, epoch ms. */
  at: number;
  status: number;
}

/** What one load run saw. */
export interface LoadResult {
  /** First send to last answer. */
  seconds: number;
  /** Requests answered 2xx. */
  ok: number;
  /** Requests answered otherwise, or failed. */
  failed: number;
  /** Per-request latency as the sender saw it, by index in `bodies`. */
  requestMs: number[];
  /** When each request was answered, ms after the first send, by index in `bodies`. */
  answeredAtMs: number[];
  /** The first few failures, for the log. */
  failures: string[];
}

/** One request of a sequential run. */
export interface SequenceResult {
  sentAt: number;
  answeredAt: number;
  status: number;
  body: string;
}

interface LoadJob {
  url: string;
  concurrency: number;
  /** Sent first, untimed. */
  warmup: string[];
  bodies: string[];
}

interface SequenceJob {
  url: string;
  bodies: string[];
  /** Pause after each answer. */
  gapMs: number;
}

type Command =
  | { cmd: "startSlack"; users: FakeSlackOptions["users"] }
  | { cmd: "slackCalls" }
  | { cmd: "slackUnexpected" }
  | { cmd: "load"; job: LoadJob }
  | { cmd: "sequence"; job: SequenceJob }
  | { cmd: "close" };


const WORKER_KIND = "calpage-bench-worker";

/** The main thread's handle on a bench worker. */
export interface BenchWorker {
  /** Starts the fake Slack in the worker; resolves with its base URL for `SLACK_API_URL`. */
  startSlack(users: FakeSlackOptions["users"]): Promise<string>;
  /** Every call the fake Slack recorded so far. */
  slackCalls(): Promise<SlackCallRecord[]>;
  /** How many calls the fake did not understand (a healthy run has none). */
  slackUnexpected(): Promise<number>;
  /** POSTs `warmup` then `bodies` on `concurrency` keep-alive lanes; `beforeMeasuring` runs in between and the timed part waits for it. */
  load(job: LoadJob, beforeMeasuring: () => void | Promise<void>): Promise<LoadResult>;
  /** POSTs `bodies` one after another on one keep-alive connection, `gapMs` apart. */
  sequence(job: SequenceJob): Promise<SequenceResult[]>;
  /** Closes the fake Slack and ends the worker. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a bench worker. Every request to it fails after `timeoutMs`. */
export async function startBenchWorker(timeoutMs = 120_000): Promise<BenchWorker> {
  const { request, close } = startWorkerRpc<Command>("bench worker", import.meta.url, WORKER_KIND, timeoutMs);
  return {
    startSlack: (users) => request<string>({ cmd: "startSlack", users }),
    slackCalls: () => request<SlackCallRecord[]>({ cmd: "slackCalls" }),
    slackUnexpected: () => request<number>({ cmd: "slackUnexpected" }),
    load: (job, beforeMeasuring) => request<LoadResult>({ cmd: "load", job }, beforeMeasuring),
    sequence: (job) => request<SequenceResult[]>({ cmd: "sequence", job }),
    close: () => close({ cmd: "close" }),
  };
}

// ---------------------------------------------------------------------------------------------
// Worker side.

async function runLoad(job: LoadJob, go: () => Promise<void>): Promise<LoadResult> {
  const poster = createPoster(job.url, job.concurrency);
  try {
    await runLanes(job.warmup.length, job.concurrency, async (i) => {
      await poster.post(job.warmup[i] ?? "");
    });
    await go();
    const requestMs: number[] = new Array<number>(job.bodies.length).fill(0);
    const answeredAtMs: number[] = new Array<number>(job.bodies.length).fill(0);
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
      const end = performance.now();
      requestMs[i] = end - s;
      answeredAtMs[i] = end - t0;
    });
    return { seconds: (performance.now() - t0) / 1000, ok, failed, requestMs, answeredAtMs, failures };
  } finally {
    poster.close();
  }
}

async function runSequence(job: SequenceJob): Promise<SequenceResult[]> {
  const poster = createPoster(job.url, 1);
  const results: SequenceResult[] = [];
  try {
    for (const body of job.bodies) {
      const sentAt = Date.now();
      const r = await poster.post(body);
      results.push({ sentAt, answeredAt: Date.now(), status: r.status, body: r.body });
      await new Promise((resolve) => setTimeout(resolve, job.gapMs));
    }
    return results;
  } finally {
    poster.close();
  }
}

function serveMainThread(): void {
  const port = parentPort;
  if (!port) return;
  let slack: FakeSlack | null = null;
  const goWaiters = new Map<number, (error?: string) => void>();
  const reply = (m: WorkerReply) => port.postMessage(m);

  const handle = async (id: number, command: Command): Promise<unknown> => {
    switch (command.cmd) {
      case "startSlack":
        slack ??= await startFakeSlack({ users: command.users });
        return slack.url;
      case "slackCalls":
        return (slack?.calls ?? []).map(
          (c): SlackCallRecord => ({
            method: c.method,
            channel: typeof c.args.channel === "string" ? c.args.channel : undefined,
            threadTs: typeof c.args.thread_ts === "string" ? c.args.thread_ts : undefined,
            ts: typeof c.response.ts === "string" ? c.response.ts : undefined,
            at: c.at,
            status: c.status,
          }),
        );
      case "slackUnexpected":
        return slack?.unexpected.length ?? 0;
      case "load":
        return runLoad(
          command.job,
          () =>
            new Promise<void>((resolve, reject) => {
              goWaiters.set(id, (error) => (error ? reject(new Error(error)) : resolve()));
              reply({ type: "measuring", id });
            }),
        );
      case "sequence":
        return runSequence(command.job);
      case "close":
        await slack?.close();
        slack = null;
        return undefined;
    }
  };

  port.on("message", (m: ({ id: number } & Command) | { go: number; error?: string }) => {
    if ("go" in m) {
      const waiter = goWaiters.get(m.go);
      goWaiters.delete(m.go);
      waiter?.(m.error);
      return;
    }
    handle(m.id, m).then(
      (value) => reply({ type: "reply", id: m.id, ok: true, value }),
      (error: unknown) => reply({ type: "reply", id: m.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
    );
  });
}

if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === WORKER_KIND) serveMainThread();
