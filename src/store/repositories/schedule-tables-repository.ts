import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

/** A final schedule as computed from the stored feed copies (see src/schedule/stored-shift-table.ts). */
export interface StoredShiftTableRecord {
  schedule: string;
  /** Hash of every input the table was computed from; a reader computes its own and uses the table only when they match. */
  inputsKey: string;
  /** The table covers [windowFrom, windowTo). */
  windowFrom: number;
  windowTo: number;
  computedAt: number;
  data: string;
}

type Row = Record<string, unknown>;

export function scheduleTablesRepository(db: Db) {
  return {
    async get(schedule: string): Promise<StoredShiftTableRecord | null> {
      const rows = await db.all<Row>(sql`select * from schedule_tables where schedule = ${schedule}`);
      const r = rows[0];
      if (!r) return null;
      return {
        schedule: String(r.schedule),
        inputsKey: String(r.inputs_key),
        windowFrom: num(r.window_from),
        windowTo: num(r.window_to),
        computedAt: num(r.computed_at),
        data: String(r.data),
      };
    },
    /**
     * Stores the table unless the one stored has the same inputs and already covers its window
     * (every replica recomputes the same schedule: only the first writes). `data` is only called
     * when writing. True when written.
     */
    async save(rec: Omit<StoredShiftTableRecord, "data">, data: () => string): Promise<boolean> {
      const have = await db.all<Row>(sql`select inputs_key, window_from, window_to from schedule_tables where schedule = ${rec.schedule}`);
      const h = have[0];
      if (h && String(h.inputs_key) === rec.inputsKey && num(h.window_from) <= rec.windowFrom && num(h.window_to) >= rec.windowTo) return false;
      await db.run(sql`insert into schedule_tables (schedule, inputs_key, window_from, window_to, computed_at, data)
        values (${rec.schedule}, ${rec.inputsKey}, ${rec.windowFrom}, ${rec.windowTo}, ${rec.computedAt}, ${data()})
        on conflict (schedule) do update set inputs_key = excluded.inputs_key, window_from = excluded.window_from,
          window_to = excluded.window_to, computed_at = excluded.computed_at, data = excluded.data`);
      return true;
    },
  };
}
