import { sql } from "drizzle-orm";
import { num } from "../store/db.js";
import type { Store } from "../store/store.js";
import type { Lane } from "./job-lanes.js";

/** A job waiting longer than this past its run time is overdue. */
export const OVERDUE_AFTER_MS = 60_000;

export interface LaneBacklog {
  lane: Lane;
  /** Jobs whose run time has come and that no worker runs yet. */
  due: number;
  /** …of which waiting for more than {@link OVERDUE_AFTER_MS}. */
  overdue: number;
}

/**
 * Due and overdue jobs by lane, in one query on the runner's own table (SQLite `jobs`,
 * Graphile Worker's `jobs` view on Postgres). Reads only jobs already due, through the
 * run-time index, so it stays cheap however many future timers are set.
 */
export async function jobBacklog(store: Store, now: number): Promise<LaneBacklog[]> {
  const late = now - OVERDUE_AFTER_MS;
  const rows = await store.transaction((tx) =>
    store.dialect === "pg"
      ? tx.db.all<Record<string, unknown>>(sql`select case when task_identifier like 'slack.%' then 'slack' else 'main' end as lane,
            count(*) as due, sum(case when run_at <= to_timestamp(${late / 1000}) then 1 else 0 end) as overdue
          from graphile_worker.jobs where run_at <= to_timestamp(${now / 1000}) and locked_at is null and attempts < max_attempts group by 1`)
      : tx.db.all<Record<string, unknown>>(sql`select case when task like 'slack.%' then 'slack' else 'main' end as lane,
            count(*) as due, sum(case when run_at <= ${late} then 1 else 0 end) as overdue
          from jobs where run_at <= ${now} and locked_at is null and attempts < max_attempts group by 1`),
  );
  const byLane = new Map(rows.map((r) => [String(r.lane), r]));
  return (["main", "slack"] as const).map((lane) => ({ lane, due: num(byLane.get(lane)?.due ?? 0), overdue: num(byLane.get(lane)?.overdue ?? 0) }));
}
