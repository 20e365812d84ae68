import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";
import { setClause } from "./columns.js";

/**
 * `answered`: a call during which the callee pressed a key of the menu (only that counts as an
 * answer; see src/notify/twilio/call-answer.ts). It stays `answered` when the call ends.
 */
export type PageState = "pending" | "sending" | "sent" | "delivered" | "answered" | "failed" | "cancelled" | "throttled";

/** One delivery attempt to one person over one channel for one alert group; sent at most once. */
export interface PageRecord {
  id: string;
  groupId: string;
  /** Unique per group × escalation pass × step × person × channel: inserting it twice is a no-op. */
  dedupeKey: string;
  userEmail: string;
  channel: "slack_dm" | "sms" | "call";
  important: boolean;
  state: PageState;
  attempts: number;
  error: string | null;
  /** Where it went, e.g. `D123:1700000000.000100` for a Slack DM, the Twilio SID for SMS and calls. */
  externalRef: string | null;
  /** For SMS and calls: the number it went to. */
  phone: string | null;
  /** When it was handed to Slack/Twilio (epoch ms). */
  sentAt: number | null;
  /** The personal-ladder send key (`run.rung.attempt`), null for pages outside a ladder. */
  ladderKey: string | null;
  createdAt: number;
  updatedAt: number;
}

