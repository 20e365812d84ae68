import { sql } from "drizzle-orm";
import type { NotificationRules } from "../../config/config-types.js";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";
import { parseJson, setClause } from "./columns.js";

/** What a person changed about themselves in Slack; absent fields fall back to calpage.yaml. */
export interface UserSettingsRecord {
  email: string;
  /** Verified phone (E.164) that replaces the configured one; null = use calpage.yaml's. */
  phone: string | null;
  phoneVerifiedAt: number | null;
  /** A phone waiting for its SMS code. */
  pendingPhone: string | null;
  codeHash: string | null;
  codeExpiresAt: number | null;
  codeAttempts: number;
  rules: NotificationRules | null;
  smsOptOut: boolean;
  /** Quiet hours as local `HH:MM` times in the person's zone (`to` <= `from`: overnight); null = none. */
  quietFrom: string | null;
  quietTo: string | null;
  /** Shift reminders before each shift (ms; [] = none); null = the schedule's. */
  reminders: number[] | null;
  updatedAt: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): UserSettingsRecord => ({
  email: String(r.email),
  phone: (r.phone as string | null) ?? null,
  phoneVerifiedAt: numOrNull(r.phone_verified_at),
  pendingPhone: (r.pending_phone as string | null) ?? null,
  codeHash: (r.code_hash as string | null) ?? null,
  codeExpiresAt: numOrNull(r.code_expires_at),
  codeAttempts: num(r.code_attempts ?? 0),
  rules: r.rules ? parseJson<NotificationRules | null>(r.rules, null) : null,
  smsOptOut: num(r.sms_opt_out ?? 0) === 1,
  quietFrom: (r.quiet_from as string | null) ?? null,
  quietTo: (r.quiet_to as string | null) ?? null,
  reminders: r.reminders ? parseJson<number[] | null>(r.reminders, null) : null,
  updatedAt: num(r.updated_at),
});

export function userSettingsRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    async get(email: string, opts: { lock?: boolean } = {}): Promise<UserSettingsRecord | null> {
      const rows = await db.all<Row>(sql`select * from user_settings where email = ${email}${opts.lock ? lock : sql``}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** Everyone whose settings mention this phone (current or pending) — for inbound SMS and STOP. */
    async findByPhone(phone: string): Promise<UserSettingsRecord[]> {
      return (await db.all<Row>(sql`select * from user_settings where phone = ${phone} or pending_phone = ${phone}`)).map(toRecord);
    },
    /** Everyone who has set quiet hours (their zones are worth knowing before a page comes). */
    async emailsWithQuietHours(): Promise<string[]> {
      return (await db.all<Row>(sql`select email from user_settings where quiet_from is not null order by email`)).map((r) => String(r.email));
    },
    /** Creates the row if needed, then applies the patch. */
    async upsert(email: string, patch: Partial<Omit<UserSettingsRecord, "email">>, now: number): Promise<void> {
      await db.write(sql`insert into user_settings (email, code_attempts, sms_opt_out, updated_at) values (${email}, 0, 0, ${now}) on conflict (email) do nothing`);
      const { smsOptOut, rules, reminders, ...rest } = patch;
      const row: Record<string, unknown> = { ...rest, updatedAt: now };
      if (smsOptOut !== undefined) row.smsOptOut = smsOptOut ? 1 : 0;
      if (rules !== undefined) row.rules = rules === null ? null : JSON.stringify(rules);
      if (reminders !== undefined) row.reminders = reminders === null ? null : JSON.stringify(reminders);
      await db.write(sql`update user_settings set ${setClause(row, [])} where email = ${email}`);
    },
  };
}
