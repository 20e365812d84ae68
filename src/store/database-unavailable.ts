/**
 * Thrown when the database cannot be reached in time (no connection within the request's
 * bound, or the connection broke). Nothing was written: the caller may answer 503 and the
 * sender retries.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** Codes of errors that say "the database is not there right now", not "this statement is wrong". */
const UNAVAILABLE_CODES = new Set([
  // The network (Node), and postgres.js' own connection codes.
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // Postgres: shutting down, starting up, out of connections.
  "57P01",
  "57P02",
  "57P03",
  "53300",
  // SQLite: a read-only, full or failing disk, or a file that cannot be opened.
  "SQLITE_READONLY",
  "SQLITE_FULL",
  "SQLITE_IOERR",
  "SQLITE_CANTOPEN",
  "SQLITE_BUSY",
  "SQLITE_PERM",
]);

/**
 * Whether `error` (or the error it wraps: drizzle and our store put the driver's in `cause`)
 * means the database is unreachable or cannot take writes — a 503 and a retry, not a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08") || /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN)_/.test(code))) return true;
    const message = (e as { message?: unknown }).message;
    // node-postgres (Graphile Worker's driver) says so only in words.
    if (typeof message === "string" && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message)) return true;
  }
  return false;
}
