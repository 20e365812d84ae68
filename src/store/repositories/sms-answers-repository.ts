import { sql } from "drizzle-orm";
import { newId } from "../../shared/ids.js";
import type { Db } from "../db.js";
import { num } from "../db.js";

export function smsAnswersRepository(db: Db) {
  return {
    async countSince(phone: string, since: number): Promise<number> {
      const rows = await db.all<{ n: unknown }>(sql`select count(*) as n from sms_answers where phone = ${phone} and at > ${since}`);
      return num(rows[0]?.n ?? 0);
    },
    async add(phone: string, at: number): Promise<void> {
      await db.write(sql`insert into sms_answers (id, phone, at) values (${newId()}, ${phone}, ${at})`);
    },
  };
}
