import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";

/** An override made in Slack: a taken cover request or `/oncall override`. */
export interface SlackOverrideRecord {
  id: string;
  schedule: string;
  userEmail: string;
  startAt: number;
  endAt: number;
  /** The person covered; null = `userEmail` takes the whole slot alone. */
  replacing: string | null;
  /** What made it: `cover` (a taken cover request) or `command` (`/oncall override`). */
  source: "cover" | "command";
  /** Slack id (or email) of whoever made it. */
  createdBy: string;
  createdAt: number;
  cancelledAt: number | null;
}

type Row = Record<string, unknown>;

function toRecord(r: Row): SlackOverrideRecord {
  return {
    id: String(r.id),
    schedule: String(r.schedule),
    userEmail: String(r.user_email),
    startAt: num(r.start_at),
    endAt: num(r.end_at),
    replacing: (r.replacing as string | null) ?? null,
    source: r.source === "cover" ? "cover" : "command",
    createdBy: String(r.created_by),
    createdAt: num(r.created_at),
    cancelledAt: numOrNull(r.cancelled_at),
  };
}

export function slackOverridesRepository(db: Db) {
  return {
    async insert(o: SlackOverrideRecord): Promise<void> {
      await db.write(sql`insert into slack_overrides (id, schedule, user_email, start_at, end_at, replacing, source, created_by, created_at, cancelled_at)
        values (${o.id}, ${o.schedule}, ${o.userEmail}, ${o.startAt}, ${o.endAt}, ${o.replacing}, ${o.source}, ${o.createdBy}, ${o.createdAt}, ${o.cancelledAt})`);
    },
    async get(id: string): Promise<SlackOverrideRecord | null> {
      const rows = await db.all<Row>(sql`select * from slack_overrides where id = ${id}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** Overrides not cancelled that end after `endsAfter`, every schedule, oldest first. */
    async listActive(endsAfter: number): Promise<SlackOverrideRecord[]> {
      const rows = await db.all<Row>(sql`select * from slack_overrides where end_at > ${endsAfter} and cancelled_at is null order by created_at, id`);
      return rows.map(toRecord);
    },
    /** Cancels an override that is not cancelled yet; false when there was none. */
    async cancel(id: string, at: number): Promise<boolean> {
      return (await db.run(sql`update slack_overrides set cancelled_at = ${at} where id = ${id} and cancelled_at is null`)) > 0;
    },
  };
}
