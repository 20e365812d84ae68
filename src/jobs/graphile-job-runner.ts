import { sql } from "drizzle-orm";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type Task, type WorkerEvents, type WorkerPool } from "graphile-worker";
import pg from "pg";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "../store/database-unavailable.js";
import type { Store } from "../store/store.js";
import { errorText } from "../shared/error-text.js";
import { LANE_CONCURRENCY, laneOf, usesNamedQueues } from "./job-lanes.js";
import type { AddedJob, JobRunner, TaskHandler, TaskHandlers, TaskName } from "./job-queue.js";
import { withNewLogContext } from "../shared/log-context.js";

/** Timers due within this many milliseconds of each other share one wake-up notification. */
const NUDGE_BUCKET_MS = 5;

/**
 * Workers of the pools with named queues look again for jobs at these delays (ms) after a
 * queued job completes or falls due: a fetch can come back empty although the job is there
 * (see `recheck`), and would otherwise leave it for the next poll.
 */
const QUEUE_RECHECK_MS = [10, 60, 250];

/** While paused, how often the database is asked whether it is back (ms). */
const PAUSED_CHECK_MS = 500;
/** A heartbeat (the database check) that takes longer than this counts as failed (ms). */
const HEARTBEAT_BOUND_MS = 5_000;

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
  /** Jobs stopped because the database went away (or a pool died); onResume: they run again. */
  onPause?: () => void;
  onResume?: () => void;
}

