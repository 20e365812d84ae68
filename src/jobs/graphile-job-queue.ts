import { sql } from "drizzle-orm";
import type { Db } from "../store/db.js";
import type { AddedJob, JobQueue, JobSpec } from "./job-queue.js";
import { assertQueueAllowed } from "./job-lanes.js";
import { DEFAULT_MAX_ATTEMPTS } from "./sqlite-job-queue.js";

/** Job-queue port over Graphile Worker's SQL API, inside the caller's Postgres transaction. */
export function graphileJobQueue(db: Db, added: AddedJob[], now: () => number = Date.now): JobQueue {
  return {
    async add(spec: JobSpec) {
      assertQueueAllowed(spec);
      const runAt = spec.runAt ?? new Date(now());
      // Future Slack work tolerates the poll interval; only timers people wait on get a precise nudge.
      if (spec.precise || !spec.task.startsWith("slack.") || runAt.getTime() <= now()) added.push({ runAt, task: spec.task });
      const payload = JSON.stringify(spec.payload);
      const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      const addJob = sql`graphile_worker.add_job(
        identifier => ${spec.task}::text,
        payload => ${payload}::json,
        queue_name => ${spec.queue ?? null}::text,
        run_at => ${runAt.toISOString()}::timestamptz,
        max_attempts => ${maxAttempts}::int,
        job_key => ${spec.jobKey ?? null}::text,
        job_key_mode => ${spec.jobKeyMode ?? "replace"}::text
      )`;
      if (spec.jobKey && spec.jobKeyMode === "preserve_run_at") {
        // add_job would change nothing when the same job is already waiting for a later time
        // (preserve_run_at keeps its run_at), but it costs a dozen statements and wakes every
        // worker. Lock that job instead — so no worker can start it before this transaction
        // commits — and add only when there is none. Slack syncs are requested many times per
        // group while one waits for the channel's next slot.
        await db.write(sql`with waiting as (
            select j.id from graphile_worker._private_jobs j
            where j.key = ${spec.jobKey}::text and j.locked_at is null and j.attempts = 0 and j.run_at > now()
              and j.max_attempts = ${maxAttempts}::int and j.payload::jsonb = ${payload}::jsonb
              and j.priority = 0 and j.flags is null
              and j.task_id = (select t.id from graphile_worker._private_tasks t where t.identifier = ${spec.task}::text)
              and j.job_queue_id is not distinct from (select q.id from graphile_worker._private_job_queues q where q.queue_name = ${spec.queue ?? null}::text)
            for update of j
          )
          select ${addJob} where not exists (select 1 from waiting)`);
        return;
      }
      await db.write(sql`select ${addJob}`);
    },
    async remove(jobKey: string) {
      await db.write(sql`select graphile_worker.remove_job(${jobKey}::text)`);
    },
  };
}
