import { sql } from "drizzle-orm";
import type { Db } from "../db.js";

type Row = Record<string, unknown>;

/** Secrets calpage generated once (integration tokens left unset), stable across restarts and replicas. */
export function generatedSecretsRepository(db: Db) {
  return {
    async get(name: string): Promise<string | null> {
      const rows = await db.all<Row>(sql`select value from generated_secrets where name = ${name}`);
      return rows[0] ? String(rows[0].value) : null;
    },
    /** Stores `value` unless `name` already has one; returns the value that is stored (first writer wins). */
    async getOrCreate(name: string, value: string, now: number): Promise<string> {
      await db.run(sql`insert into generated_secrets (name, value, created_at) values (${name}, ${value}, ${now}) on conflict (name) do nothing`);
      const rows = await db.all<Row>(sql`select value from generated_secrets where name = ${name}`);
      return String(rows[0]!.value);
    },
  };
}
