import { sql } from "drizzle-orm";
import { num } from "../store/db.js";
import type { Store } from "../store/store.js";
import { newId } from "../shared/ids.js";
import type { AddedJob, JobRunner, TaskHandlers, TaskName } from "./job-queue.js";
import { LANE_CONCURRENCY, laneOf, type Lane } from "./job-lanes.js";
import { retryDelayMs } from "./retry-delay.js";
import { withNewLogContext } from "../shared/log-context.js";

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
 * within milliseconds of its time. Jobs of one queue never run concurrently, and
 * Slack jobs run in their own lane so they never hold back pages.
 * A calpage process owns its SQLite file, so locks left by a killed process are
 * released at start.
 */
export function createSqliteJobRunner(store: Store, opts: SqliteJobRunnerOptions = {}): JobRunner {
  const concurrency: Record<Lane, number> = opts.concurrency ? { main: opts.concurrency, slack: Math.max(1, Math.ceil(opts.concurrency / 2)) } : LANE_CONCURRENCY;
  const runningIn: Record<Lane, number> = { main: 0, slack: 0 };
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

  async function claim(free: Record<Lane, number>): Promise<ClaimedJob[]> {
    return store.transaction(async (tx) => {
      const t = now();
      const rows = await tx.db.all<Record<string, unknown>>(
        sql`select id, task, payload, attempts, max_attempts, queue from jobs
            where locked_at is null and run_at <= ${t} and attempts < max_attempts${claimable(free)}
            order by run_at, id limit ${(free.main + free.slack) * 4 + 16}`,
      );
      const picked: ClaimedJob[] = [];
      const queues = new Set(busyQueues);
      const room = { ...free };
      for (const r of rows) {
        const lane = laneOf(String(r.task));
        if (room[lane] <= 0) continue;
        const queue = (r.queue as string | null) ?? null;
        if (queue && queues.has(queue)) continue;
        if (queue) queues.add(queue);
        room[lane]--;
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

  /**
   * SQL filter for jobs this runner could start now: not in a busy queue, and in a
   * lane with room. Filtering in SQL (not after fetching) keeps a backlog of blocked
   * Slack jobs from hiding due escalation steps and pages.
   */
  function claimable(free: Record<Lane, number>) {
    const lane = free.slack <= 0 ? sql` and task not like 'slack.%'` : free.main <= 0 ? sql` and task like 'slack.%'` : sql``;
    const busy = [...busyQueues];
    const queues = busy.length > 0 ? sql` and (queue is null or queue not in (${sql.join(busy.map((q) => sql`${q}`), sql`, `)}))` : sql``;
    return sql`${lane}${queues}`;
  }

  async function nextDue(): Promise<number | null> {
    const free = { main: concurrency.main - runningIn.main, slack: concurrency.slack - runningIn.slack };
    if (free.main <= 0 && free.slack <= 0) return null;
    const r = await store.transaction((tx) =>
      tx.db.all<{ at: unknown }>(sql`select min(run_at) as at from jobs where locked_at is null and attempts < max_attempts${claimable(free)}`),
    );
    const at = r[0]?.at;
    return at === null || at === undefined ? null : num(at);
  }

  // Every line logged while a job runs (its failure too) says which task and job it is.
  const runJob = (job: ClaimedJob) => withNewLogContext({ task: job.task, jobId: String(job.id) }, () => runClaimedJob(job));

  async function runClaimedJob(job: ClaimedJob): Promise<void> {
    const handler = handlers?.[job.task];
    try {
      if (!handler) throw new Error(`no handler for task ${job.task}`);
      await handler(JSON.parse(job.payload) as Record<string, unknown>, { attempt: job.attempts, maxAttempts: job.maxAttempts });
      await store.transaction((tx) => tx.db.run(sql`delete from jobs where id = ${job.id}`));
    } catch (error) {
      opts.onError?.(job.task, error);
      const message = error instanceof Error ? error.message : String(error);
      const runAt = now() + retryDelayMs(job.attempts);
      const release = () => store.transaction((tx) => tx.db.run(sql`update jobs set locked_at = null, locked_by = null, run_at = ${runAt}, last_error = ${message} where id = ${job.id}`));
      // A disk that refuses writes (read-only, full) fails this too: try again every 5 s for 10 minutes
      // (a restart releases it anyway); the process goes on meanwhile.
      await release().catch((e: unknown) => {
        opts.onError?.(job.task, e);
        retryRelease(release, 120);
      });
    }
  }

  function retryRelease(release: () => Promise<unknown>, triesLeft: number) {
    if (triesLeft <= 0 || stopped) return;
    setTimeout(() => {
      release().then(
        () => void poll(),
        () => retryRelease(release, triesLeft - 1),
      );
    }, 5_000).unref();
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
        const free = { main: concurrency.main - runningIn.main, slack: concurrency.slack - runningIn.slack };
        if (free.main <= 0 && free.slack <= 0) break;
        const jobs = await claim(free);
        for (const job of jobs) {
          const lane = laneOf(job.task);
          runningIn[lane]++;
          if (job.queue) busyQueues.add(job.queue);
          const p = runJob(job).finally(() => {
            running.delete(p);
            runningIn[lane]--;
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
    async stop(graceMs = 10_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => (timeout = setTimeout(resolve, graceMs)))]);
      clearTimeout(timeout);
      // A job still running after the grace period is released, so the next start runs it again.
      if (running.size > 0) {
        await store
          .transaction((tx) => tx.db.run(sql`update jobs set locked_at = null, locked_by = null where locked_by = ${me}`))
          .catch((e: unknown) => opts.onError?.("stop", e));
      }
    },
    running: () => !stopped,
    wake(jobs: AddedJob[]) {
      const earliest = Math.min(...jobs.map((j) => j.runAt.getTime()));
      if (earliest <= now()) void poll();
      else schedule(earliest);
    },
  };
}
