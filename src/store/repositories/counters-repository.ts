import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

export function countersRepository(db: Db) {
  return {
    /** Atomically increments and returns the counter (1 the first time). The row lock serialises concurrent callers. */
    async next(name: string): Promise<number> {
      const rows = await db.all<{ value: unknown }>(
        sql`insert into counters (name, value) values (${name}, 1) on conflict (name) do update set value = counters.value + 1 returning value`,
      );
      return num(rows[0]?.value);
    },
    /** The counter's current value without changing it (0 for one never used): what `calpage simulate` reads. */
    async peek(name: string): Promise<number> {
      const rows = await db.all<{ value: unknown }>(sql`select value from counters where name = ${name}`);
      return rows.length === 0 ? 0 : num(rows[0]!.value);
    },
  };
}
