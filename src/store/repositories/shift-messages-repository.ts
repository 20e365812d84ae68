import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

/** One message about a person's shift, as sent (see `shift_messages` in src/store/schema/tables.ts). */
export interface ShiftMessageRecord {
  schedule: string;
  email: string;
  kind: "reminder" | "moved" | "cancelled" | "start" | "handoff";
  key: string;
  shiftStart: number;
  shiftEnd: number;
  sentAt: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): ShiftMessageRecord => ({
  schedule: String(r.schedule),
  email: String(r.email),
  kind: String(r.kind) as ShiftMessageRecord["kind"],
  key: String(r.key),
  shiftStart: num(r.shift_start),
  shiftEnd: num(r.shift_end),
  sentAt: num(r.sent_at),
});

export function shiftMessagesRepository(db: Db) {
  return {
    /**
     * Records a message as sent unless a row with the same schedule, person, kind and key exists;
     * true when this call inserted it (the caller then queues the DM in the same transaction).
     * Two writers at once: the second waits for the first to commit and gets false.
     */
    async claim(m: ShiftMessageRecord): Promise<boolean> {
      return (
        (await db.run(sql`insert into shift_messages (schedule, email, kind, key, shift_start, shift_end, sent_at)
          values (${m.schedule}, ${m.email}, ${m.kind}, ${m.key}, ${m.shiftStart}, ${m.shiftEnd}, ${m.sentAt})
          on conflict (schedule, email, kind, key) do nothing`)) > 0
      );
    },
    /** The messages of a schedule about shifts ending after `after`, oldest shift first. */
    async listEndingAfter(schedule: string, after: number): Promise<ShiftMessageRecord[]> {
      const rows = await db.all<Row>(sql`select * from shift_messages where schedule = ${schedule} and shift_end > ${after} order by shift_start, email, kind, key`);
      return rows.map(toRecord);
    },
    /** Forgets messages about shifts that ended before `before`; returns how many. */
    async pruneEndedBefore(before: number): Promise<number> {
      return db.run(sql`delete from shift_messages where shift_end < ${before}`);
    },
  };
}
