import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { openSqliteDatabase } from "../../src/store/sqlite-driver.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

async function calpage(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Alice on call 09:00–10:00, Bob 10:00–11:00 (Berlin) on Monday 7 December 2026. */
const ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//calpage tests//EN",
  "BEGIN:VEVENT",
  "UID:alice-1@test",
  "DTSTAMP:20261201T000000Z",
  "DTSTART;TZID=Europe/Berlin:20261207T090000",
  "DTEND;TZID=Europe/Berlin:20261207T100000",
  "SUMMARY:Alice Example",
  "END:VEVENT",
  "BEGIN:VEVENT",
  "UID:bob-1@test",
  "DTSTAMP:20261201T000000Z",
  "DTSTART;TZID=Europe/Berlin:20261207T100000",
  "DTEND;TZID=Europe/Berlin:20261207T110000",
  "SUMMARY:Bob Example",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

const CONFIG = `timezone: Europe/Berlin
users:
  - email: alice@example.com
    name: Alice Example
    phone: "+15550000001"
    notification_rules:
      default: [slack_dm, {wait: 2m}, sms]
  - email: bob@example.com
    name: Bob Example
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
      - notify_schedule: primary
      - wait: 15m
      - notify_schedule: primary
  - name: db
    steps:
      - notify_channel: here
integrations:
  - name: prod
    type: alertmanager
    token: prod-token-0123456789
    chain: default
    channel: "#alerts"
    routes:
      - matchers: ['team="db"']
        chain: db
        channel: "#db"
`;

function payload(labels: Record<string, string>) {
  return JSON.stringify({
    version: "4",
    status: "firing",
    receiver: "calpage",
    groupKey: `{}:{alertname="DiskFull",team="${labels.team ?? ""}"}`,
    groupLabels: { alertname: "DiskFull" },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    truncatedAlerts: 0,
    alerts: [{ status: "firing", labels: { alertname: "DiskFull", ...labels }, annotations: {}, startsAt: "2026-12-07T08:50:00Z", endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: "abc" }],
  });
}

describe("calpage simulate", () => {
  let dir: string;
  let config: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "calpage-simulate-"));
    writeFileSync(join(dir, "oncall.ics"), ICS);
    config = join(dir, "calpage.yaml");
    writeFileSync(config, CONFIG);
    writeFileSync(join(dir, "api.json"), payload({ team: "api" }));
    writeFileSync(join(dir, "db.json"), payload({ team: "db" }));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ status: "firing" }));
    env = { CALPAGE_DATA_DIR: join(dir, "data"), TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001", TWILIO_AUTH_TOKEN: "tok", TWILIO_FROM_NUMBER: "+15550009999" };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the route, every step and rung with its time, and who is on call at each step's time", async () => {
    const r = await calpage(["simulate", join(dir, "api.json"), "--integration", "prod", "--at", "2026-12-07 09:50", "--config", config], env);
    expect(r.stderr).not.toContain("Error");
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("Route: the default route -> chain default, channel #alerts");
    // 09:50: Alice is on call; her ladder texts her 2 minutes later. 10:05: Bob is.
    expect(out).toMatch(/2026-12-07 09:50:00 CET +\+0s +1 +STEP +Step 1: notifying on-call of primary: Alice Example\./);
    expect(out).toMatch(/2026-12-07 09:50:00 CET +\+0s +1 +DM +Slack DM to Alice Example\./);
    expect(out).toMatch(/2026-12-07 09:52:00 CET +\+2m +1 +SMS +SMS to Alice Example\./);
    expect(out).toMatch(/2026-12-07 10:05:00 CET +\+15m +3 +STEP +Step 3: notifying on-call of primary: Bob Example\./);
    expect(out).toMatch(/2026-12-07 10:05:00 CET +\+15m +3 +DM +Slack DM to Bob Example\./);
    expect(out).toContain("End 2026-12-07 10:05:00 CET (chain_end)");
    expect(out).toContain("Nothing was stored or sent.");
  });

  it("routes by the payload's labels and prints JSON with --format json", async () => {
    const r = await calpage(["simulate", join(dir, "db.json"), "--integration", "prod", "--at", "2026-12-07T08:50:00Z", "--format", "json", "--config", config], env);
    expect(r.code).toBe(0);
    const sim = JSON.parse(r.stdout) as { at: string; groups: { route: unknown; events: { kind: string; text: string; at: string }[]; end: { reason: string } }[] };
    expect(sim.at).toBe("2026-12-07T08:50:00.000Z");
    expect(sim.groups[0]!.route).toEqual({ index: 0, label: "route 1", chain: "db", channel: "#db" });
    expect(sim.groups[0]!.events.map((e) => [e.kind, e.text, e.at])).toEqual([
      ["mention", "Step 1: @here in #db.", "2026-12-07T08:50:00.000Z"],
      ["step", "Escalation finished: the chain has no more steps.", "2026-12-07T08:50:00.000Z"],
    ]);
    expect(sim.groups[0]!.end.reason).toBe("chain_end");
  });

  it("follows Slack overrides stored in the database", async () => {
    // Bob covers Alice's 09:00–10:00 shift from 09:30 (an override made with /oncall override).
    const store = createSqliteStore(join(dir, "data", "calpage.db"), (db, added) => sqliteJobQueue(db, added));
    await store.transaction((tx) =>
      tx.slackOverrides.insert({
        id: "ov-sim-1",
        schedule: "primary",
        userEmail: "bob@example.com",
        startAt: Date.UTC(2026, 11, 7, 8, 30),
        endAt: Date.UTC(2026, 11, 7, 9, 0),
        replacing: "alice@example.com",
        source: "command",
        createdBy: "U0BOB0001",
        createdAt: Date.now(),
        cancelledAt: null,
      }),
    );
    await store.close();
    const r = await calpage(["simulate", join(dir, "api.json"), "--integration", "prod", "--at", "2026-12-07 09:50", "--config", config], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/09:50:00 CET +\+0s +1 +STEP +Step 1: notifying on-call of primary: Bob Example\./);
    expect(r.stdout).not.toContain("Alice Example");
  });

  it("applies Alice's quiet hours (/oncall me quiet) as the pager does: her SMS of a normal page is held back", async () => {
    const store = createSqliteStore(join(dir, "data", "calpage.db"), (db, added) => sqliteJobQueue(db, added));
    await store.transaction((tx) => tx.userSettings.upsert("alice@example.com", { quietFrom: "09:00", quietTo: "09:30" }, Date.now()));
    await store.close();
    try {
      const r = await calpage(["simulate", join(dir, "api.json"), "--integration", "prod", "--at", "2026-12-07 09:10", "--config", config], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/09:10:00 CET +\+0s +1 +DM +Slack DM to Alice Example\./);
      expect(r.stdout).toMatch(/09:12:00 CET +\+2m .*The SMS to Alice Example is held back: quiet hours until 09:30 \(Europe\/Berlin\)\./);
      // Outside them (09:40 -> SMS at 09:42) the SMS goes out.
      const later = await calpage(["simulate", join(dir, "api.json"), "--integration", "prod", "--at", "2026-12-07 09:40", "--config", config], env);
      expect(later.stdout).not.toContain("quiet hours");
    } finally {
      const s2 = createSqliteStore(join(dir, "data", "calpage.db"), (db, added) => sqliteJobQueue(db, added));
      await s2.transaction((tx) => tx.userSettings.upsert("alice@example.com", { quietFrom: null, quietTo: null }, Date.now()));
      await s2.close();
    }
  });

  it("changes nothing: no alert group, page or job is stored", async () => {
    const db = openSqliteDatabase(join(dir, "data", "calpage.db"), { readonly: true });
    try {
      for (const table of ["alert_groups", "pages", "ladder_runs", "counters"]) {
        expect((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n, table).toBe(0);
      }
    } finally {
      db.close();
    }
  });

  it("refuses bad input with a clear message and exit code 2", async () => {
    const unknown = await calpage(["simulate", join(dir, "api.json"), "--integration", "nosuch", "--config", config], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no integration called "nosuch"');
    expect(unknown.stderr).toContain("(integrations: prod)");

    const broken = await calpage(["simulate", join(dir, "broken.json"), "--integration", "prod", "--config", config], env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: invalid JSON/);

    const empty = await calpage(["simulate", join(dir, "empty.json"), "--integration", "prod", "--config", config], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty\.json: alerts: /);

    const badAt = await calpage(["simulate", join(dir, "api.json"), "--integration", "prod", "--at", "someday", "--config", config], env);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain("--at someday: expected an ISO time");

    const usage = await calpage(["simulate", join(dir, "api.json"), "--config", config], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: calpage simulate");
  });
});
