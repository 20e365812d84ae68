import postgres from "postgres";
import { errorText } from "../shared/error-text.js";

/** Pauses between tries (ms): 1 s, doubling, at most 30 s. */
export function retryPauseMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** What to check for a connection error, in words (empty when there is nothing specific to say). */
export function connectionHint(error: unknown): string {
  const code = String((error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code ?? "");
  switch (code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve: check the host in DATABASE_URL (the password must be URL-encoded: @ is %40, / is %2F, # is %23)";
    case "ECONNREFUSED":
      return "nothing accepts connections there: is Postgres running, and are the host and port right?";
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no answer: is the host reachable from here (network, firewall)?";
    case "28P01":
      return "the password was refused: check the user and password in DATABASE_URL (URL-encoded: @ is %40)";
    case "28000":
      return "the server refuses this user from this host: check pg_hba.conf and the user name";
    case "3D000":
      return "the database does not exist: create it (createdb) or fix its name in DATABASE_URL";
    case "57P03":
      return "Postgres is still starting";
    case "53300":
      return "Postgres has no free connections: raise max_connections (about 25 per calpage process)";
    default:
      return "";
  }
}

/** `host:port (database d, user u)` of a Postgres URL, without the password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "(default)";
    return `${u.hostname || "localhost"}:${u.port || "5432"} (database ${database}, user ${decodeURIComponent(u.username) || "(default)"})`;
  } catch {
    return "the server in DATABASE_URL";
  }
}

export interface WaitForDatabaseOptions {
  log: (line: string) => void;
  /** Aborts the wait (SIGTERM while waiting): resolves false. */
  signal?: AbortSignal;
  /** One connection attempt; default: `select 1` with postgres.js, 5 s to connect. */
  probe?: (url: string) => Promise<void>;
  /** Default retryPauseMs. */
  pauseMs?: (attempt: number) => number;
  /** Sleeps `ms` unless the signal aborts first (then resolves true); tests pass one that does not sleep. */
  pause?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

function pauseFor(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}

async function selectOne(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/**
 * Waits until Postgres at `url` answers, saying at every failed try what it waits for, the
 * error and what to check, with growing pauses (1 s … 30 s). Resolves true once it answers,
 * false if `signal` aborted the wait. A database that comes up after calpage is no error.
 */
export async function waitForDatabase(url: string, opts: WaitForDatabaseOptions): Promise<boolean> {
  const probe = opts.probe ?? selectOne;
  const pauseMs = opts.pauseMs ?? retryPauseMs;
  const where = describeDatabase(url);
  // Bounded only by the signal: a deployment may start calpage long before its database.
  for (let attempt = 1; !opts.signal?.aborted; attempt++) {
    try {
      await probe(url);
      if (attempt > 1) opts.log(`calpage: Postgres at ${where} answers`);
      return true;
    } catch (error) {
      const pause = pauseMs(attempt);
      const hint = connectionHint(error);
      opts.log(`calpage: waiting for Postgres at ${where}: ${errorText(error)}${hint ? ` — ${hint}` : ""} (next try in ${Math.round(pause / 1000)} s)`);
      if (await (opts.pause ?? pauseFor)(pause, opts.signal)) return false;
    }
  }
  return false;
}
