import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database, { type Statement } from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { packageRoot } from "../shared/package-root.js";
import { isUniqueViolation, type Db } from "./db.js";
import { makeRepositories } from "./repositories/make-repositories.js";
import { makeTx, type JobQueueFactory, type Store, type Tx } from "./store.js";

/**
 * The embedded backend: one better-sqlite3 connection in WAL mode. Transactions
 * are serialised by a promise chain, since every statement runs on the one
 * connection and an `await` inside a transaction must not let another one in.
 */
export function createSqliteStore(path: string, jobQueueFor: JobQueueFactory): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const orm = drizzle(sqlite);
  // Repository queries are a small fixed set: prepare each SQL text once and reuse it.
  const dialect = new SQLiteSyncDialect();
  const statements = new Map<string, Statement>();
  const prepared = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    let stmt = statements.get(text);
    if (!stmt) {
      stmt = sqlite.prepare(text);
      if (statements.size > 2000) statements.clear();
      statements.set(text, stmt);
    }
    return { stmt, params: params as unknown[] };
  };
  const db: Db = {
    dialect: "sqlite",
    all: async <T>(q: SQL) => {
      const { stmt, params } = prepared(q);
      return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
    },
    run: async (q: SQL) => {
      const { stmt, params } = prepared(q);
      return stmt.reader ? (stmt.all(...params), 0) : stmt.run(...params).changes;
    },
  };
  let chain: Promise<unknown> = Promise.resolve();
  const listeners: ((runAts: Date[]) => void)[] = [];

  async function runOnce<T>(fn: (tx: Tx) => Promise<T>): Promise<{ value: T; added: Date[] }> {
    const added: Date[] = [];
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const value = await fn(makeTx(db, jobQueueFor, added));
      sqlite.exec("COMMIT");
      return { value, added };
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      throw error;
    }
  }

  return {
    dialect: "sqlite",
    read: makeRepositories(db),
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const run = chain.then(async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            const { value, added } = await runOnce(fn);
            if (added.length > 0) for (const l of listeners) l(added);
            return value;
          } catch (error) {
            if (attempt >= 3 || !isUniqueViolation(error)) throw error;
          }
        }
      });
      chain = run.catch(() => undefined);
      return run;
    },
    async migrate() {
      migrate(orm, { migrationsFolder: join(packageRoot(), "migrations", "sqlite") });
    },
    onJobsCommitted(listener) {
      listeners.push(listener);
    },
    async close() {
      await chain;
      sqlite.close();
    },
  };
}
