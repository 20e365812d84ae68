import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

export type CoverRequestState = "open" | "taken" | "withdrawn" | "expired";

/** A request for cover posted in a schedule's channel. */
export interface CoverRequestRecord {
  id: string;
  schedule: string;
  requesterEmail: string;
  startAt: number;
  endAt: number;
  note: string | null;
  state: CoverRequestState;
  /** Email of whoever took it. */
  takenBy: string | null;
  overrideId: string | null;
  /** Where the request message is (channel id as Slack answered, and its ts); null until posted. */
  channel: string | null;
  slackTs: string | null;
  createdAt: number;
  updatedAt: number;
}

type Row = Record<string, unknown>;

function toRecord(r: Row): CoverRequestRecord {
  return {
    id: String(r.id),
    schedule: String(r.schedule),
    requesterEmail: String(r.requester_email),
    startAt: num(r.start_at),
    endAt: num(r.end_at),
    note: (r.note as string | null) ?? null,
    state: r.state as CoverRequestState,
    takenBy: (r.taken_by as string | null) ?? null,
    overrideId: (r.override_id as string | null) ?? null,
    channel: (r.channel as string | null) ?? null,
    slackTs: (r.slack_ts as string | null) ?? null,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

export function coverRequestsRepository(db: Db) {
  return {
    async insert(c: CoverRequestRecord): Promise<void> {
      await db.write(sql`insert into cover_requests (id, schedule, requester_email, start_at, end_at, note, state, taken_by, override_id, channel, slack_ts, created_at, updated_at)
        values (${c.id}, ${c.schedule}, ${c.requesterEmail}, ${c.startAt}, ${c.endAt}, ${c.note}, ${c.state}, ${c.takenBy}, ${c.overrideId}, ${c.channel}, ${c.slackTs}, ${c.createdAt}, ${c.updatedAt})`);
    },
    async get(id: string): Promise<CoverRequestRecord | null> {
      const rows = await db.all<Row>(sql`select * from cover_requests where id = ${id}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /**
     * Marks an open request taken. A conditional update, so of two concurrent takers exactly one
     * gets true (on Postgres the second waits for the first's row lock, then sees state <> 'open').
     */
    async take(id: string, takenBy: string, overrideId: string, now: number): Promise<boolean> {
      return (
        (await db.run(sql`update cover_requests set state = 'taken', taken_by = ${takenBy}, override_id = ${overrideId}, updated_at = ${now}
          where id = ${id} and state = 'open' and end_at > ${now}`)) > 0
      );
    },
    /** Withdraws an open request of `requesterEmail`; false when it is not open (or not theirs). */
    async withdraw(id: string, requesterEmail: string, now: number): Promise<boolean> {
      return (
        (await db.run(sql`update cover_requests set state = 'withdrawn', updated_at = ${now}
          where id = ${id} and state = 'open' and requester_email = ${requesterEmail}`)) > 0
      );
    },
    /** Open requests whose time has passed become `expired`; returns their ids. */
    async expire(now: number): Promise<string[]> {
      const rows = await db.all<{ id: string }>(sql`update cover_requests set state = 'expired', updated_at = ${now}
        where state = 'open' and end_at <= ${now} returning id`);
      return rows.map((r) => String(r.id));
    },
    async setMessage(id: string, channel: string, ts: string, now: number): Promise<void> {
      await db.write(sql`update cover_requests set channel = ${channel}, slack_ts = ${ts}, updated_at = ${now} where id = ${id}`);
    },
    async listOpen(schedule: string): Promise<CoverRequestRecord[]> {
      const rows = await db.all<Row>(sql`select * from cover_requests where schedule = ${schedule} and state = 'open' order by start_at, id`);
      return rows.map(toRecord);
    },
  };
}
