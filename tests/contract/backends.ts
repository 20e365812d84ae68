import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { createGraphileJobRunner } from "../../src/jobs/graphile-job-runner.js";
import { graphileJobQueue } from "../../src/jobs/graphile-job-queue.js";
import type { JobRunner, TaskHandlers } from "../../src/jobs/job-queue.js";
import { createSqliteJobRunner } from "../../src/jobs/sqlite-job-runner.js";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { num } from "../../src/store/db.js";
import { createPgStore } from "../../src/store/pg-store.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "../support/postgres.js";

/**
 * The backends every contract suite runs against, for `describe.each(backends)`.
 * Each `open()` makes fresh, empty storage (a temp SQLite file, or a new database
 * on the run's Postgres server); `dispose()` stops every runner it started,
 * closes every store it opened and deletes the storage.
 */

export type BackendName = "sqlite" | "postgres";

/** Runner settings a test may change; each backend maps them onto its own runner's options. */
export interface TestRunnerOptions {
  concurrency?: number;
  /** Postgres only: a worker whose heartbeat is older than this is dead (ms). */
  deadAfterMs?: number;
  /** Postgres only: how often live workers record a heartbeat (ms). */
  heartbeatMs?: number;
  /** Postgres only: how often idle workers look for due jobs without being told (ms; default 500). */
  pollIntervalMs?: number;
}

