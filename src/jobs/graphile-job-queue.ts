import { sql } from "drizzle-orm";
import type { Db } from "../store/db.js";
import type { JobQueue, JobSpec } from "./job-queue.js";
import { DEFAULT_MAX_ATTEMPTS } from "./sqlite-job-queue.js";

/** Job-queue port over Graphile Worker's SQL API, inside the caller's Postgres transaction. */
export function graphileJobQueue(db: Db, added: Date[], now: () => number = Date.now): JobQueue {
  return {
    async add(spec: JobSpec) {
      const runAt = spec.runAt ?? new Date(now());
      // Future Slack work tolerates the poll interval; only timers people wait on get a precise nudge.
      if (spec.precise || !spec.task.startsWith("slack.") || runAt.getTime() <= now()) added.push(runAt);
      await db.run(sql`select graphile_worker.add_job(
        identifier => ${spec.task}::text,
        payload => ${JSON.stringify(spec.payload)}::json,
        queue_name => ${spec.queue ?? null}::text,
        run_at => ${runAt.toISOString()}::timestamptz,
        max_attempts => ${spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS}::int,
        job_key => ${spec.jobKey ?? null}::text,
        job_key_mode => ${spec.jobKeyMode ?? "replace"}::text
      )`);
    },
    async remove(jobKey: string) {
      await db.run(sql`select graphile_worker.remove_job(${jobKey}::text)`);
    },
  };
}
