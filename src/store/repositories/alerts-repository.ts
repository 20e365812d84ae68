import { sql } from "drizzle-orm";
import type { IncomingAlert } from "../../alerts/incoming-group.js";
import { newId } from "../../shared/ids.js";
import type { Db } from "../db.js";
import { num } from "../db.js";
import { parseJson } from "./columns.js";

export interface StoredAlert extends IncomingAlert {
  id: string;
  groupId: string;
  /** The alert's identity in its group (see src/alerts/alert-identity.ts). */
  key: string;
  /** When it first arrived in the group. */
  receivedAt: number;
  /** When it arrived or last changed between firing and resolved. */
  changedAt: number;
}

type Row = Record<string, unknown>;

/** SQLite allows at most 32766 bound parameters per statement. */
const CHUNK = 200;

export function alertsRepository(db: Db) {
  return {
    /**
     * Stores each alert under its identity: a new one is inserted (received now), a
     * known one is updated in place — labels, annotations and times as sent now; its
     * receive time stays, its change time moves only when its status changed.
     * `alerts` must hold each key once.
     */
    async upsertMany(groupId: string, alerts: ReadonlyMap<string, IncomingAlert>, now: number): Promise<void> {
      const entries = [...alerts];
      for (let i = 0; i < entries.length; i += CHUNK) {
        const rows = entries.slice(i, i + CHUNK).map(
          ([key, a]) =>
            sql`(${newId()}, ${groupId}, ${a.status}, ${JSON.stringify(a.labels)}, ${JSON.stringify(a.annotations)}, ${a.startsAt}, ${a.endsAt}, ${a.generatorUrl}, ${a.fingerprint}, ${key}, ${now}, ${now})`,
        );
        await db.write(
          sql`insert into alerts (id, group_id, status, labels, annotations, starts_at, ends_at, generator_url, fingerprint, alert_key, received_at, changed_at) values ${sql.join(rows, sql`, `)}
              on conflict (group_id, alert_key) do update set status = excluded.status, labels = excluded.labels, annotations = excluded.annotations,
                starts_at = excluded.starts_at, ends_at = excluded.ends_at, generator_url = excluded.generator_url, fingerprint = excluded.fingerprint,
                changed_at = case when alerts.status = excluded.status then alerts.changed_at else excluded.changed_at end`,
        );
      }
    },
    /** Marks these alerts of the group resolved (those still firing), e.g. because the source stopped sending them. */
    async resolveKeys(groupId: string, keys: readonly string[], now: number): Promise<void> {
      for (let i = 0; i < keys.length; i += CHUNK) {
        const chunk = keys.slice(i, i + CHUNK).map((k) => sql`${k}`);
        await db.write(
          sql`update alerts set status = 'resolved', changed_at = ${now} where group_id = ${groupId} and status = 'firing' and alert_key in (${sql.join(chunk, sql`, `)})`,
        );
      }
    },
    /** Every alert of the group by identity, with its status: what an update compares against. */
    async statuses(groupId: string): Promise<Map<string, IncomingAlert["status"]>> {
      const rows = await db.all<{ alert_key: unknown; status: unknown }>(sql`select alert_key, status from alerts where group_id = ${groupId}`);
      return new Map(rows.map((r) => [String(r.alert_key), r.status === "firing" ? "firing" : "resolved"]));
    },
    /** {@link statuses} of the open group with this key (empty when there is none), readable in the same round trip as the group. */
    async statusesOfOpen(integration: string, groupingKey: string): Promise<Map<string, IncomingAlert["status"]>> {
      const rows = await db.all<{ alert_key: unknown; status: unknown }>(
        sql`select a.alert_key, a.status from alerts a join alert_groups g on g.id = a.group_id where g.integration = ${integration} and g.grouping_key = ${groupingKey} and g.state <> 'resolved'`,
      );
      return new Map(rows.map((r) => [String(r.alert_key), r.status === "firing" ? "firing" : "resolved"]));
    },
    /** The group's most recently arrived or changed alerts, newest first. */
    async recent(groupId: string, limit: number): Promise<StoredAlert[]> {
      const rows = await db.all<Row>(
        // Newest first: last changed, then last received, then latest start (alerts of one delivery share the
        // first two; ids are random). coalesce: both backends put a missing start last.
        sql`select * from alerts where group_id = ${groupId} order by changed_at desc, received_at desc, coalesce(starts_at, '') desc, id limit ${limit}`,
      );
      return rows.map((r) => ({
        id: String(r.id),
        groupId: String(r.group_id),
        key: String(r.alert_key),
        status: r.status as StoredAlert["status"],
        labels: parseJson(r.labels, {}),
        annotations: parseJson(r.annotations, {}),
        startsAt: (r.starts_at as string | null) ?? null,
        endsAt: (r.ends_at as string | null) ?? null,
        generatorUrl: (r.generator_url as string | null) ?? null,
        fingerprint: (r.fingerprint as string | null) ?? null,
        receivedAt: num(r.received_at),
        changedAt: num(r.changed_at),
      }));
    },
    /** First-arrival times (epoch ms) of the group's alerts that arrived after `since`, for `if_alerts` steps: re-sends do not count. */
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
