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
  /**
   * Started by "add responder" (`/oncall add`): its pages go out while the group fires or is
   * acknowledged (someone asked for help), not only while it fires. Stored in the `state` column's
   * JSON (key `responder`), so no migration was needed.
   */
  responder?: boolean;
  updatedAt: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): LadderRunRecord => {
  const { responder, ...state } = parseJson(r.state, {} as LadderState & { responder?: boolean });
  return {
    groupId: String(r.group_id),
    userEmail: String(r.user_email),
    important: num(r.important) === 1,
    state,
    steps: parseJson(r.steps, []),
    responder: responder === true,
    updatedAt: num(r.updated_at),
  };
};

/** The `state` column: the ladder state, plus `responder: true` for a responder request's run. */
const stateJson = (r: LadderRunRecord) => JSON.stringify(r.responder ? { ...r.state, responder: true } : r.state);

export function ladderRunsRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    async get(groupId: string, userEmail: string, opts: { lock?: boolean } = {}): Promise<LadderRunRecord | null> {
      const rows = await db.all<Row>(sql`select * from ladder_runs where group_id = ${groupId} and user_email = ${userEmail}${opts.lock ? lock : sql``}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async save(r: LadderRunRecord): Promise<void> {
      await db.write(sql`insert into ladder_runs (group_id, user_email, important, state, steps, updated_at)
        values (${r.groupId}, ${r.userEmail}, ${r.important ? 1 : 0}, ${stateJson(r)}, ${JSON.stringify(r.steps)}, ${r.updatedAt})
        on conflict (group_id, user_email) do update set important = excluded.important, state = excluded.state, steps = excluded.steps, updated_at = excluded.updated_at`);
    },
    async listForGroup(groupId: string): Promise<LadderRunRecord[]> {
      return (await db.all<Row>(sql`select * from ladder_runs where group_id = ${groupId}`)).map(toRecord);
    },
  };
}
