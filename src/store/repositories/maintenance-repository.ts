import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

export interface MaintenanceRecord {
  integration: string;
  until: number;
  startedBy: string;
  startedAt: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): MaintenanceRecord => ({
  integration: String(r.integration),
  until: num(r.until),
  startedBy: String(r.started_by),
  startedAt: num(r.started_at),
});

export function maintenanceRepository(db: Db) {
  return {
    async set(m: MaintenanceRecord): Promise<void> {
      await db.write(sql`insert into maintenance (integration, until, started_by, started_at) values (${m.integration}, ${m.until}, ${m.startedBy}, ${m.startedAt})
        on conflict (integration) do update set until = excluded.until, started_by = excluded.started_by, started_at = excluded.started_at`);
    },
    async get(integration: string): Promise<MaintenanceRecord | null> {
      const rows = await db.all<Row>(sql`select * from maintenance where integration = ${integration}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** Removes the window; true when there was one. */
    async clear(integration: string): Promise<boolean> {
      return (await db.run(sql`delete from maintenance where integration = ${integration}`)) > 0;
    },
    async list(): Promise<MaintenanceRecord[]> {
      return (await db.all<Row>(sql`select * from maintenance order by integration`)).map(toRecord);
    },
  };
}
