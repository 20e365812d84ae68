import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

/** better-sqlite3's Database class (both builds have the same API). */
export type SqliteDatabaseClass = typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;

/** Which better-sqlite3 build calpage opens its SQLite database with, and why. */
export interface SqliteDriver {
  Database: SqliteDatabaseClass;
  /** The package it came from: `better-sqlite3-napi` (13.x, Node-API) or `better-sqlite3` (12.x). */
  packageName: string;
  version: string;
  /** Set when this Node is known to crash with the build that could be loaded. */
  warning?: string;
}

/** The Node-API build (better-sqlite3 13.x, an optional dependency installed where Node ≥ 22). */
export const NAPI_PACKAGE = "better-sqlite3-napi";
/** The classic build (better-sqlite3 12.x), the one that installs on Node 20. */
export const CLASSIC_PACKAGE = "better-sqlite3";

/**
 * Which package to load, decided from Node's major version and whether the Node-API build is
 * installed. better-sqlite3 ≤ 12 derives Database and Statement from node::ObjectWrap, whose
 * destructor on Node 24.19 and later asserts that a JavaScript context is entered: a Statement
 * collected by an idle garbage collection aborts the whole process (SIGABRT, "Assertion failed:
 * (env) != nullptr"). 13.x is built on Node-API and does not; it needs Node ≥ 22, so Node 20 keeps 12.x.
 */
export function choosePackage(nodeMajor: number, napiInstalled: boolean): { packageName: string; warning?: string } {
  if (nodeMajor >= 22 && napiInstalled) return { packageName: NAPI_PACKAGE };
  if (nodeMajor >= 24) {
    return {
      packageName: CLASSIC_PACKAGE,
      warning:
        `Node ${nodeMajor} with better-sqlite3 12.x can abort the process when a statement is garbage-collected; ` +
        `install the optional dependency ${NAPI_PACKAGE} (npm ci without --omit=optional) or use Postgres`,
    };
  }
  return { packageName: CLASSIC_PACKAGE };
}

let loaded: SqliteDriver | undefined;

/** The better-sqlite3 build for this Node (see choosePackage), loaded once. */
export function sqliteDriver(): SqliteDriver {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  const installed = (id: string) => {
    try {
      require.resolve(id);
      return true;
    } catch {
      return false;
    }
  };
  const { packageName, warning } = choosePackage(nodeMajor, nodeMajor >= 22 && installed(NAPI_PACKAGE));
  const Database = require(packageName) as SqliteDatabaseClass;
  const { version } = require(`${packageName}/package.json`) as { version: string };
  loaded = { Database, packageName, version, ...(warning ? { warning } : {}) };
  return loaded;
}

/** Opens a SQLite database with the build sqliteDriver() chose. */
export function openSqliteDatabase(path: string, options?: BetterSqlite3.Options): SqliteDatabase {
  const { Database } = sqliteDriver();
  return new Database(path, options);
}
