import type { Config } from "../config/config-types.js";
import { graphileJobQueue } from "../jobs/graphile-job-queue.js";
import { sqliteJobQueue } from "../jobs/sqlite-job-queue.js";
import { createPgStore } from "../store/pg-store.js";
import { createSqliteStore } from "../store/sqlite-store.js";
import type { Store } from "../store/store.js";

/** The store for this configuration: Postgres when DATABASE_URL is set, else the SQLite file. Loads both drivers; see openStore for one. */
export function createStore(config: Config): Store {
  const url = config.env.databaseUrl;
  return url ? createPgStore(url, (db, added) => graphileJobQueue(db, added)) : createSqliteStore(config.env.sqlitePath, (db, added) => sqliteJobQueue(db, added));
}
