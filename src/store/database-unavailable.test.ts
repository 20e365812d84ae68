import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, isDatabaseUnavailable } from "./database-unavailable.js";

const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused connection", coded("ECONNREFUSED")],
    ["a reset connection", coded("ECONNRESET")],
    ["postgres.js' connect timeout", coded("CONNECT_TIMEOUT")],
    ["a host that does not resolve", coded("ENOTFOUND")],
    ["Postgres shutting down", coded("57P01")],
    ["a connection exception class", coded("08006")],
    ["a read-only SQLite file", coded("SQLITE_READONLY")],
    ["a read-only SQLite database, extended code", coded("SQLITE_READONLY_DBMOVED")],
    ["a full disk", coded("SQLITE_FULL")],
    ["an I/O error, extended code", coded("SQLITE_IOERR_WRITE")],
    ["node-postgres losing its connection", new Error("Connection terminated unexpectedly")],
    ["our own timeout", new DatabaseUnavailableError("no database connection within 750 ms")],
    ["a driver error wrapped by drizzle", new Error("Failed query: insert …", { cause: coded("ECONNRESET") })],
  ])("%s: yes", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", coded("23505")],
    ["a syntax error", coded("42601")],
    ["a SQLite constraint", coded("SQLITE_CONSTRAINT_UNIQUE")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["not an error", "ECONNREFUSED"],
    ["nothing", undefined],
  ])("%s: no", (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
