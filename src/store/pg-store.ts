import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { Logger, runMigrations } from "graphile-worker";
import postgres from "postgres";
import { packageRoot } from "../shared/package-root.js";
import { acquireDeadline } from "./acquire-deadline.js";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./database-unavailable.js";
import { errorText } from "../shared/error-text.js";
import { isRetryableConflict, type Db } from "./db.js";
import { makeRepositories } from "./repositories/make-repositories.js";
import type { AddedJob } from "../jobs/job-queue.js";
import { makeTx, type JobQueueFactory, type Store, type Tx } from "./store.js";

/** Any constant works; it only has to be the same in every calpage process. */
const MIGRATION_LOCK = 4_711_2026;

/** Seconds postgres.js waits for a new connection (the driver's default, 30 s, would hold jobs and shutdown long after an outage is clear). */
const CONNECT_TIMEOUT_S = 5;

/**
 * Seconds before a connection tries again after failing: doubling from 0.1 s, with jitter, at
 * most 1 s. postgres.js' default grows to 20 s, so after a 20 s outage the store came back up to
 * 20 s after the database did.
 */
const reconnectBackoff = (retries: number) => Math.min(0.1 * 2 ** retries, 1) * (0.5 + Math.random() / 2);

/**
 * `work`, or DatabaseUnavailableError once the current request's bound (see withAcquireDeadline)
 * is over. What `work` gets later is handed to `late` (a reserved connection goes back to the pool).
 */
function withinDeadline<T>(work: Promise<T>, what: string, late: (value: T) => void, ms: number | undefined): Promise<T> {
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
 * Whether the database looks unwell: a connection closed, or a statement failed for want of a
 * connection, and none has succeeded since. Only then do requests get the short bound of
 * withAcquireDeadline — a pool that is merely busy (a storm of webhooks) is waited for as before.
 */
interface Health {
  suspect: boolean;
}

/** The request's bound, while the database looks unwell; else none. */
const boundFor = (health: Health) => (health.suspect ? acquireDeadline() : undefined);

/** Sends one statement; resolves with postgres.js' rows (and `count`). */
type Send = (text: string, params?: unknown[]) => Promise<postgres.RowList<postgres.Row[]>>;

/**
 * Statements on `conn`. For a transaction's reserved connection (`link` given), the first
 * connection error marks it broken and every later statement on it fails at once, without
 * reaching postgres.js: a statement written to a reserved connection whose socket has closed
 * throws an uncaught TypeError inside the driver that would end the process (postgres.js
 * 3.4.9, a known driver bug, open upstream).
 */
function sender(conn: postgres.Sql | postgres.ReservedSql, health: Health, link?: { broken: unknown }): Send {
  return (text, params = []) => {
    if (link?.broken) return Promise.reject(new DatabaseUnavailableError(`the transaction's database connection broke (${errorText(link.broken)})`, { cause: link.broken }));
    const query = conn.unsafe(text, params as postgres.ParameterOrJSON<never>[]).execute();
    query.then(
      () => (health.suspect = false),
      (error: unknown) => {
        if (!isDatabaseUnavailable(error)) return;
        health.suspect = true;
        if (link) link.broken ??= error;
      },
    );
    return query;
  };
}

/**
 * Repository statements straight to postgres.js: the pool, or a transaction's reserved
 * connection (drizzle, built over the same client, has set its type parsers). In a
 * transaction, `write`s go out at once without waiting for their answers (postgres.js
 * pipelines queries on one connection, and Postgres runs them in order); they are
 * collected in `pending`, which the transaction settles before COMMIT.
 */
function dbOver(send: Send, dialect: PgDialect, health: Health, pending?: Promise<unknown>[]): Db {
  const sendSql = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return send(text, params);
  };
  return {
    dialect: "pg",
    // Reads outside a transaction may give up at the request's bound; writes are never abandoned (they might still land).
    all: async <T>(q: SQL) => (pending ? await sendSql(q) : await withinDeadline(sendSql(q), "read", () => undefined, boundFor(health))) as unknown as T[],
    run: async (q: SQL) => (await sendSql(q)).count,
    write: pending
      ? (q: SQL) => {
          const sent = sendSql(q);
          sent.catch(() => undefined); // answered through `pending` at commit
          pending.push(sent);
          return Promise.resolve();
        }
      : async (q: SQL) => {
          await sendSql(q);
        },
  };
}

