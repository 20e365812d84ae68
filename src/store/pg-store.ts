import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { Logger, runMigrations } from "graphile-worker";
import postgres from "postgres";
import { packageRoot } from "../shared/package-root.js";
import { acquireDeadline } from "./acquire-deadline.js";
import { DatabaseUnavailableError } from "./database-unavailable.js";
import { isRetryableConflict, type Db } from "./db.js";
import { makeRepositories } from "./repositories/make-repositories.js";
import type { AddedJob } from "../jobs/job-queue.js";
import { makeTx, type JobQueueFactory, type Store, type Tx } from "./store.js";

/** Any constant works; it only has to be the same in every calpage process. */
const MIGRATION_LOCK = 4_711_2026;

/** Seconds postgres.js waits for a new connection (the driver's default, 30 s, would hold jobs and shutdown long after an outage is clear). */
const CONNECT_TIMEOUT_S = 5;

/**
 * `work`, or DatabaseUnavailableError once the current request's bound (see withAcquireDeadline)
 * is over. What `work` gets later is handed to `late` (a reserved connection goes back to the pool).
 */
function withinDeadline<T>(work: Promise<T>, what: string, late: (value: T) => void = () => undefined): Promise<T> {
  const ms = acquireDeadline();
  if (ms === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new DatabaseUnavailableError(`no database connection within ${ms} ms (${what})`));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        if (settled) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!settled) reject(error);
      },
    );
  });
}

/**
 * Repository statements straight to postgres.js: the pool, or a transaction's reserved
 * connection (drizzle, built over the same client, has set its type parsers). In a
 * transaction, `write`s go out at once without waiting for their answers (postgres.js
 * pipelines queries on one connection, and Postgres runs them in order); they are
 * collected in `pending`, which the transaction settles before COMMIT.
 */
function dbOver(conn: postgres.Sql | postgres.ReservedSql, dialect: PgDialect, pending?: Promise<unknown>[]): Db {
  const send = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return conn.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
  };
  return {
    dialect: "pg",
    // Reads outside a transaction may give up at the request's bound; writes are never abandoned (they might still land).
    all: async <T>(q: SQL) => (pending ? await send(q) : await withinDeadline(send(q).execute(), "read")) as unknown as T[],
    run: async (q: SQL) => (await send(q)).count,
    write: pending
      ? (q: SQL) => {
          const sent = send(q).execute();
          sent.catch(() => undefined); // answered through `pending` at commit
          pending.push(sent);
          return Promise.resolve();
        }
      : async (q: SQL) => {
          await send(q);
        },
  };
}

/** The production backend: postgres.js (drizzle for migrations and SQL building); timers live in Graphile Worker's schema of the same database. */
export function createPgStore(url: string, jobQueueFor: JobQueueFactory, opts: { max?: number } = {}): Store {
  const client = postgres(url, { max: opts.max ?? 10, connect_timeout: CONNECT_TIMEOUT_S, onnotice: () => undefined });
  const orm = drizzle(client);
  const dialect = new PgDialect();
  const listeners: ((jobs: AddedJob[]) => void)[] = [];

  return {
    dialect: "pg",
    read: makeRepositories(dbOver(client, dialect)),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const added: AddedJob[] = [];
        try {
          const value = await inTransaction(client, (conn, pending) => fn(makeTx(dbOver(conn, dialect, pending), jobQueueFor, added)));
          if (added.length > 0) for (const l of listeners) l(added);
          return value;
        } catch (error) {
          if (attempt >= 3 || !isRetryableConflict(error)) throw error;
        }
      }
    },
    async migrate() {
      // Two processes starting together must not both create tables: hold a session-level advisory lock.
      const conn = await client.reserve();
      try {
        await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migrate(orm, { migrationsFolder: join(packageRoot(), "migrations", "pg") });
        await runMigrations({ connectionString: url, logger: quietLogger });
      } finally {
        await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => undefined);
        conn.release();
      }
    },
    onJobsCommitted(listener) {
      listeners.push(listener);
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

/**
 * BEGIN goes out together with the transaction's first statement instead of
 * costing a round trip of its own (postgres.js pipelines queries sent on one
 * connection); a failed BEGIN means a broken connection, on which every
 * statement after it fails too. Pipelined writes (`pending`) are settled before
 * COMMIT; when one failed, its error is the one thrown (the statements after it
 * only say "current transaction is aborted").
 */
async function inTransaction<T>(client: postgres.Sql, fn: (conn: postgres.ReservedSql, pending: Promise<unknown>[]) => Promise<T>): Promise<T> {
  // Within an HTTP request's bound, or not at all: then nothing was sent, and a 503 is honest.
  const conn = await withinDeadline(client.reserve(), "transaction", (late) => late.release());
  const pending: Promise<unknown>[] = [];
  try {
    const begun = conn.unsafe("begin").execute();
    pending.push(begun);
    try {
      const value = await fn(conn, pending);
      await settle(pending);
      await conn.unsafe("commit");
      return value;
    } catch (error) {
      const cause = await settle(pending).then(
        () => error,
        (first: unknown) => first,
      );
      await conn.unsafe("rollback").catch(() => undefined);
      throw cause;
    }
  } finally {
    conn.release();
  }
}

/** Waits for every pipelined statement (including ones added meanwhile); rejects with the first failure. */
async function settle(pending: Promise<unknown>[]): Promise<void> {
  for (let i = 0; i < pending.length; i++) await pending[i];
}

const quietLogger = new Logger(() => () => undefined);
