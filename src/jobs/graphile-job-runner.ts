import { sql } from "drizzle-orm";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type Task, type WorkerEvents, type WorkerPool } from "graphile-worker";
import pg from "pg";
import type { Store } from "../store/store.js";
import { LANE_CONCURRENCY, laneOf, usesNamedQueues } from "./job-lanes.js";
import type { AddedJob, JobRunner, TaskHandler, TaskHandlers, TaskName } from "./job-queue.js";

/** Timers due within this many milliseconds of each other share one wake-up notification. */
const NUDGE_BUCKET_MS = 5;

/**
 * Workers of the pools with named queues look again for jobs at these delays (ms) after a
 * queued job completes or falls due: a fetch can come back empty although the job is there
 * (see `recheck`), and would otherwise leave it for the next poll.
 */
const QUEUE_RECHECK_MS = [10, 60, 250];

/** The pools whose tasks use named queues, fetched one job at a time. */
type QueuedPool = "schedule" | "slack";
/** The three worker pools: see the comment on createGraphileJobRunner. */
type PoolName = "batch" | QueuedPool;

/** The pool that runs `task`'s jobs when they use named queues; null for batch-fetched tasks. */
const queuedPoolOf = (task: string): QueuedPool | null => (laneOf(task) === "slack" ? "slack" : usesNamedQueues(task) ? "schedule" : null);

/** Releases every job (and queue) locked by these worker pools, so any worker may take them. */
const forceUnlock = (ids: string[]) => sql`select graphile_worker.force_unlock_workers(${`{${ids.map((i) => `"${i}"`).join(",")}}`}::text[])`;

export interface GraphileJobRunnerOptions {
  concurrency?: number;
  /** How often workers look for jobs that became due (ms); local timers nudge them sooner. */
  pollInterval?: number;
  /** A worker whose heartbeat is older than this is dead and its locked jobs are released (ms). */
  deadAfterMs?: number;
  heartbeatMs?: number;
  onError?: (task: string, error: unknown) => void;
}

/**
 * Runs calpage's jobs with Graphile Worker. Two additions to stock behaviour:
 * - Timers: when a committed transaction schedules a job in the future, this
 *   process sends `NOTIFY "jobs:insert"` at that moment, so workers in every
 *   replica pick it up within milliseconds instead of at the next poll.
 * - Crashes: Graphile Worker leaves a killed worker's job locked for 4 hours.
 *   Each process records heartbeats for its workers; jobs locked for a while by
 *   a worker without a fresh heartbeat are unlocked (`force_unlock_workers`).
 * Three worker pools share one connection pool: pages, ladders and escalation
 * steps fetch due jobs in batches and complete them in batches (one round trip
 * for many jobs, which is what keeps 1,000 groups escalating at once on time);
 * tasks that use named queues are fetched one job at a time, because batch
 * fetching does not keep a queue serial; Slack work has its own pool (lanes).
 */
