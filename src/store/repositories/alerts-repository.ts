import { sql } from "drizzle-orm";
import type { IncomingAlert } from "../../alerts/incoming-group.js";
import { newId } from "../../shared/ids.js";
import type { Db } from "../db.js";
import { num } from "../db.js";
import { parseJson } from "./columns.js";

export interface StoredAlert extends IncomingAlert {
  id: string;
  groupId: string;
  receivedAt: number;
}

type Row = Record<string, unknown>;

export function alertsRepository(db: Db) {
  return {
    async insertMany(groupId: string, alerts: readonly IncomingAlert[], receivedAt: number): Promise<void> {
      // Chunked: SQLite allows at most 32766 bound parameters per statement.
      for (let i = 0; i < alerts.length; i += 200) {
        const rows = alerts.slice(i, i + 200).map(
          (a) =>
            sql`(${newId()}, ${groupId}, ${a.status}, ${JSON.stringify(a.labels)}, ${JSON.stringify(a.annotations)}, ${a.startsAt}, ${a.endsAt}, ${a.generatorUrl}, ${a.fingerprint}, ${receivedAt})`,
        );
        await db.write(
          sql`insert into alerts (id, group_id, status, labels, annotations, starts_at, ends_at, generator_url, fingerprint, received_at) values ${sql.join(rows, sql`, `)}`,
        );
      }
    },
    async recent(groupId: string, limit: number): Promise<StoredAlert[]> {
      const rows = await db.all<Row>(
        sql`select * from alerts where group_id = ${groupId} order by received_at desc, id limit ${limit}`,
      );
      return rows.map((r) => ({
        id: String(r.id),
        groupId: String(r.group_id),
        status: r.status as StoredAlert["status"],
        labels: parseJson(r.labels, {}),
        annotations: parseJson(r.annotations, {}),
        startsAt: (r.starts_at as string | null) ?? null,
        endsAt: (r.ends_at as string | null) ?? null,
        generatorUrl: (r.generator_url as string | null) ?? null,
        fingerprint: (r.fingerprint as string | null) ?? null,
        receivedAt: num(r.received_at),
      }));
    },
    /** Receive times (epoch ms) of the group's alerts since `since`, for `if_alerts` steps. */
    async receivedTimesSince(groupId: string, since: number): Promise<number[]> {
      const rows = await db.all<{ received_at: unknown }>(
        sql`select received_at from alerts where group_id = ${groupId} and received_at > ${since} order by received_at limit 100000`,
      );
      return rows.map((r) => num(r.received_at));
    },
    async countForGroup(groupId: string): Promise<number> {
      const rows = await db.all<Row>(sql`select count(*) as n from alerts where group_id = ${groupId}`);
      return num(rows[0]?.n ?? 0);
    },
    async countAll(): Promise<number> {
      const rows = await db.all<Row>(sql`select count(*) as n from alerts`);
      return num(rows[0]?.n ?? 0);
    },
  };
}
