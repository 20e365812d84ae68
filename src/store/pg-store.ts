import { join } from "node:path";
import type { SQL } from "drizzle-orm";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { Logger, runMigrations } from "graphile-worker";
import postgres from "postgres";
import { packageRoot } from "../shared/package-root.js";
import { isUniqueViolation, type Db } from "./db.js";
import { makeRepositories } from "./repositories/make-repositories.js";
import { makeTx, type JobQueueFactory, type Store, type Tx } from "./store.js";

/** Any constant works; it only has to be the same in every calpage process. */
const MIGRATION_LOCK = 4_711_2026;

function dbOver(exec: Pick<PostgresJsDatabase, "execute">): Db {
  return {
    dialect: "pg",
    all: async <T>(q: SQL) => (await exec.execute(q)) as unknown as T[],
    run: async (q: SQL) => (await exec.execute(q)).count,
  };
}

/** The production backend: postgres.js through drizzle; timers live in Graphile Worker's schema of the same database. */
export function createPgStore(url: string, jobQueueFor: JobQueueFactory, opts: { max?: number } = {}): Store {
  const client = postgres(url, { max: opts.max ?? 10, onnotice: () => undefined });
  const orm = drizzle(client);
  const listeners: ((runAts: Date[]) => void)[] = [];

  return {
    dialect: "pg",
    read: makeRepositories(dbOver(orm)),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const added: Date[] = [];
        try {
          const value = await orm.transaction(async (t) => fn(makeTx(dbOver(t), jobQueueFor, added)));
          if (added.length > 0) for (const l of listeners) l(added);
          return value;
        } catch (error) {
          if (attempt >= 3 || !isUniqueViolation(error)) throw error;
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

const quietLogger = new Logger(() => () => undefined);
