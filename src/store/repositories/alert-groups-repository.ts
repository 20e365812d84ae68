import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";
import { initialEscalation, type EscalationState } from "../../escalation/escalation-state.js";
import { GROUP_JSON_FIELDS, type AlertGroupRecord } from "./alert-group-record.js";
import { insertClause, parseJson, setClause } from "./columns.js";

type Row = Record<string, unknown>;

/** When the group's timer is due: a step while active, the silence's end while paused. */
const dueAt = (e: EscalationState): number | null => (e.status === "active" || e.status === "paused" ? e.nextAt : null);

function toRecord(r: Row): AlertGroupRecord {
  return {
    id: String(r.id),
    number: num(r.number),
    integration: String(r.integration),
    groupingKey: String(r.grouping_key),
    state: r.state as AlertGroupRecord["state"],
    title: String(r.title),
    message: (r.message as string | null) ?? null,
    severity: (r.severity as string | null) ?? null,
    labels: parseJson(r.labels, {}),
    links: parseJson(r.links, []),
    silenceUrl: (r.silence_url as string | null) ?? null,
    chain: (r.chain as string | null) ?? null,
    chainSteps: parseJson(r.chain_steps, []),
    channel: (r.channel as string | null) ?? null,
    alertCount: num(r.alert_count),
    firingCount: num(r.firing_count ?? 0),
    truncatedAlerts: num(r.truncated_alerts ?? 0),
    firstAlertAt: num(r.first_alert_at),
    lastAlertAt: num(r.last_alert_at),
    acknowledgedBy: (r.acknowledged_by as string | null) ?? null,
    acknowledgedAt: numOrNull(r.acknowledged_at),
    resolvedBy: (r.resolved_by as string | null) ?? null,
    resolvedAt: numOrNull(r.resolved_at),
    silencedBy: (r.silenced_by as string | null) ?? null,
    silencedUntil: numOrNull(r.silenced_until),
    slackChannelId: (r.slack_channel_id as string | null) ?? null,
    slackTs: (r.slack_ts as string | null) ?? null,
    escalation: parseJson(r.escalation, initialEscalation),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

/** What {@link alertGroupsRepository}'s `search` filters on; every field optional. */
export interface GroupSearch {
  /** Only groups in one of these states. */
  states?: readonly AlertGroupRecord["state"][];
  integration?: string;
  /** Created at or after this (epoch ms). */
  since?: number;
  /** Created before this (epoch ms). */
  until?: number;
  /** Only groups numbered below this (the next page after a group). */
  beforeNumber?: number;
  /** At most this many, newest (highest number) first. */
  limit: number;
}

export type AlertGroupPatch = Partial<Omit<AlertGroupRecord, "id" | "number" | "integration" | "groupingKey" | "createdAt">>;

export function alertGroupsRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  const one = async (q: ReturnType<typeof sql>) => {
    const rows = await db.all<Row>(q);
    return rows[0] ? toRecord(rows[0]) : null;
  };
  return {
    async insert(g: AlertGroupRecord): Promise<void> {
      await db.write(sql`insert into alert_groups ${insertClause({ ...g, escalationDueAt: dueAt(g.escalation) }, GROUP_JSON_FIELDS)}`);
    },
    /** The group with this key that is not resolved yet (at most one exists). */
    findOpen(integration: string, groupingKey: string, opts: { lock?: boolean } = {}): Promise<AlertGroupRecord | null> {
      return one(
        sql`select * from alert_groups where integration = ${integration} and grouping_key = ${groupingKey} and state <> 'resolved'${opts.lock ? lock : sql``}`,
      );
    },
    get(id: string, opts: { lock?: boolean } = {}): Promise<AlertGroupRecord | null> {
      return one(sql`select * from alert_groups where id = ${id}${opts.lock ? lock : sql``}`);
    },
    /** The Slack id of a channel configured by name, as Slack returned it when another group was posted there. */
    async knownChannelId(channel: string): Promise<string | null> {
      const rows = await db.all<Row>(
        sql`select slack_channel_id from alert_groups where channel = ${channel} and slack_channel_id is not null order by created_at desc limit 1`,
      );
      return (rows[0]?.slack_channel_id as string | undefined) ?? null;
    },
    getByNumber(n: number): Promise<AlertGroupRecord | null> {
      return one(sql`select * from alert_groups where number = ${n}`);
    },
    async update(id: string, patch: AlertGroupPatch): Promise<void> {
      const withDue = patch.escalation ? { ...patch, escalationDueAt: dueAt(patch.escalation) } : patch;
      await db.write(sql`update alert_groups set ${setClause(withDue, GROUP_JSON_FIELDS)} where id = ${id}`);
    },
    async listOpen(limit = 100): Promise<AlertGroupRecord[]> {
      const rows = await db.all<Row>(sql`select * from alert_groups where state <> 'resolved' order by number desc limit ${limit}`);
      return rows.map(toRecord);
    },
    /** Open (not resolved) groups that paged `email` (any channel, any outcome), newest first. */
    async listOpenPagedFor(email: string, limit = 100): Promise<AlertGroupRecord[]> {
      const rows = await db.all<Row>(
        sql`select * from alert_groups g where g.state <> 'resolved' and exists (select 1 from pages p where p.group_id = g.id and p.user_email = ${email}) order by g.number desc limit ${limit}`,
      );
      return rows.map(toRecord);
    },
    /** Groups that existed at some time in [from, to): opened before `to`, not resolved before `from`; oldest first. */
    async listAliveBetween(from: number, to: number, limit = 500): Promise<AlertGroupRecord[]> {
      const rows = await db.all<Row>(sql`select * from alert_groups where created_at < ${to} and (resolved_at is null or resolved_at >= ${from}) order by number limit ${limit}`);
      return rows.map(toRecord);
    },
    /** Groups matching `q`, newest (highest number) first. */
    async search(q: GroupSearch): Promise<AlertGroupRecord[]> {
      const where: SQL[] = [sql`1 = 1`];
      if (q.states && q.states.length > 0) where.push(sql`state in (${sql.join(q.states.map((s) => sql`${s}`), sql`, `)})`);
      if (q.integration !== undefined) where.push(sql`integration = ${q.integration}`);
      if (q.since !== undefined) where.push(sql`created_at >= ${q.since}`);
      if (q.until !== undefined) where.push(sql`created_at < ${q.until}`);
      if (q.beforeNumber !== undefined) where.push(sql`number < ${q.beforeNumber}`);
      const rows = await db.all<Row>(sql`select * from alert_groups where ${sql.join(where, sql` and `)} order by number desc limit ${q.limit}`);
      return rows.map(toRecord);
    },
    /** Firing groups whose next escalation step is due before `before` (for the reconcile sweep). */
    async listDueEscalations(before: number, limit = 500): Promise<AlertGroupRecord[]> {
      const rows = await db.all<Row>(
        sql`select * from alert_groups where state in ('firing', 'silenced') and escalation_due_at < ${before} order by escalation_due_at limit ${limit}`,
      );
      return rows.map(toRecord);
    },
    /** The next group number: a sequence on Postgres (no lock held until commit), the counters row on SQLite (single writer anyway). */
    async nextNumber(): Promise<number> {
      const rows =
        db.dialect === "pg"
          ? await db.all<{ n: unknown }>(sql`select nextval('alert_group_number_seq') as n`)
          : await db.all<{ n: unknown }>(sql`insert into counters (name, value) values ('alert_group_number', 1) on conflict (name) do update set value = counters.value + 1 returning value as n`);
      return num(rows[0]?.n);
    },
    /** Groups not resolved, by state (firing, acknowledged, silenced): one indexed query. */
    async countOpenByState(): Promise<{ state: string; count: number }[]> {
      const rows = await db.all<Row>(sql`select state, count(*) as n from alert_groups where state <> 'resolved' group by state`);
      return rows.map((r) => ({ state: String(r.state), count: num(r.n) }));
    },
    /** Groups posted to `channel` created from `since` to `until` (what starts and fills a storm summary). */
    async countNewInChannel(channel: string, since: number, until = Number.MAX_SAFE_INTEGER): Promise<number> {
      const rows = await db.all<Row>(sql`select count(*) as n from alert_groups where channel = ${channel} and created_at >= ${since} and created_at <= ${until}`);
      return num(rows[0]?.n ?? 0);
    },
    /** The first `limit` of those, oldest first. */
    async listNewInChannel(channel: string, since: number, until: number, limit: number): Promise<AlertGroupRecord[]> {
      const rows = await db.all<Row>(
        sql`select * from alert_groups where channel = ${channel} and created_at >= ${since} and created_at <= ${until} order by created_at, number limit ${limit}`,
      );
      return rows.map(toRecord);
    },
    /** Groups of `channel` created at or after `since`, other than `exceptId`, whose own message is not posted yet. */
    async countAwaitingPost(channel: string, since: number, exceptId: string): Promise<number> {
      const rows = await db.all<Row>(
        sql`select count(*) as n from alert_groups where channel = ${channel} and created_at >= ${since} and slack_ts is null and id <> ${exceptId}`,
      );
      return num(rows[0]?.n ?? 0);
    },
    /** Who acknowledged which group when, for groups acknowledged in [from, to) (their standing acknowledgement), oldest first. */
    async listAcknowledgedBetween(from: number, to: number): Promise<{ id: string; acknowledgedBy: string; acknowledgedAt: number }[]> {
      const rows = await db.all<Row>(
        sql`select id, acknowledged_by, acknowledged_at from alert_groups where acknowledged_at >= ${from} and acknowledged_at < ${to} and acknowledged_by is not null order by acknowledged_at, id`,
      );
      return rows.map((r) => ({ id: String(r.id), acknowledgedBy: String(r.acknowledged_by), acknowledgedAt: num(r.acknowledged_at) }));
    },
    async count(): Promise<number> {
      const rows = await db.all<Row>(sql`select count(*) as n from alert_groups`);
      return num(rows[0]?.n ?? 0);
    },
  };
}

export type AlertGroupsRepository = ReturnType<typeof alertGroupsRepository>;
