import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

export function rateSlotsRepository(db: Db) {
  return {
    /**
     * Reserves the next slot for `key`, `spacingMs` after the previous one, and
     * returns when it starts (now, or later when earlier callers took the slots
     * before it). Atomic, so replicas sharing a database share the pace.
     */
    async reserve(key: string, now: number, spacingMs: number): Promise<number> {
      const rows = await db.all<{ next_at: unknown }>(sql`insert into rate_slots (key, next_at) values (${key}, ${now + spacingMs})
        on conflict (key) do update set next_at = (case when rate_slots.next_at > ${now} then rate_slots.next_at else ${now} end) + ${spacingMs}
        returning next_at`);
      return num(rows[0]?.next_at) - spacingMs;
    },
    /**
     * Claims "the last action on `key` happens now" if the previous one was at
     * least `spacingMs` ago; returns 0 then, else how many ms to wait (nothing is
     * written). The actual spacing check for paced posts: a reserved slot's owner
     * may run a little late and crowd the next one.
     */
    async claimAfter(key: string, now: number, spacingMs: number): Promise<number> {
      // Make sure the row exists, so `for update` has something to lock on Postgres.
      await db.write(sql`insert into rate_slots (key, next_at) values (${key}, ${-spacingMs}) on conflict (key) do nothing`);
      const rows = await db.all<{ next_at: unknown }>(sql`select next_at from rate_slots where key = ${key}${db.dialect === "pg" ? sql` for update` : sql``}`);
      const last = rows[0] ? num(rows[0].next_at) : -Infinity;
      const wait = last + spacingMs - now;
      if (wait > 0) return wait;
      await db.write(sql`insert into rate_slots (key, next_at) values (${key}, ${now}) on conflict (key) do update set next_at = ${now}`);
      return 0;
    },
    /** Moves the "last action" time forward to `at` (never back): called once a paced call has really gone out. */
    async markLast(key: string, at: number): Promise<void> {
      await db.write(sql`update rate_slots set next_at = (case when next_at > ${at} then next_at else ${at} end) where key = ${key}`);
    },
    /** The time stored under `key`; null when there is none. */
    async get(key: string): Promise<number | null> {
      const rows = await db.all<{ next_at: unknown }>(sql`select next_at from rate_slots where key = ${key}`);
      return rows[0] ? num(rows[0].next_at) : null;
    },
    /** Removes `key` and returns its time; null when there was none. */
    async take(key: string): Promise<number | null> {
      const rows = await db.all<{ next_at: unknown }>(sql`delete from rate_slots where key = ${key} returning next_at`);
      return rows[0] ? num(rows[0].next_at) : null;
    },
    /** Sets `key` to `at`. */
    async put(key: string, at: number): Promise<void> {
      await db.write(sql`insert into rate_slots (key, next_at) values (${key}, ${at}) on conflict (key) do update set next_at = excluded.next_at`);
    },
    /**
     * Trades `laterSlot` for the earliest post slot a group of `channel` holds (`slack:slot:<group id>`)
     * that starts before it, so an urgent post (a storm summary) goes first; the group gets
     * `laterSlot` and posts then. Returns the slot taken over, or null when there was none earlier.
     */
    async swapEarliestGroupSlot(channel: string, laterSlot: number): Promise<number | null> {
      const rows = await db.all<{ key: string; next_at: unknown }>(sql`select r.key, r.next_at from rate_slots r
        join alert_groups g on g.id = substr(r.key, 12)
        where r.key like 'slack:slot:%' and g.channel = ${channel} and r.next_at < ${laterSlot}
        order by r.next_at limit 1${db.dialect === "pg" ? sql` for update of r` : sql``}`);
      const row = rows[0];
      if (!row) return null;
      const at = num(row.next_at);
      const changed = await db.run(sql`update rate_slots set next_at = ${laterSlot} where key = ${row.key} and next_at = ${at}`);
      return changed > 0 ? at : null;
    },
    /** Gives back a slot that was reserved but not used (only when it is the latest one). */
    async release(key: string, slotStart: number, spacingMs: number): Promise<void> {
      await db.write(sql`update rate_slots set next_at = ${slotStart} where key = ${key} and next_at = ${slotStart + spacingMs}`);
    },
  };
}