export interface BackendContext {
  readonly name: BackendName;
  /** A new store on this backend's storage (not migrated yet). */
  openStore(): Store;
  /** A new store, migrated. */
  openMigratedStore(): Promise<Store>;
  /**
   * Starts a runner for `store` with `handlers` and wires `store.onJobsCommitted`
   * to its `wake`, as the composition root does. Errors the runner reports go to `errors`.
   */
  startRunner(store: Store, handlers: TaskHandlers, opts?: TestRunnerOptions): Promise<JobRunner>;
  /** Jobs in the backend's job table (pending, running or permanently failed). */
  jobCount(store: Store): Promise<number>;
  /**
   * Marks every job as locked a minute ago by worker `dead-worker`, the state a
   * process killed mid-job leaves behind. Returns how many jobs it locked.
   */
  lockJobsAsDeadWorker(store: Store): Promise<number>;
  /** Who holds the lock on each job, by job id (null: not locked). */
  jobLocks(store: Store): Promise<{ id: number; lockedBy: string | null }[]>;
  /** What runners reported through `onError` (task name and error), in order. */
  readonly errors: { task: string; error: unknown }[];
  /** Stops every runner started and closes every store opened so far; the storage stays. */
  closeAll(): Promise<void>;
  /** Deletes every job (and, on Postgres, queue locks and worker heartbeats), so the next test starts empty. */
  resetJobs(): Promise<void>;
  /** closeAll(), then deletes the storage. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: BackendName;
  open(): Promise<BackendContext>;
}

function makeContext(
  name: BackendName,
  newStore: () => Store,
  newRunner: (store: Store, opts: TestRunnerOptions, onError: (task: string, error: unknown) => void) => JobRunner,
  jobsTable: ReturnType<typeof sql>,
  releaseStorage: () => Promise<void>,
): BackendContext {
  const stores: Store[] = [];
  const runners: JobRunner[] = [];
  const errors: { task: string; error: unknown }[] = [];
  let disposed = false;
  return {
    name,
    errors,
    openStore() {
      const store = newStore();
      stores.push(store);
      return store;
    },
    async openMigratedStore() {
      const store = this.openStore();
      await store.migrate();
      return store;
    },
    async startRunner(store, handlers, opts = {}) {
      const runner = newRunner(store, opts, (task, error) => errors.push({ task, error }));
      let live = true;
      store.onJobsCommitted((jobs) => {
        if (live) runner.wake(jobs);
      });
      const tracked: JobRunner = {
        start: (h) => runner.start(h),
        async stop(graceMs) {
          live = false;
          await runner.stop(graceMs);
        },
        wake: (jobs) => runner.wake(jobs),
        running: () => runner.running(),
      };
      runners.push(tracked);
      await tracked.start(handlers);
      return tracked;
    },
    async jobCount(store) {
      const r = await store.transaction((tx) => tx.db.all<{ n: unknown }>(sql`select count(*) as n from ${jobsTable}`));
      return num(r[0]?.n ?? 0);
    },
    async lockJobsAsDeadWorker(store) {
      return store.transaction((tx) =>
        name === "sqlite"
          ? tx.db.run(sql`update jobs set locked_at = ${Date.now() - 60_000}, locked_by = 'dead-worker'`)
          : tx.db.run(sql`update graphile_worker._private_jobs set locked_at = now() - interval '1 minute', locked_by = 'dead-worker'`),
      );
    },
    async jobLocks(store) {
      const rows = await store.transaction((tx) =>
        tx.db.all<{ id: unknown; locked_by: string | null }>(sql`select id, locked_by from ${jobsTable} order by id`),
      );
      return rows.map((r) => ({ id: num(r.id), lockedBy: r.locked_by ?? null }));
    },
    async closeAll() {
      const problems: unknown[] = [];
      for (const r of runners.splice(0)) await r.stop().catch((e: unknown) => problems.push(e));
      for (const s of stores.splice(0)) await s.close().catch((e: unknown) => problems.push(e));
      errors.splice(0);
      if (problems.length > 0) throw new AggregateError(problems, `closing the ${name} backend's runners and stores failed`);
    },
    async resetJobs() {
      const store = newStore();
      try {
        await store.transaction(async (tx) => {
          if (name === "sqlite") {
            await tx.db.run(sql`delete from jobs`);
          } else {
            await tx.db.run(sql`delete from graphile_worker._private_jobs`);
            await tx.db.run(sql`delete from graphile_worker._private_job_queues`);
            await tx.db.run(sql`delete from worker_heartbeats`);
          }
        });
      } finally {
        await store.close();
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      const problems: unknown[] = [];
      await this.closeAll().catch((e: unknown) => problems.push(e));
      await releaseStorage().catch((e: unknown) => problems.push(e));
      if (problems.length > 0) throw new AggregateError(problems, `disposing the ${name} backend failed`);
    },
  };
}

export const sqliteBackend: Backend = {
  name: "sqlite",
  async open() {
    const dir = await mkdtemp(join(tmpdir(), "calpage-contract-"));
    const path = join(dir, "calpage.db");
    return makeContext(
      "sqlite",
      () => createSqliteStore(path, (db, added) => sqliteJobQueue(db, added)),
      (store, opts, onError) => createSqliteJobRunner(store, { concurrency: opts.concurrency, idlePollMs: 250, onError }),
      sql`jobs`,
      () => rm(dir, { recursive: true, force: true }),
    );
  },
};

export const postgresBackend: Backend = {
  name: "postgres",
  async open() {
    const database = await createTestDatabase("contract");
    return makeContext(
      "postgres",
      () => createPgStore(database.url, (db, added) => graphileJobQueue(db, added)),
      (store, opts, onError) =>
        createGraphileJobRunner(store, database.url, {
          concurrency: opts.concurrency ?? 4,
          pollInterval: opts.pollIntervalMs ?? 500,
          deadAfterMs: opts.deadAfterMs,
          heartbeatMs: opts.heartbeatMs,
          onError,
        }),
      sql`graphile_worker.jobs`,
      () => database.drop(),
    );
  },
};

/** Every backend; contract suites run `describe.each(backends)`. */
/**
 * Whether suites run against backend `name`: all do, unless CALPAGE_TEST_BACKENDS (a comma list,
 * e.g. `postgres`) names the ones wanted — .ci/node24-tests sets it where better-sqlite3 cannot be
 * built for Node 24.
 */
export function backendWanted(name: BackendName): boolean {
  const only = process.env.CALPAGE_TEST_BACKENDS?.split(",").map((s) => s.trim()).filter(Boolean);
  return !only || only.length === 0 || only.includes(name);
}

export const backends: Backend[] = [sqliteBackend, postgresBackend].filter((b) => backendWanted(b.name));
