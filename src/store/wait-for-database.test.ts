import { describe, expect, it } from "vitest";
import { describeDatabase, retryPauseMs, waitForDatabase } from "./wait-for-database.js";

const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("waitForDatabase", () => {
  it("says what it waits for, the error and what to check, then goes on once Postgres answers", async () => {
    const failures = [coded("ENOTFOUND", "getaddrinfo ENOTFOUND ss"), coded("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.5:5432"), coded("28P01", 'password authentication failed for user "calpage"')];
    const lines: string[] = [];
    const pauses: number[] = [];
    const up = await waitForDatabase("postgres://calpage:s3cret@db.internal:6543/oncall", {
      log: (l) => lines.push(l),
      probe: async () => {
        const next = failures.shift();
        if (next) throw next;
      },
      pause: async (ms) => {
        pauses.push(ms);
        return false;
      },
    });
    expect(up).toBe(true);
    expect(pauses).toEqual([1000, 2000, 4000]);
    expect(lines).toEqual([
      "calpage: waiting for Postgres at db.internal:6543 (database oncall, user calpage): getaddrinfo ENOTFOUND ss — the host name does not resolve: check the host in DATABASE_URL (the password must be URL-encoded: @ is %40, / is %2F, # is %23) (next try in 1 s)",
      "calpage: waiting for Postgres at db.internal:6543 (database oncall, user calpage): connect ECONNREFUSED 10.0.0.5:5432 — nothing accepts connections there: is Postgres running, and are the host and port right? (next try in 2 s)",
      'calpage: waiting for Postgres at db.internal:6543 (database oncall, user calpage): password authentication failed for user "calpage" — the password was refused: check the user and password in DATABASE_URL (URL-encoded: @ is %40) (next try in 4 s)',
      "calpage: Postgres at db.internal:6543 (database oncall, user calpage) answers",
    ]);
    expect(lines.join("\n")).not.toContain("s3cret");
  });

  it("stops waiting when told to (SIGTERM during startup) and says no more", async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const waiting = waitForDatabase("postgres://calpage@127.0.0.1:1/calpage", {
      log: (l) => lines.push(l),
      signal: stop.signal,
      probe: async () => {
        throw coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1");
      },
      pauseMs: () => 60_000,
    });
    await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    expect(await waiting).toBe(false);
    expect(lines).toHaveLength(1);
  });

  it("pauses 1 s, doubling, at most 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryPauseMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("describes a URL without its password, with Postgres' defaults", () => {
    expect(describeDatabase("postgres://u:pw@h/db")).toBe("h:5432 (database db, user u)");
    expect(describeDatabase("postgres://h")).toBe("h:5432 (database (default), user (default))");
  });
});
