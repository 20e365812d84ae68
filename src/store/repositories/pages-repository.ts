import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";
import { setClause } from "./columns.js";

export type PageState = "pending" | "sending" | "sent" | "failed" | "cancelled";

/** One delivery attempt to one person over one channel for one alert group; sent at most once. */
export interface PageRecord {
  id: string;
  groupId: string;
  /** Unique per group × escalation pass × step × person × channel: inserting it twice is a no-op. */
  dedupeKey: string;
  userEmail: string;
  channel: "slack_dm";
  important: boolean;
  state: PageState;
  attempts: number;
  error: string | null;
  /** Where it went, e.g. `D123:1700000000.000100` for a Slack DM. */
  externalRef: string | null;
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
  createdAt: num(r.created_at),
  updatedAt: num(r.updated_at),
});

export function pagesRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    /** Inserts the page unless one with the same dedupe key exists; true when inserted. */
    async insertIfNew(p: PageRecord): Promise<boolean> {
      const n = await db.run(sql`insert into pages (id, group_id, dedupe_key, user_email, channel, important, state, attempts, error, external_ref, created_at, updated_at)
        values (${p.id}, ${p.groupId}, ${p.dedupeKey}, ${p.userEmail}, ${p.channel}, ${p.important ? 1 : 0}, ${p.state}, ${p.attempts}, ${p.error}, ${p.externalRef}, ${p.createdAt}, ${p.updatedAt})
        on conflict (dedupe_key) do nothing`);
      return n > 0;
    },
    async get(id: string, opts: { lock?: boolean } = {}): Promise<PageRecord | null> {
      const rows = await db.all<Row>(sql`select * from pages where id = ${id}${opts.lock ? lock : sql``}`);
      return rows[0] ? toPage(rows[0]) : null;
    },
    async update(id: string, patch: Partial<Pick<PageRecord, "state" | "attempts" | "error" | "externalRef" | "updatedAt">>): Promise<void> {
      await db.run(sql`update pages set ${setClause(patch, [])} where id = ${id}`);
    },
    async listForGroup(groupId: string): Promise<PageRecord[]> {
      return (await db.all<Row>(sql`select * from pages where group_id = ${groupId} order by created_at, id`)).map(toPage);
    },
  };
}
