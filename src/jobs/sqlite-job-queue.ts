import { sql } from "drizzle-orm";
import type { Db } from "../store/db.js";
import type { AddedJob, JobQueue, JobSpec } from "./job-queue.js";
import { assertQueueAllowed } from "./job-lanes.js";

export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * Job-queue port over the SQLite `jobs` table, inside the caller's transaction.
 * Job-key semantics follow Graphile Worker: a new job with the key of a job that
 * is already running is added as a new job and the running one loses its key.
 */
export function sqliteJobQueue(db: Db, added: AddedJob[], now: () => number = Date.now): JobQueue {
  return {
    async add(spec: JobSpec) {
      assertQueueAllowed(spec);
      const runAt = spec.runAt?.getTime() ?? now();
      const payload = JSON.stringify(spec.payload);
      const max = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      added.push({ runAt: new Date(runAt), task: spec.task });
      if (!spec.jobKey) {
        await db.write(sql`insert into jobs (task, payload, run_at, job_key, queue, attempts, max_attempts, created_at)
          values (${spec.task}, ${payload}, ${runAt}, null, ${spec.queue ?? null}, 0, ${max}, ${now()})`);
        return;
      }
      // As Graphile Worker: the running job keeps running but, having lost its key, is not retried if it fails.
      await db.write(sql`update jobs set job_key = null, attempts = max_attempts where job_key = ${spec.jobKey} and locked_at is not null`);
      const keepRunAt = spec.jobKeyMode === "preserve_run_at";
      await db.write(sql`insert into jobs (task, payload, run_at, job_key, queue, attempts, max_attempts, created_at)
        values (${spec.task}, ${payload}, ${runAt}, ${spec.jobKey}, ${spec.queue ?? null}, 0, ${max}, ${now()})
        on conflict (job_key) do update set task = excluded.task, payload = excluded.payload,
          run_at = ${keepRunAt ? sql`case when jobs.attempts = 0 then jobs.run_at else excluded.run_at end` : sql`excluded.run_at`}, queue = excluded.queue,
          attempts = 0, max_attempts = excluded.max_attempts, last_error = null`);
    },
    async remove(jobKey: string) {
      await db.write(sql`delete from jobs where job_key = ${jobKey} and locked_at is null`);
      await db.write(sql`update jobs set job_key = null, attempts = max_attempts where job_key = ${jobKey}`);
    },
  };
}
