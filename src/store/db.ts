import type { SQL } from "drizzle-orm";

/**
 * A connection or an open transaction, on either backend. Repositories are
 * written once against this, in SQL that SQLite 3.35+ and Postgres 15 both
 * accept; `dialect` covers the few places they differ (row locks).
 */
export interface Db {
  readonly dialect: "sqlite" | "pg";
  all<T>(query: SQL): Promise<T[]>;
  /** Runs a statement; returns the number of rows it changed. */
  run(query: SQL): Promise<number>;
  /**
   * A write whose only outcome is the transaction's. Inside a Postgres transaction it
   * is sent without waiting for the answer — pipelined with the statements after it,
   * and an error fails the transaction at commit; elsewhere it is `run`.
   */
  write(query: SQL): Promise<void>;
}

/** Thrown (or wrapped) errors that mean "another writer got there first: retry the transaction". */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  const code = e?.code ?? e?.cause?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * Errors after which running the whole transaction again is right: a unique-index
 * race, or on Postgres a deadlock (40P01) or serialization failure (40001) —
 * e.g. two transactions creating Graphile Worker queue rows in different orders.
 */
export function isRetryableConflict(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  const e = error as { code?: string; cause?: { code?: string } } | null;
  const code = e?.code ?? e?.cause?.code;
  return code === "40P01" || code === "40001";
}

/** Postgres returns bigint columns as strings; SQLite as numbers. */
export function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
