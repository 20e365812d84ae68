import type { AddedJob, JobQueue } from "../jobs/job-queue.js";
import type { Db } from "./db.js";
import { makeRepositories, type Repositories } from "./repositories/make-repositories.js";

/** Everything a transaction can touch: the repositories and the job queue, all bound to it. */
export interface Tx extends Repositories {
  readonly db: Db;
  readonly jobs: JobQueue;
}

export interface Store {
  readonly dialect: "sqlite" | "pg";
  /** Repositories outside any transaction (reads, single-statement writes). */
  readonly read: Repositories;
  /**
   * Runs `fn` in one transaction. A unique-index race with another writer
   * (two processes opening the same group) retries the whole function.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  /** Receives the jobs (run time and task) added by each committed transaction. */
  onJobsCommitted(listener: (jobs: AddedJob[]) => void): void;
  close(): Promise<void>;
}

export type JobQueueFactory = (db: Db, added: AddedJob[]) => JobQueue;

export function makeTx(db: Db, jobQueueFor: JobQueueFactory, added: AddedJob[]): Tx {
  return { ...makeRepositories(db), db, jobs: jobQueueFor(db, added) };
}