/**
 * Runs calpage's jobs with Graphile Worker. Two additions to stock behaviour:
 * - Timers: when a committed transaction schedules a job in the future, this
 *   process sends `NOTIFY "jobs:insert"` at that moment, so workers in every
 *   replica pick it up within milliseconds instead of at the next poll.
 * - Crashes: Graphile Worker leaves a killed worker's job locked for 4 hours.
 *   Each process records heartbeats for its workers; jobs locked for a while by
 *   a worker without a fresh heartbeat are unlocked (`force_unlock_workers`).
 * - Outages: when the heartbeat finds the database gone (or a pool stops by itself,
 *   as Graphile Worker does when it cannot record a job's completion), the pools are
 *   stopped; every 500 ms the database is asked again, and once it answers the old
 *   pools' locks are released and new pools start. `running()` is false meanwhile.
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

  /** Builds the pools' task lists once; (re)starting pools after an outage uses them again. */
  let pools: { name: PoolName; tasks: Record<string, Task>; concurrency: number }[] = [];
  /** running: pools are up; paused: the database went away (or a pool died), pools are stopped until it answers. */
  let state: "stopped" | "running" | "paused" | "resuming" = "stopped";
  /** Pools stopped while the database was away, whose job locks are still to be released. */
  const orphanedPools: string[] = [];
  /** `state` as it is now (it changes while we await; TypeScript would keep an earlier narrowing). */
  const stateNow = () => state;
  let ticking = false;

  async function startPools(): Promise<void> {
    const pgPoolHere = new pg.Pool({ connectionString: databaseUrl, max: 12, connectionTimeoutMillis: 5_000 });
    pgPool = pgPoolHere;
    // A connection that breaks while idle (or mid-LISTEN) must not crash the process: report it; the pool replaces it.
    pgPoolHere.on("error", (e) => opts.onError?.("graphile-worker", e));
    pgPoolHere.on("connect", (client) => client.on("error", (e) => opts.onError?.("graphile-worker", e)));
    for (const pool of pools) {
      const started = await run({
        events: eventsFor(pool.name, pool.concurrency),
        pgPool: pgPoolHere,
        concurrency: pool.concurrency,
        pollInterval: opts.pollInterval ?? 500,
        noHandleSignals: true,
        taskList: pool.tasks,
        logger: new Logger(() => (level, message) => {
          // Shutdown complaints of the local queue are handled in stopPools() (its jobs are freed there).
          if (level === "error" && !(stopping && /local queue|deactivating queue|shutdown/i.test(message))) opts.onError?.("graphile-worker", new Error(message));
        }),
        ...(pool.name === "batch" ? { preset: { worker: { localQueue: { size: pool.concurrency * 4 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } } : {}),
      });
      runners.push(started);
      // A pool that gives up by itself (Graphile Worker stops a pool whose job completions failed,
      // e.g. while the database is away) would leave its jobs locked and nothing running: pause,
      // and start fresh pools when the database answers again.
      started.promise.then(
        () => poolEnded(started, null),
        (error: unknown) => poolEnded(started, error),
      );
    }
  }

  function poolEnded(ended: Runner, error: unknown) {
    if (!runners.includes(ended) || stopping || state !== "running") return;
    opts.onError?.("graphile-worker", new Error(`a worker pool stopped by itself (${error ? errorText(error) : "no reason given"}); restarting the pools`));
    void pause();
  }

  /** Stops every pool within `graceMs` (running jobs finish meanwhile) and releases what they locked, if the database lets us. */
  async function stopPools(graceMs: number): Promise<void> {
    stopping = true;
    const stops = Promise.all(runners.map((r) => r.stop().catch((e: unknown) => opts.onError?.("graphile-worker", e))));
    await Promise.race([stops, sleep(graceMs)]);
    runners = [];
    // Graphile Worker 0.17's local queue can fail to hand back the jobs it fetched but did not
    // start ("Cannot background something when the queue is already released"); they would stay
    // locked until another process's dead-worker check frees them (~10 s). None of these pools
    // runs anything any more, so free whatever they still hold, now (or once the database is back).
    orphanedPools.push(...startedPools.splice(0));
    await within(2_000, unlockOrphans(), "releasing job locks").catch((e: unknown) => opts.onError?.("graphile-worker", e));
    workerPools.clear();
    rechecks.clear();
    workerIds.clear();
    stopping = false;
    const ending = pgPool;
    pgPool = null;
    await Promise.race([ending?.end().catch(() => undefined), sleep(2_000)]);
  }

  async function unlockOrphans(): Promise<void> {
    if (orphanedPools.length === 0) return;
    const ids = [...orphanedPools];
    await store.transaction((tx) => tx.db.run(forceUnlock(ids)));
    orphanedPools.splice(0, ids.length);
  }

  /** The database went away: stop fetching (every fetch would fail) until it answers again. */
  async function pause(): Promise<void> {
    if (state !== "running") return;
    state = "paused";
    opts.onPause?.();
    await stopPools(2_000);
  }

  /** The database answers again: release what the old pools held, and start new ones. */
  async function resume(): Promise<void> {
    if (state !== "paused") return;
    state = "resuming";
    try {
      await unlockOrphans();
      await startPools();
      // stop() came meanwhile: it has already let go of the old pools; these go too.
      if (stateNow() === "stopped") return await stopPools(1_000);
      state = "running";
      opts.onResume?.();
    } catch (error) {
      opts.onError?.("graphile-worker", error);
      await stopPools(1_000);
      state = "paused";
    }
  }

  /** Heartbeat, and the database check that pauses and resumes the pools. One at a time. */
  async function tick(): Promise<void> {
    if (ticking || state === "stopped" || state === "resuming") return;
    ticking = true;
    try {
      // A connection attempt can hang (a partition, a full server): give up after a while and check again.
      await within(HEARTBEAT_BOUND_MS, beat(), "heartbeat");
      if (state === "paused") await resume();
    } catch (error) {
      // While paused this is the expected answer, every 500 ms: onPause said it once.
      if (state !== "paused") opts.onError?.("heartbeat", error);
      if (isDatabaseUnavailable(error)) await pause();
    } finally {
      ticking = false;
      if (stateNow() !== "stopped") {
        heartbeat = setTimeout(() => void tick(), stateNow() === "running" ? heartbeatMs : Math.min(heartbeatMs, PAUSED_CHECK_MS));
        heartbeat.unref();
      }
    }
  }

  /** Each pool's own events, listened to before run(): workers are created (and may lock jobs) while run() is starting. */
  function eventsFor(name: PoolName, concurrency: number): WorkerEvents {
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
  }

  return {
    async start(handlers: TaskHandlers) {
      const taskList: Record<string, Task> = {};
      const pick = (keep: (name: string) => boolean) => Object.fromEntries(Object.entries(taskList).filter(([name]) => keep(name)));
      for (const [name, handler] of Object.entries(handlers) as [TaskName, TaskHandler | undefined][]) {
        if (!handler) continue;
        // Every line logged while a job runs (its failure too) says which task and job it is.
        taskList[name] = (payload, helpers) => withNewLogContext({ task: name, jobId: String(helpers.job.id) }, async () => {
          try {
            await handler((payload ?? {}) as Record<string, unknown>, {
              attempt: helpers.job.attempts,
              maxAttempts: helpers.job.max_attempts,
            });
          } catch (error) {
            opts.onError?.(name, error);
            throw error;
          }
        });
      }
      pools = [
        { name: "batch" as const, tasks: pick((name) => queuedPoolOf(name) === null), concurrency: opts.concurrency ?? LANE_CONCURRENCY.main },
        { name: "schedule" as const, tasks: pick((name) => queuedPoolOf(name) === "schedule"), concurrency: 2 },
        { name: "slack" as const, tasks: pick((name) => queuedPoolOf(name) === "slack"), concurrency: LANE_CONCURRENCY.slack },
      ].filter((pool) => Object.keys(pool.tasks).length > 0);
      await startPools();
      state = "running";
      await tick();
    },
    async stop(graceMs = 10_000) {
      state = "stopped";
      if (heartbeat) clearTimeout(heartbeat);
      heartbeat = null;
      for (const n of nudges.values()) clearTimeout(n.timer);
      nudges.clear();
      await stopPools(graceMs);
    },
    running: () => state === "running",
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

/** `work`, or a DatabaseUnavailableError after `ms` (the work itself goes on; its outcome is ignored then). */
function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError(`${what}: no answer from the database within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
