import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import { ics, icsStamp, startFeedServer, TEAM, type FeedServer } from "./schedule-harness.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const H = 3_600_000;
const DAY = 24 * H;

async function calpage(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * `calpage shifts` and `calpage explain` (SQLite, as an operator runs them): from the network,
 * then from the stored copy with the feed down, Slack overrides included.
 */
describe("calpage shifts / explain", () => {
  let dir: string;
  let feed: FeedServer;
  let config: string;
  let env: Record<string, string>;
  // Midnight UTC two days ago: shifts are whole days, Alice then Bob then Alice…
  const t0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "calpage-cli-shifts-"));
    feed = await startFeedServer(
      ics([
        { uid: "alice@google.com", summary: "On call: Alice Example", start: new Date(t0), end: new Date(t0 + DAY), rrule: "FREQ=DAILY;INTERVAL=2" },
        { uid: "bob@google.com", summary: "On call: Bob Example", start: new Date(t0 + DAY), end: new Date(t0 + 2 * DAY), rrule: "FREQ=DAILY;INTERVAL=2" },
      ]),
    );
    config = join(dir, "calpage.yaml");
    writeFileSync(
      config,
      `users:
  - email: ${TEAM.alice.email}
    name: ${TEAM.alice.name}
  - email: ${TEAM.bob.email}
    name: ${TEAM.bob.name}
  - email: ${TEAM.carol.email}
    name: ${TEAM.carol.name}
schedules:
  - name: primary
    feed: ${feed.url}
    timezone: UTC
`,
    );
    env = { CALPAGE_DATA_DIR: join(dir, "data") };
  });

  afterAll(async () => {
    await feed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const iso = (ms: number) => new Date(ms).toISOString();

  it("prints the final schedule as JSON from the feed", async () => {
    const r = await calpage(["shifts", "primary", "--from", iso(t0 + 2 * DAY), "--to", iso(t0 + 5 * DAY), "--format", "json", "--config", config], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { schedule: string; shifts: { start: string; end: string; users: { email: string; name: string }[] }[] };
    expect(out.schedule).toBe("primary");
    expect(out.shifts.map((s) => [s.start, s.end, s.users.map((u) => u.name).join()])).toEqual([
      [iso(t0 + 2 * DAY), iso(t0 + 3 * DAY), "Alice Example"],
      [iso(t0 + 3 * DAY), iso(t0 + 4 * DAY), "Bob Example"],
      [iso(t0 + 4 * DAY), iso(t0 + 5 * DAY), "Alice Example"],
    ]);
  });

  it("works offline from the stored copy, with Slack overrides, as a table and as ICS", async () => {
    feed.mode = "500";
    // An override made in Slack: Carol covers Bob's day, from noon.
    const store = createSqliteStore(join(dir, "data", "calpage.db"), (db, added) => sqliteJobQueue(db, added));
    await store.transaction((tx) =>
      tx.slackOverrides.insert({
        id: "ov-cli-1",
        schedule: "primary",
        userEmail: TEAM.carol.email,
        startAt: t0 + 3 * DAY + 12 * H,
        endAt: t0 + 4 * DAY,
        replacing: TEAM.bob.email,
        source: "cover",
        createdBy: "U0CAROL1",
        createdAt: Date.now(),
        cancelledAt: null,
      }),
    );
    await store.close();

    const table = await calpage(["shifts", "primary", "--from", iso(t0 + 3 * DAY), "--to", iso(t0 + 4 * DAY), "--config", config], env);
    expect(table.code).toBe(0);
    expect(table.stderr).toContain("serving the last good copy");
    const lines = table.stdout.trim().split("\n");
    expect(lines[1]).toMatch(/^start\s+end\s+on call$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).pop())).toEqual(["Bob Example", "Carol Example"]);
    expect(lines[3]).toMatch(/, 12:00 UTC/);

    const ical = await calpage(["shifts", "primary", "--from", iso(t0 + 3 * DAY), "--to", iso(t0 + 4 * DAY), "--format", "ics", "--config", config], env);
    expect(ical.code).toBe(0);
    // From inside Bob's shift: it is shown with its real start (the export's UIDs are schedule + start, so they must not move with --from).
    const midShift = await calpage(["shifts", "primary", "--from", iso(t0 + 3 * DAY + 6 * H), "--to", iso(t0 + 4 * DAY), "--format", "json", "--config", config], env);
    expect((JSON.parse(midShift.stdout) as { shifts: { start: string }[] }).shifts[0]!.start).toBe(iso(t0 + 3 * DAY));
    const midIcal = await calpage(["shifts", "primary", "--from", iso(t0 + 3 * DAY + 6 * H), "--to", iso(t0 + 4 * DAY), "--format", "ics", "--config", config], env);
    expect(midIcal.stdout.match(/^UID:.*$/gm)).toEqual(ical.stdout.match(/^UID:.*$/gm));
    expect(ical.stdout).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ical.stdout).toContain(`DTSTART:${icsStamp(new Date(t0 + 3 * DAY + 12 * H))}\r\nDTEND:${icsStamp(new Date(t0 + 4 * DAY))}\r\nSUMMARY:On call: Carol Example`);
  });

  it("explain names the event or override behind each person", async () => {
    const r = await calpage(["explain", "primary", iso(t0 + 3 * DAY + 13 * H), "--config", config], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`on call: Carol Example <${TEAM.carol.email}>`);
    expect(r.stdout).toContain(`- Carol Example <${TEAM.carol.email}>: took over from Bob Example <${TEAM.bob.email}> via a Slack cover request, override ov-cli-1 by U0CAROL1`);
    expect(r.stdout).toContain("primary feed: copy from");
    expect(r.stdout).toContain("failing: HTTP 500 from the feed");

    const local = await calpage(["explain", "primary", new Date(t0 + 2 * DAY + 9 * H).toISOString().slice(0, 16).replace("T", " "), "--config", config], env);
    expect(local.stdout).toContain(`- Alice Example <${TEAM.alice.email}>: primary feed event "On call: Alice Example" (UID alice@google.com, level L0)`);
  });

  it("refuses bad arguments with exit code 2", async () => {
    expect((await calpage(["shifts", "nosuch", "--config", config], env)).code).toBe(2);
    expect((await calpage(["shifts", "primary", "--format", "xml", "--config", config], env)).code).toBe(2);
    expect((await calpage(["shifts", "primary", "--from", "yesterday", "--config", config], env)).code).toBe(2);
    const bad = await calpage(["explain", "primary", "teatime", "--config", config], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected an ISO time");
  });
});
