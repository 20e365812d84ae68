import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";

/** A storm into one channel and its summary message (see src/slack/storm-handler.ts). */
export interface StormSummaryRecord {
  id: string;
  channel: string;
  startedAt: number;
  endedAt: number | null;
  slackChannelId: string | null;
  slackTs: string | null;
}

type Row = Record<string, unknown>;

const toRecord = (r: Row): StormSummaryRecord => ({
  id: String(r.id),
  channel: String(r.channel),
  startedAt: num(r.started_at),
  endedAt: numOrNull(r.ended_at),
  slackChannelId: (r.slack_channel_id as string | null) ?? null,
  slackTs: (r.slack_ts as string | null) ?? null,
});

export function stormSummariesRepository(db: Db) {
  return {
    /** The channel's storm still going on, if any (at most one). */
    async open(channel: string): Promise<StormSummaryRecord | null> {
      const rows = await db.all<Row>(sql`select * from storm_summaries where channel = ${channel} and ended_at is null`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** The channel's latest storm, open or over. */
    async latest(channel: string): Promise<StormSummaryRecord | null> {
      const rows = await db.all<Row>(sql`select * from storm_summaries where channel = ${channel} order by started_at desc limit 1`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** Starts a storm in `channel` unless one is open already (another replica may have just started it); true when this call did. */
    async start(channel: string, at: number): Promise<boolean> {
      const changed = await db.run(
        sql`insert into storm_summaries (id, channel, started_at) values (${`${channel}@${at}`}, ${channel}, ${at}) on conflict do nothing`,
      );
      return changed > 0;
    },
    async setMessage(id: string, slackChannelId: string, slackTs: string): Promise<void> {
      await db.write(sql`update storm_summaries set slack_channel_id = ${slackChannelId}, slack_ts = ${slackTs} where id = ${id}`);
    },
    async end(id: string, at: number): Promise<void> {
      await db.write(sql`update storm_summaries set ended_at = ${at} where id = ${id} and ended_at is null`);
    },
  };
}
