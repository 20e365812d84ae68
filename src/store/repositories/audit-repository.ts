import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db.js";
import { num } from "../db.js";

export type AuditActorKind = "slack" | "phone" | "cli" | "api" | "system";
export type AuditSurface = "slack_button" | "slack_command" | "slack_form" | "sms" | "voice" | "cli" | "config" | "api";
export type AuditOutcome = "done" | "refused" | "failed";

/** One line of the audit trail: who did what to what, from where, and how it ended. */
export interface AuditEntry {
  at: number;
  actorKind: AuditActorKind;
  /** Slack user id, the number owner's email, the OS user, the API token's name. */
  actorId: string;
  actorName: string;
  surface: AuditSurface;
  action: string;
  target: string;
  outcome: AuditOutcome;
  /** Why it was refused or failed; null when done. */
  reason: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  /** Only entries at or after this time (epoch ms). */
  since?: number;
  /** Only entries whose actor id or name equals this (case-insensitive). */
  actor?: string;
  /** At most this many, newest first. */
  limit?: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): AuditRecord => ({
  id: num(r.id),
  at: num(r.at),
  actorKind: String(r.actor_kind) as AuditActorKind,
  actorId: String(r.actor_id),
  actorName: String(r.actor_name),
  surface: String(r.surface) as AuditSurface,
  action: String(r.action),
  target: String(r.target),
  outcome: String(r.outcome) as AuditOutcome,
  reason: r.reason === null || r.reason === undefined ? null : String(r.reason),
});

/** Append-only: there is no update; the database refuses one (trigger), and rows leave only by age. */
export function auditRepository(db: Db) {
  return {
    async add(e: AuditEntry): Promise<void> {
      await db.write(sql`insert into audit_log (at, actor_kind, actor_id, actor_name, surface, action, target, outcome, reason)
        values (${e.at}, ${e.actorKind}, ${e.actorId}, ${e.actorName}, ${e.surface}, ${e.action}, ${e.target}, ${e.outcome}, ${e.reason})`);
    },
    /** Newest first. */
    async list(q: AuditQuery = {}): Promise<AuditRecord[]> {
      const where: SQL[] = [];
      if (q.since !== undefined) where.push(sql`at >= ${q.since}`);
      if (q.actor !== undefined) where.push(sql`(lower(actor_id) = ${q.actor.toLowerCase()} or lower(actor_name) = ${q.actor.toLowerCase()})`);
      const cond = where.length ? sql` where ${sql.join(where, sql` and `)}` : sql``;
      const limit = Math.max(1, Math.min(q.limit ?? 1000, 100_000));
      return (await db.all<Row>(sql`select * from audit_log${cond} order by at desc, id desc limit ${limit}`)).map(toRecord);
    },
    /** Deletes entries older than `before`; returns how many. */
    async prune(before: number): Promise<number> {
      return db.run(sql`delete from audit_log where at < ${before}`);
    },
  };
}