type Row = Record<string, unknown>;
const toPage = (r: Row): PageRecord => ({
  id: String(r.id),
  groupId: String(r.group_id),
  dedupeKey: String(r.dedupe_key),
  userEmail: String(r.user_email),
  channel: r.channel as PageRecord["channel"],
  important: num(r.important) === 1,
  state: r.state as PageState,
  attempts: num(r.attempts),
  error: (r.error as string | null) ?? null,
  externalRef: (r.external_ref as string | null) ?? null,
  phone: (r.phone as string | null) ?? null,
  sentAt: numOrNull(r.sent_at),
  ladderKey: (r.ladder_key as string | null) ?? null,
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

const insertPage = (p: PageRecord) => sql`insert into pages (id, group_id, dedupe_key, user_email, channel, important, state, attempts, error, external_ref, phone, sent_at, ladder_key, created_at, updated_at)
  values (${p.id}, ${p.groupId}, ${p.dedupeKey}, ${p.userEmail}, ${p.channel}, ${p.important ? 1 : 0}, ${p.state}, ${p.attempts}, ${p.error}, ${p.externalRef}, ${p.phone}, ${p.sentAt}, ${p.ladderKey}, ${p.createdAt}, ${p.updatedAt})
  on conflict (dedupe_key) do nothing`;

export function pagesRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    /** Inserts the page unless one with the same dedupe key exists; true when inserted. */
    async insertIfNew(p: PageRecord): Promise<boolean> {
      return (await db.run(insertPage(p))) > 0;
    },
    /**
     * Inserts the page unless one with the same dedupe key exists, without waiting to learn
     * which (a pipelined write): for callers whose follow-up work checks that the page exists.
     */
    async add(p: PageRecord): Promise<void> {
      await db.write(insertPage(p));
    },
    async get(id: string, opts: { lock?: boolean } = {}): Promise<PageRecord | null> {
      const rows = await db.all<Row>(sql`select * from pages where id = ${id}${opts.lock ? lock : sql``}`);
      return rows[0] ? toPage(rows[0]) : null;
    },
    /** Updates the page; with `unlessState`, leaves a page in that state as it is. */
    async update(
      id: string,
      patch: Partial<Pick<PageRecord, "state" | "attempts" | "error" | "externalRef" | "sentAt" | "updatedAt">>,
      opts: { unlessState?: PageState } = {},
    ): Promise<void> {
      const guard = opts.unlessState ? sql` and state <> ${opts.unlessState}` : sql``;
      await db.write(sql`update pages set ${setClause(patch, [])} where id = ${id}${guard}`);
    },
    /**
     * Send times of this number's pages over one channel since `since` (for per-number throttles).
     * A call or text Twilio took counts whatever became of it: an unanswered call (`failed` with its
     * Twilio sid) still rang the phone.
     */
    async sentToPhoneSince(phone: string, channel: PageRecord["channel"], since: number): Promise<number[]> {
      const rows = await db.all<{ sent_at: unknown }>(
        sql`select sent_at from pages where phone = ${phone} and channel = ${channel} and sent_at > ${since}
            and (state in ('sending', 'sent', 'delivered', 'answered') or (state = 'failed' and external_ref is not null)) order by sent_at`,
      );
      return rows.map((r) => num(r.sent_at));
    },
    /**
     * This number's SMS pages held back by the throttle, newest first (at most `limit`), each with its
     * group's number: what the next bundled text stands for.
     */
    async heldBackSms(phone: string, limit: number): Promise<{ id: string; groupId: string; groupNumber: number }[]> {
      const rows = await db.all<{ id: string; group_id: string; number: unknown }>(
        sql`select p.id, p.group_id, g.number from pages p join alert_groups g on g.id = p.group_id
            where p.phone = ${phone} and p.channel = 'sms' and p.state = 'throttled' order by p.created_at desc limit ${limit}`,
      );
      return rows.map((r) => ({ id: String(r.id), groupId: String(r.group_id), groupNumber: num(r.number) }));
    },
    async getByExternalRef(ref: string): Promise<PageRecord | null> {
      const rows = await db.all<Row>(sql`select * from pages where external_ref = ${ref}`);
      return rows[0] ? toPage(rows[0]) : null;
    },
    /** The newest group paged to this number by SMS or call (for bare `a`/`r` replies). */
    async newestGroupForPhone(phone: string): Promise<string | null> {
      const rows = await db.all<{ group_id: string }>(sql`select group_id from pages where phone = ${phone} order by created_at desc limit 1`);
      return rows[0]?.group_id ?? null;
    },
    /**
     * Whether another page of the group was handed to its provider before this one (claimed at
     * `sentAt`; ties broken by id): sending, sent, delivered or answered. Of pages sent at the same
     * time, exactly one finds none before it.
     */
    async wentOutBefore(groupId: string, pageId: string, sentAt: number): Promise<boolean> {
      const rows = await db.all<Row>(sql`select 1 as x from pages where group_id = ${groupId} and id <> ${pageId}
        and state in ('sending', 'sent', 'delivered', 'answered') and (sent_at < ${sentAt} or (sent_at = ${sentAt} and id < ${pageId})) limit 1`);
      return rows.length > 0;
    },
    /**
     * Every page of the groups with a page sent (or, never sent, created) in [from, to) or acknowledged
     * in [from, to): what the fairness report counts and times acknowledgements against. A group's
     * earlier pages come along, so a ladder whose first message went out before `from` is seen to
     * have been counted there (one page, in the month of its first delivery, whatever the range).
     */
    async listForReport(from: number, to: number): Promise<PageRecord[]> {
      const rows = await db.all<Row>(sql`select * from pages where group_id in (select group_id from pages where coalesce(sent_at, created_at) >= ${from} and coalesce(sent_at, created_at) < ${to})
        or group_id in (select id from alert_groups where acknowledged_at >= ${from} and acknowledged_at < ${to}) order by created_at, id`);
      return rows.map(toPage);
    },
    /** Pages to a person created in [from, to), any channel or state. */
    async countForUserBetween(email: string, from: number, to: number): Promise<number> {
      const rows = await db.all<{ n: unknown }>(sql`select count(*) as n from pages where user_email = ${email} and created_at >= ${from} and created_at < ${to}`);
      return num(rows[0]?.n ?? 0);
    },
    async listForGroup(groupId: string): Promise<PageRecord[]> {
      return (await db.all<Row>(sql`select * from pages where group_id = ${groupId} order by created_at, id`)).map(toPage);
    },
  };
}
