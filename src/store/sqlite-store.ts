import { AsyncResource } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Statement } from "better-sqlite3";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { packageRoot } from "../shared/package-root.js";
import { openSqliteDatabase } from "./sqlite-driver.js";
import { isUniqueViolation, type Db } from "./db.js";
import { makeRepositories } from "./repositories/make-repositories.js";
import type { AddedJob } from "../jobs/job-queue.js";
import { makeTx, type JobQueueFactory, type Store, type Tx } from "./store.js";

/** How many waiting transactions one COMMIT may carry. */
const MAX_BATCH = 64;

interface Pending {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded backend: one better-sqlite3 connection (the build sqlite-driver.ts picks for this Node) in WAL mode. Transactions
 * are serialised (every statement runs on the one connection and an `await`
 * inside a transaction must not let another one in) and group-committed.
 */
export function createSqliteStore(path: string, jobQueueFor: JobQueueFactory): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = openSqliteDatabase(path);
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
    write: async (q: SQL) => {
      const { stmt, params } = prepared(q);
      if (stmt.reader) stmt.all(...params);
      else stmt.run(...params);
    },
  };
  const listeners: ((jobs: AddedJob[]) => void)[] = [];
  const queue: Pending[] = [];
  let draining: Promise<void> | null = null;

  /**
   * Group commit: transactions asked for while one is running are run together
   * in the next BEGIN … COMMIT, each inside its own SAVEPOINT. One that throws
   * is rolled back to its savepoint alone; the rest commit. Every caller is
   * answered only after the COMMIT that holds its writes, so "resolved" still
   * means "durable". Under load this turns hundreds of commits a second into
   * a few dozen; alone, a transaction runs at once as before.
   */
  async function runBatch(batch: Pending[]): Promise<void> {
    const done: { item: Pending; value: unknown; added: AddedJob[] }[] = [];
    try {
      sqlite.exec("BEGIN IMMEDIATE");
      for (const item of batch) {
        for (let attempt = 1; ; attempt++) {
          const added: AddedJob[] = [];
          sqlite.exec("SAVEPOINT calpage_tx");
          try {
            const value = await item.fn(makeTx(db, jobQueueFor, added));
            sqlite.exec("RELEASE calpage_tx");
            done.push({ item, value, added });
            break;
          } catch (error) {
            // Some errors (disk full, I/O) end the whole transaction: the batch is lost, say so to everyone.
            if (!sqlite.inTransaction) throw error;
            sqlite.exec("ROLLBACK TO calpage_tx");
            sqlite.exec("RELEASE calpage_tx");
            if (attempt >= 3 || !isUniqueViolation(error)) {
              item.reject(error);
              break;
            }
          }
        }
      }
      sqlite.exec("COMMIT");
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      for (const item of batch) if (!done.some((d) => d.item === item)) item.reject(error);
      for (const d of done) d.item.reject(error);
      return;
    }
    for (const d of done) {
      if (d.added.length > 0) for (const l of listeners) l(d.added);
      d.item.resolve(d.value);
    }
  }

  function drain(): Promise<void> {
    draining ??= (async () => {
      try {
        while (queue.length > 0) await runBatch(queue.splice(0, MAX_BATCH));
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  return {
    dialect: "sqlite",
    read: makeRepositories(db),
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // Bound to the caller's async context: a batch runs every queued transaction, and each one's
        // log lines must still say which request or job it belongs to (src/shared/log-context.ts).
        queue.push({ fn: AsyncResource.bind(fn), resolve: resolve as (v: unknown) => void, reject });
        void drain();
      });
    },
    async migrate() {
      migrate(orm, { migrationsFolder: join(packageRoot(), "migrations", "sqlite") });
    },
    onJobsCommitted(listener) {
      listeners.push(listener);
    },
    async close() {
      await draining;
      sqlite.close();
    },
  };
}
