import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";
import { parseJson } from "./columns.js";

/** A shift as last published by an ICS export (kept after removal, as cancelled, so calendar apps drop it). */
export interface ExportedShiftRecord {
  /** The export it belongs to: a schedule name, or `user:<email>` for a personal export. */
  schedule: string;
  uid: string;
  startAt: number;
  endAt: number;
  users: string[];
  cancelled: boolean;
  updatedAt: number;
}

type Row = Record<string, unknown>;

function toRecord(r: Row): ExportedShiftRecord {
  return {
    schedule: String(r.schedule),
    uid: String(r.uid),
    startAt: num(r.start_at),
    endAt: num(r.end_at),
    users: parseJson<string[]>(r.users, []),
    cancelled: num(r.cancelled) === 1,
    updatedAt: num(r.updated_at),
  };
}

export function exportedShiftsRepository(db: Db) {
  return {
    /** Shifts of one export that end after `endsAfter`, by start. */
    async list(schedule: string, endsAfter: number): Promise<ExportedShiftRecord[]> {
      const rows = await db.all<Row>(sql`select * from exported_shifts where schedule = ${schedule} and end_at > ${endsAfter} order by start_at, uid`);
      return rows.map(toRecord);
    },
    async upsert(s: ExportedShiftRecord): Promise<void> {
      const users = JSON.stringify(s.users);
      const cancelled = s.cancelled ? 1 : 0;
      await db.write(sql`insert into exported_shifts (schedule, uid, start_at, end_at, users, cancelled, updated_at)
        values (${s.schedule}, ${s.uid}, ${s.startAt}, ${s.endAt}, ${users}, ${cancelled}, ${s.updatedAt})
        on conflict (schedule, uid) do update set start_at = ${s.startAt}, end_at = ${s.endAt}, users = ${users}, cancelled = ${cancelled}, updated_at = ${s.updatedAt}`);
    },
    /** Forgets shifts of one export that ended before `endBefore` (out of every export window). */
    async prune(schedule: string, endBefore: number): Promise<number> {
      return db.run(sql`delete from exported_shifts where schedule = ${schedule} and end_at < ${endBefore}`);
    },
  };
}
