import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";

export interface HeartbeatRecord {
  integration: string;
  lastSeenAt: number | null;
  /** When calpage started watching (the grace period before a first heartbeat counts from here). */
  startedAt: number;
}

export function heartbeatsRepository(db: Db) {
  return {
    async get(integration: string): Promise<HeartbeatRecord | null> {
      const rows = await db.all<Record<string, unknown>>(sql`select * from heartbeats where integration = ${integration}`);
      const r = rows[0];
      return r ? { integration, lastSeenAt: numOrNull(r.last_seen_at), startedAt: num(r.started_at) } : null;
    },
    async touch(integration: string, now: number): Promise<void> {
      await db.write(sql`insert into heartbeats (integration, last_seen_at, started_at) values (${integration}, ${now}, ${now})
        on conflict (integration) do update set last_seen_at = ${now}`);
    },
    /** Starts watching an integration; true when it was not watched before. */
    async ensure(integration: string, now: number): Promise<boolean> {
      return (await db.run(sql`insert into heartbeats (integration, last_seen_at, started_at) values (${integration}, null, ${now}) on conflict (integration) do nothing`)) > 0;
    },
  };
}