/** The production backend: postgres.js (drizzle for migrations and SQL building); timers live in Graphile Worker's schema of the same database. */
export function createPgStore(url: string, jobQueueFor: JobQueueFactory, opts: { max?: number } = {}): Store {
  const health: Health = { suspect: false };
  const client = postgres(url, {
    max: opts.max ?? 10,
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectBackoff,
    onnotice: () => undefined,
    // A closed connection (the server went away, or was restarted) makes the next requests careful.
    onclose: () => (health.suspect = true),
  });
  const orm = drizzle(client);
  const dialect = new PgDialect();
  const listeners: ((jobs: AddedJob[]) => void)[] = [];

  return {
    dialect: "pg",
    read: makeRepositories(dbOver(sender(client, health), dialect, health)),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const added: AddedJob[] = [];
        try {
          const value = await inTransaction(client, health, (send, pending) => fn(makeTx(dbOver(send, dialect, health, pending), jobQueueFor, added)));
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
 * BEGIN goes out together with the transaction's first statement (except under a request's
 * bound, see withAcquireDeadline) instead of costing a round trip of its own (postgres.js pipelines queries sent on one
 * connection); a failed BEGIN means a broken connection, on which every
 * statement after it fails too. Pipelined writes (`pending`) are settled before
 * COMMIT; when one failed, its error is the one thrown (the statements after it
 * only say "current transaction is aborted").
 */
async function inTransaction<T>(client: postgres.Sql, health: Health, fn: (send: Send, pending: Promise<unknown>[]) => Promise<T>): Promise<T> {
  const bound = boundFor(health);
  const until = bound === undefined ? undefined : Date.now() + bound;
  // Within an HTTP request's bound, or not at all: then nothing was sent, and a 503 is honest.
  const conn = await withinDeadline(client.reserve(), "transaction", (late) => late.release(), bound);
  const link: { broken: unknown } = { broken: null };
  const send = sender(conn, health, link);
  const pending: Promise<unknown>[] = [];
  let release = true;
  try {
    const begun = send("begin");
    if (until !== undefined) {
      // Under a bound, BEGIN must be answered within it too (after an outage a pooled connection
      // is handed out at once and hangs in its reconnect here), and nothing else is sent before.
      try {
        await withinDeadline(begun, "begin", () => undefined, Math.max(1, until - Date.now()));
      } catch (error) {
        link.broken ??= error;
        // A late BEGIN leaves the connection in a transaction: end it before the pool sees it again.
        release = false;
        begun.then(
          () => conn.unsafe("rollback").then(() => conn.release(), () => conn.release()),
          () => conn.release(),
        );
        throw error;
      }
    } else pending.push(begun);
    try {
      const value = await fn(send, pending);
      await settle(pending);
      await send("commit");
      return value;
    } catch (error) {
      const cause = await settle(pending).then(
        () => error,
        (first: unknown) => first,
      );
      // A broken connection has no transaction left to roll back (and must not be written to).
      if (!link.broken) await send("rollback").catch(() => undefined);
      throw cause;
    }
  } finally {
    if (release) conn.release();
  }
}

/** Waits for every pipelined statement (including ones added meanwhile); rejects with the first failure. */
async function settle(pending: Promise<unknown>[]): Promise<void> {
  for (let i = 0; i < pending.length; i++) await pending[i];
}

const quietLogger = new Logger(() => () => undefined);
