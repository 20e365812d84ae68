import { sql } from "drizzle-orm";
import type { LadderStep } from "../../config/config-types.js";
import type { LadderState } from "../../notify/ladder/ladder.js";
import type { Db } from "../db.js";
import { num } from "../db.js";
import { parseJson } from "./columns.js";

/** One person's ladder for one alert group, with the steps as they were when it started. */
export interface LadderRunRecord {
  groupId: string;
  userEmail: string;
  important: boolean;
  state: LadderState;
  steps: LadderStep[];
  updatedAt: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): LadderRunRecord => ({
  groupId: String(r.group_id),
  userEmail: String(r.user_email),
  important: num(r.important) === 1,
  state: parseJson(r.state, {} as LadderState),
  steps: parseJson(r.steps, []),
  updatedAt: num(r.updated_at),
});

export function ladderRunsRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    async get(groupId: string, userEmail: string, opts: { lock?: boolean } = {}): Promise<LadderRunRecord | null> {
      const rows = await db.all<Row>(sql`select * from ladder_runs where group_id = ${groupId} and user_email = ${userEmail}${opts.lock ? lock : sql``}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async save(r: LadderRunRecord): Promise<void> {
      await db.write(sql`insert into ladder_runs (group_id, user_email, important, state, steps, updated_at)
        values (${r.groupId}, ${r.userEmail}, ${r.important ? 1 : 0}, ${JSON.stringify(r.state)}, ${JSON.stringify(r.steps)}, ${r.updatedAt})
        on conflict (group_id, user_email) do update set important = excluded.important, state = excluded.state, steps = excluded.steps, updated_at = excluded.updated_at`);
    },
    async listForGroup(groupId: string): Promise<LadderRunRecord[]> {
      return (await db.all<Row>(sql`select * from ladder_runs where group_id = ${groupId}`)).map(toRecord);
    },
  };
}
