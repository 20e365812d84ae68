import type { Config } from "../config/config-types.js";
import type { Store } from "../store/store.js";

/**
 * {@link createStore}, loading only the chosen backend: a CLI command on SQLite does not load
 * postgres.js and Graphile Worker (nor better-sqlite3 on Postgres) before it can answer.
 */
export async function openStore(config: Config): Promise<Store> {
  const url = config.env.databaseUrl;
  if (url) {
    const [{ createPgStore }, { graphileJobQueue }] = await Promise.all([import("../store/pg-store.js"), import("../jobs/graphile-job-queue.js")]);
    return createPgStore(url, (db, added) => graphileJobQueue(db, added));
  }
  const [{ createSqliteStore }, { sqliteJobQueue }] = await Promise.all([import("../store/sqlite-store.js"), import("../jobs/sqlite-job-queue.js")]);
  return createSqliteStore(config.env.sqlitePath, (db, added) => sqliteJobQueue(db, added));
}
