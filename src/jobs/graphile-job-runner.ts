import { sql } from "drizzle-orm";
import { EventEmitter } from "node:events";
import { Logger, run, type Runner, type Task, type WorkerEvents } from "graphile-worker";
import type { Store } from "../store/store.js";
import { LANE_CONCURRENCY, laneOf, type Lane } from "./job-lanes.js";
import type { JobRunner, TaskHandler, TaskHandlers, TaskName } from "./job-queue.js";

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
 */
export function createGraphileJobRunner(store: Store, databaseUrl: string, opts: GraphileJobRunnerOptions = {}): JobRunner {
  const deadAfterMs = opts.deadAfterMs ?? 10_000;
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const process_ = `${process.pid}`;
  const workerIds = new Set<string>();
  const nudges = new Set<NodeJS.Timeout>();
  let runners: Runner[] = [];
  let heartbeat: NodeJS.Timeout | null = null;

  async function beat(): Promise<void> {
    const t = Date.now();
    await store.transaction(async (tx) => {
      for (const id of workerIds) {
        await tx.db.run(sql`insert into worker_heartbeats (worker_id, process, heartbeat_at) values (${id}, ${process_}, ${t})
          on conflict (worker_id) do update set heartbeat_at = excluded.heartbeat_at`);
      }
      const dead = await tx.db.all<{ locked_by: string }>(sql`select distinct locked_by from graphile_worker.jobs j
        where locked_by is not null and locked_at < now() - make_interval(secs => ${deadAfterMs / 1000})
          and not exists (select 1 from worker_heartbeats h where h.worker_id = j.locked_by and h.heartbeat_at > ${t - deadAfterMs})`);
      if (dead.length > 0) {
        const ids = dead.map((d) => d.locked_by);
        await tx.db.run(sql`select graphile_worker.force_unlock_workers(${`{${ids.map((i) => `"${i}"`).join(",")}}`}::text[])`);
      }
      await tx.db.run(sql`delete from worker_heartbeats where heartbeat_at < ${t - 10 * deadAfterMs}`);
    });
  }

  function nudgeAt(at: Date) {
    const delay = at.getTime() - Date.now();
    if (delay <= 0 || delay > 3_600_000) return;
    const t = setTimeout(() => {
      nudges.delete(t);
      void store.transaction((tx) => tx.db.run(sql`select pg_notify('jobs:insert', '{"count":1}')`)).catch(() => undefined);
    }, delay);
    t.unref();
    nudges.add(t);
  }

  return {
    async start(handlers: TaskHandlers) {
      const taskList: Record<string, Task> = {};
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
      // Listen before run(): workers are created (and may lock jobs) while run() is starting.
      const events: WorkerEvents = new EventEmitter() as WorkerEvents;
      // Graphile Worker 0.17 locks jobs under the worker POOL's id (not each worker's), so that is what must beat.
      events.on("pool:create", ({ workerPool }) => {
        workerIds.add(workerPool.id);
      });
      events.on("pool:release", ({ workerPool }) => {
        workerIds.delete(workerPool.id);
      });
      // One worker pool per lane, so Slack work waiting for its rate limit never holds back pages.
      for (const lane of ["main", "slack"] as Lane[]) {
        const laneTasks = Object.fromEntries(Object.entries(taskList).filter(([name]) => laneOf(name) === lane));
        runners.push(
          await run({
            events,
            connectionString: databaseUrl,
            concurrency: lane === "main" ? (opts.concurrency ?? LANE_CONCURRENCY.main) : LANE_CONCURRENCY.slack,
            pollInterval: opts.pollInterval ?? 500,
            noHandleSignals: true,
            taskList: laneTasks,
            logger: new Logger(() => (level, message) => {
              if (level === "error") opts.onError?.("graphile-worker", new Error(message));
            }),
          }),
        );
      }
      await beat().catch((e) => opts.onError?.("heartbeat", e));
      heartbeat = setInterval(() => void beat().catch((e) => opts.onError?.("heartbeat", e)), heartbeatMs);
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      for (const t of nudges) clearTimeout(t);
      nudges.clear();
      await Promise.all(runners.map((r) => r.stop()));
      runners = [];
    },
    wake(runAts: Date[]) {
      for (const at of runAts) nudgeAt(at);
    },
  };
}
