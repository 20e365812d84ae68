import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

/** One line of an alert group's history; shown as a reply in the alert message's Slack thread. */
export interface LogEntry {
  id: number;
  groupId: string;
  at: number;
  kind: string;
  text: string;
  slackTs: string | null;
}

type Row = Record<string, unknown>;
const toEntry = (r: Row): LogEntry => ({
  id: num(r.id),
  groupId: String(r.group_id),
  at: num(r.at),
  kind: String(r.kind),
  text: String(r.text),
  slackTs: (r.slack_ts as string | null) ?? null,
});

export function logRepository(db: Db) {
  return {
    async add(groupId: string, at: number, kind: string, text: string): Promise<void> {
      await db.write(sql`insert into log_entries (group_id, at, kind, text) values (${groupId}, ${at}, ${kind}, ${text})`);
    },
    async list(groupId: string): Promise<LogEntry[]> {
      return (await db.all<Row>(sql`select * from log_entries where group_id = ${groupId} order by id`)).map(toEntry);
    },
    async unposted(groupId: string): Promise<LogEntry[]> {
      return (
        await db.all<Row>(sql`select * from log_entries where group_id = ${groupId} and slack_ts is null order by id`)
      ).map(toEntry);
    },
    async markPosted(id: number, slackTs: string): Promise<void> {
      await db.write(sql`update log_entries set slack_ts = ${slackTs} where id = ${id}`);
    },
  };
}