export function createGraphileJobRunner(store: Store, databaseUrl: string, opts: GraphileJobRunnerOptions = {}): JobRunner {
  const deadAfterMs = opts.deadAfterMs ?? 10_000;
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const process_ = `${process.pid}`;
  const workerIds = new Set<string>();
  const nudges = new Map<number, { timer: NodeJS.Timeout; count: number; recheck: Set<QueuedPool> }>();
  /** The running worker pools by name, with their concurrency; each queued pool's latest round of looks. */
  const workerPools = new Map<PoolName, { pool: WorkerPool; concurrency: number }>();
  const rechecks = new Map<QueuedPool, { startedAt: number; count: number }>();
  let runners: Runner[] = [];
  let pgPool: pg.Pool | null = null;
  /** Every worker pool this runner started (their ids lock jobs), and whether stop() is under way. */
  const startedPools: string[] = [];
  let stopping = false;
  let heartbeat: NodeJS.Timeout | null = null;

  async function beat(): Promise<void> {
    const t = Date.now();
    await store.transaction(async (tx) => {
      for (const id of workerIds) {
        await tx.db.write(sql`insert into worker_heartbeats (worker_id, process, heartbeat_at) values (${id}, ${process_}, ${t})
          on conflict (worker_id) do update set heartbeat_at = excluded.heartbeat_at`);
      }
      const dead = await tx.db.all<{ locked_by: string }>(sql`select distinct locked_by from graphile_worker.jobs j
        where locked_by is not null and locked_at < now() - make_interval(secs => ${deadAfterMs / 1000})
          and not exists (select 1 from worker_heartbeats h where h.worker_id = j.locked_by and h.heartbeat_at > ${t - deadAfterMs})`);
      if (dead.length > 0) {
        const ids = dead.map((d) => d.locked_by);
        await tx.db.run(forceUnlock(ids));
      }
      await tx.db.write(sql`delete from worker_heartbeats where heartbeat_at < ${t - 10 * deadAfterMs}`);
    });
  }

  /**
   * Asks a pool's idle workers to look for jobs again, shortly. Graphile Worker fetches a job
   * of a named queue only if it can lock the queue's row, skipping rows another fetch holds
   * locked — and every fetch, of any pool, locks every free queue row while it runs. So when a
   * notification wakes all pools at once, a fetch can come back empty although its job is
   * there, and the job would wait for the next poll (measured: ~0.5 s before a channel post).
   * Bounded: requests within a few milliseconds share one round of looks, each look waking
   * as many idle workers as there were requests (up to the pool's concurrency).
   */
  function recheck(name: QueuedPool) {
    const t = Date.now();
    const current = rechecks.get(name);
    if (current && current.startedAt > t - NUDGE_BUCKET_MS) {
      current.count += 1;
      return;
    }
    const round = { startedAt: t, count: 1 };
    rechecks.set(name, round);
    for (const delay of QUEUE_RECHECK_MS) {
      setTimeout(() => {
        const running = workerPools.get(name);
        if (stopping || !running || !running.pool._active || running.pool._shuttingDown) return;
        try {
          running.pool.nudge(Math.min(round.count, running.concurrency));
        } catch {
          // A worker released meanwhile: the pool is going away, nothing to look for.
        }
      }, delay).unref();
    }
  }

  /**
   * Wakes the workers (of every replica) when a future job falls due. Timers due within
   * the same few milliseconds share one notification, sent on the worker pool's own
   * connection (no transaction needed for a NOTIFY); a queued job's pool here looks again after it.
   */
  function nudgeAt(at: Date, pool: QueuedPool | null) {
    const due = Math.ceil(at.getTime() / NUDGE_BUCKET_MS) * NUDGE_BUCKET_MS;
    const delay = due - Date.now();
    if (delay > 3_600_000) return;
    if (delay <= 0) {
      // Due already (add_job's own notification covers it); a queued job's pool still looks again.
      if (pool) recheck(pool);
      return;
    }
    const planned = nudges.get(due);
    if (planned) {
      planned.count += 1;
      if (pool) planned.recheck.add(pool);
      return;
    }
    const timer = setTimeout(() => {
      const nudge = nudges.get(due);
      nudges.delete(due);
      void pgPool?.query("select pg_notify('jobs:insert', $1)", [JSON.stringify({ count: Math.min(nudge?.count ?? 1, 64) })]).catch(() => undefined);
      for (const name of nudge?.recheck ?? []) recheck(name);
    }, delay);
    timer.unref();
    nudges.set(due, { timer, count: 1, recheck: new Set(pool ? [pool] : []) });
  }

  return {
    async start(handlers: TaskHandlers) {
      const taskList: Record<string, Task> = {};
      const pick = (keep: (name: string) => boolean) => Object.fromEntries(Object.entries(taskList).filter(([name]) => keep(name)));
      for (const [name, handler] of Object.entries(handlers) as [TaskName, TaskHandler | undefined][]) {
        if (!handler) continue;
        taskList[name] = async (payload, helpers) => {
          try {
            await handler((payload ?? {}) as Record<string, unknown>, {
              attempt: helpers.job.attempts,
              maxAttempts: helpers.job.max_attempts,
            });
          } catch (error) {
            opts.onError?.(name, error);
            throw error;
          }
        };
      }
      /** Each pool's own events, listened to before run(): workers are created (and may lock jobs) while run() is starting. */
      const eventsFor = (name: PoolName, concurrency: number): WorkerEvents => {
        const events: WorkerEvents = new EventEmitter() as WorkerEvents;
        // Graphile Worker 0.17 locks jobs under the worker POOL's id (not each worker's), so that is what must beat.
        events.on("pool:create", ({ workerPool }) => {
          workerIds.add(workerPool.id);
          startedPools.push(workerPool.id);
          workerPools.set(name, { pool: workerPool, concurrency });
        });
        events.on("pool:release", ({ workerPool }) => {
          workerIds.delete(workerPool.id);
        });
        // A worker asks for its next job as soon as its last one returns, before the completion that
        // frees the job's named queue has reached the database; the queue's next job is then skipped
        // and would wait for the next poll (up to pollInterval). Ask again once the completion is in.
        if (name !== "batch") {
          events.on("job:complete", ({ job }) => {
            if (job.job_queue_id !== null) recheck(name);
          });
        }
        return events;
      };
      const pools: { name: PoolName; tasks: Record<string, Task>; concurrency: number }[] = [
        { name: "batch", tasks: pick((name) => queuedPoolOf(name) === null), concurrency: opts.concurrency ?? LANE_CONCURRENCY.main },
        { name: "schedule", tasks: pick((name) => queuedPoolOf(name) === "schedule"), concurrency: 2 },
        { name: "slack", tasks: pick((name) => queuedPoolOf(name) === "slack"), concurrency: LANE_CONCURRENCY.slack },
      ];
      pgPool = new pg.Pool({ connectionString: databaseUrl, max: 12 });
      // A connection that breaks while idle (or mid-LISTEN) must not crash the process: report it; the pool replaces it.
      pgPool.on("error", (e) => opts.onError?.("graphile-worker", e));
      pgPool.on("connect", (client) => client.on("error", (e) => opts.onError?.("graphile-worker", e)));
      for (const pool of pools) {
        if (Object.keys(pool.tasks).length === 0) continue;
        runners.push(
          await run({
            events: eventsFor(pool.name, pool.concurrency),
            pgPool,
            concurrency: pool.concurrency,
            pollInterval: opts.pollInterval ?? 500,
            noHandleSignals: true,
            taskList: pool.tasks,
            logger: new Logger(() => (level, message) => {
              // Shutdown complaints of the local queue are handled in stop() (its jobs are freed there).
              if (level === "error" && !(stopping && /local queue|deactivating queue|shutdown/i.test(message))) opts.onError?.("graphile-worker", new Error(message));
            }),
            ...(pool.name === "batch" ? { preset: { worker: { localQueue: { size: pool.concurrency * 4 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } } : {}),
          }),
        );
      }
      await beat().catch((e) => opts.onError?.("heartbeat", e));
      heartbeat = setInterval(() => void beat().catch((e) => opts.onError?.("heartbeat", e)), heartbeatMs);
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      for (const n of nudges.values()) clearTimeout(n.timer);
      nudges.clear();
      stopping = true;
      await Promise.all(runners.map((r) => r.stop().catch((e: unknown) => opts.onError?.("graphile-worker", e))));
      runners = [];
      // Graphile Worker 0.17's local queue can fail to hand back the jobs it fetched but did not
      // start ("Cannot background something when the queue is already released"); they would stay
      // locked until another process's dead-worker check frees them (~10 s). None of these pools
      // runs anything any more, so free whatever they still hold, now.
      const ids = startedPools.splice(0);
      if (ids.length > 0) {
        await store
          .transaction((tx) => tx.db.run(forceUnlock(ids)))
          .catch((e: unknown) => opts.onError?.("graphile-worker", e));
      }
      workerPools.clear();
      rechecks.clear();
      stopping = false;
      await pgPool?.end();
      pgPool = null;
    },
    wake(jobs: AddedJob[]) {
      const now = Date.now();
      for (const job of jobs) {
        const pool = queuedPoolOf(job.task);
        if (job.runAt.getTime() > now) nudgeAt(job.runAt, pool);
        else if (pool) recheck(pool);
      }
    },
  };
}
