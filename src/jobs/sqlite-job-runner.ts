import { sql } from "drizzle-orm";
import { num } from "../store/db.js";
import type { Store } from "../store/store.js";
import { newId } from "../shared/ids.js";
import type { JobRunner, TaskHandlers, TaskName } from "./job-queue.js";
import { retryDelayMs } from "./retry-delay.js";

interface ClaimedJob {
  id: number;
  task: TaskName;
  payload: string;
  attempts: number;
  maxAttempts: number;
  queue: string | null;
}

export interface SqliteJobRunnerOptions {
  concurrency?: number;
  /** Longest sleep between polls when nothing is due (ms). */
  idlePollMs?: number;
  now?: () => number;
  onError?: (task: string, error: unknown) => void;
}

/**
 * Runs jobs from the SQLite `jobs` table in this process. It sleeps until the
 * earliest due job (woken at once by `wake` after a commit), so a timer fires
 * within milliseconds of its time. Jobs of one queue never run concurrently.
 * A calpage process owns its SQLite file, so locks left by a killed process are
 * released at start.
 */
export function createSqliteJobRunner(store: Store, opts: SqliteJobRunnerOptions = {}): JobRunner {
  const concurrency = opts.concurrency ?? 8;
  const idlePollMs = opts.idlePollMs ?? 1000;
  const now = opts.now ?? Date.now;
  const me = `sqlite-${process.pid}-${newId(4)}`;
  let handlers: TaskHandlers | null = null;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = Infinity;
  let polling = false;
  let pollAgain = false;
  let stopped = true;
  const running = new Set<Promise<void>>();
  const busyQueues = new Set<string>();

  function schedule(at: number) {
    if (stopped) return;
    const when = Math.min(at, now() + idlePollMs);
    if (timer && when >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = when;
    timer = setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      void poll();
    }, Math.max(0, when - now()));
  }

  async function claim(limit: number): Promise<ClaimedJob[]> {
    return store.transaction(async (tx) => {
      const t = now();
      const rows = await tx.db.all<Record<string, unknown>>(
        sql`select id, task, payload, attempts, max_attempts, queue from jobs
            where locked_at is null and run_at <= ${t} and attempts < max_attempts
            order by run_at, id limit ${limit * 4}`,
      );
      const picked: ClaimedJob[] = [];
      const queues = new Set(busyQueues);
      for (const r of rows) {
        if (picked.length >= limit) break;
        const queue = (r.queue as string | null) ?? null;
        if (queue && queues.has(queue)) continue;
        if (queue) queues.add(queue);
        picked.push({
          id: num(r.id),
          task: r.task as TaskName,
          payload: String(r.payload),
          attempts: num(r.attempts) + 1,
          maxAttempts: num(r.max_attempts),
          queue,
        });
      }
      for (const j of picked) {
        await tx.db.run(sql`update jobs set locked_at = ${t}, locked_by = ${me}, attempts = ${j.attempts} where id = ${j.id}`);
      }
      return picked;
    });
  }

  async function nextDue(): Promise<number | null> {
    const r = await store.transaction((tx) =>
      tx.db.all<{ at: unknown }>(sql`select min(run_at) as at from jobs where locked_at is null and attempts < max_attempts`),
    );
    const at = r[0]?.at;
    return at === null || at === undefined ? null : num(at);
  }

  async function runJob(job: ClaimedJob): Promise<void> {
    const handler = handlers?.[job.task];
    try {
      if (!handler) throw new Error(`no handler for task ${job.task}`);
      await handler(JSON.parse(job.payload) as Record<string, unknown>, { attempt: job.attempts, maxAttempts: job.maxAttempts });
      await store.transaction((tx) => tx.db.run(sql`delete from jobs where id = ${job.id}`));
    } catch (error) {
      opts.onError?.(job.task, error);
      const message = error instanceof Error ? error.message : String(error);
      const runAt = now() + retryDelayMs(job.attempts);
      await store.transaction((tx) =>
        tx.db.run(sql`update jobs set locked_at = null, locked_by = null, run_at = ${runAt}, last_error = ${message} where id = ${job.id}`),
      );
    }
  }

  async function poll(): Promise<void> {
    if (stopped || !handlers) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    try {
      for (let round = 0; round < 100 && !stopped; round++) {
        pollAgain = false;
        const free = concurrency - running.size;
        if (free <= 0) break;
        const jobs = await claim(free);
        for (const job of jobs) {
          if (job.queue) busyQueues.add(job.queue);
          const p = runJob(job).finally(() => {
            running.delete(p);
            if (job.queue) busyQueues.delete(job.queue);
            void poll();
          });
          running.add(p);
        }
        if (jobs.length === 0 && !pollAgain) break;
      }
      const due = await nextDue();
      schedule(due ?? now() + idlePollMs);
    } catch (error) {
      opts.onError?.("poll", error);
      schedule(now() + idlePollMs);
    } finally {
      polling = false;
    }
  }

  return {
    async start(h: TaskHandlers) {
      handlers = h;
      stopped = false;
      await store.transaction((tx) => tx.db.run(sql`update jobs set locked_at = null, locked_by = null where locked_at is not null`));
      void poll();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.allSettled([...running]);
    },
    wake(runAts: Date[]) {
      const earliest = Math.min(...runAts.map((d) => d.getTime()));
      if (earliest <= now()) void poll();
      else schedule(earliest);
    },
  };
}
