import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import type { FairnessReport } from "../../src/report/fairness-report.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import type { PageRecord } from "../../src/store/repositories/pages-repository.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const berlin = (wall: string) => DateTime.fromFormat(wall, "yyyy-MM-dd HH:mm", { zone: "Europe/Berlin" }).toMillis();

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
 * A Berlin team with weekly handovers on Monday 09:00, Alice, Bob, then Kenji (who lives in Tokyo),
 * over March and April 2026 — the week of Alice's from 23 March has the 23-hour Sunday.
 */
function rotaIcs(): string {
  const event = (uid: string, who: string, first: string) =>
    [
      "BEGIN:VEVENT",
      `UID:${uid}`,
      "DTSTAMP:20260101T000000Z",
      `DTSTART;TZID=Europe/Berlin:${first}T090000`,
      `DTEND;TZID=Europe/Berlin:${first.slice(0, 6)}${String(Number(first.slice(6)) + 7).padStart(2, "0")}T090000`,
      "RRULE:FREQ=WEEKLY;INTERVAL=3",
      `SUMMARY:On call: ${who}`,
      "END:VEVENT",
    ].join("\r\n");
  return [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//calpage tests//EN",
    "X-WR-TIMEZONE:Europe/Berlin",
    event("alice-rota", "Alice Example", "20260302"),
    event("bob-rota", "Bob Example", "20260309"),
    event("kenji-rota", "Kenji Example", "20260316"),
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

function group(n: number, over: Partial<AlertGroupRecord>): AlertGroupRecord {
  return {
    id: `grp-${randomUUID()}`,
    number: n,
    integration: "am",
    groupingKey: `k${n}`,
    state: "resolved",
    title: `Alert ${n}`,
    message: null,
    severity: null,
    labels: {},
    links: [],
    silenceUrl: null,
    chain: null,
    chainSteps: [],
    channel: null,
    alertCount: 1,
    firingCount: 0,
    truncatedAlerts: 0,
    firstAlertAt: 0,
    lastAlertAt: 0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    slackChannelId: null,
    slackTs: null,
    escalation: { status: "stopped", seq: 1, stepIndex: 0, repeatsDone: 0, nextAt: null },
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

function page(g: AlertGroupRecord, userEmail: string, channel: PageRecord["channel"], sentAt: number, state: PageRecord["state"] = "delivered"): PageRecord {
  return {
    id: `page-${randomUUID()}`,
    groupId: g.id,
    dedupeKey: `${g.id}:${userEmail}:${channel}`,
    userEmail,
    channel,
    important: false,
    state,
    attempts: 1,
    error: null,
    externalRef: state === "delivered" ? `ref-${randomUUID()}` : null,
    phone: null,
    sentAt: state === "delivered" ? sentAt : null,
    ladderKey: null,
    createdAt: sentAt,
    updatedAt: sentAt,
  };
}

describe("calpage report fairness", () => {
  let dir: string;
  let config: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "calpage-cli-report-"));
    writeFileSync(join(dir, "rota.ics"), rotaIcs());
    config = join(dir, "calpage.yaml");
    writeFileSync(
      config,
      `timezone: Europe/Berlin
users:
  - email: alice@example.com
    name: Alice Example
  - email: bob@example.com
    name: Bob Example
  - email: kenji@example.com
    name: Kenji Example
    slack_id: U0KENJI
    timezone: Asia/Tokyo
schedules:
  - name: primary
    feed: rota.ics
`,
    );
    env = { CALPAGE_DATA_DIR: join(dir, "data") };
    const store = createSqliteStore(join(dir, "data", "calpage.db"), (db, added) => sqliteJobQueue(db, added));
    await store.migrate();
    // #1: Kenji paged on Wednesday 18 March at 20:00 in Berlin — 04:00 in Tokyo — by DM, then SMS; he acknowledges 5 minutes later.
    const g1 = group(1, { acknowledgedBy: "U0KENJI", acknowledgedAt: berlin("2026-03-18 20:05") });
    // #2: Alice paged at 14:00 on 4 March; acknowledged by someone calpage does not know.
    const g2 = group(2, { acknowledgedBy: "U0STRANGER", acknowledgedAt: berlin("2026-03-04 14:10") });
    // #3: a DM to Bob Slack refused: it never reached him.
    const g3 = group(3, {});
    await store.transaction(async (tx) => {
      for (const g of [g1, g2, g3]) await tx.groups.insert(g);
      await tx.pages.insertIfNew(page(g1, "kenji@example.com", "slack_dm", berlin("2026-03-18 20:00")));
      await tx.pages.insertIfNew(page(g1, "kenji@example.com", "sms", berlin("2026-03-18 20:02")));
      await tx.pages.insertIfNew(page(g2, "alice@example.com", "slack_dm", berlin("2026-03-04 14:00")));
      await tx.pages.insertIfNew(page(g3, "bob@example.com", "slack_dm", berlin("2026-03-10 11:00"), "failed"));
    });
    await store.close();
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints each month and the whole range, with hours, nights in each person's zone, pages, acknowledgements and flags", async () => {
    const r = await calpage(["report", "fairness", "--from", "2026-03-01", "--to", "2026-04-30", "--config", config], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("Fairness report: primary, 2026-03-01 to 2026-04-30 (Europe/Berlin)");
    expect(out).toContain("the CLI cannot read Slack profiles");
    const section = (title: string) => {
      const lines = out.split("\n");
      const i = lines.indexOf(title);
      expect(i).toBeGreaterThan(-1);
      return lines.slice(i + 1, lines.indexOf("", i));
    };
    const cells = (lines: string[], who: string) => lines.find((l) => l.startsWith(who))!.split(/\s{2,}/);
    const march = section("March 2026");
    expect(march[0]).toMatch(/^person\s+zone\s+hours\s+night h\s+weekend h\s+pages\s+night pages\s+acks\s+ack median$/);
    // Alice: 2–9 March (168 h) and 23–30 March (167 h: the clocks go forward); 42 + 41 night hours; 48 + 47 weekend hours:
    // all three over 30 % above the team's mean.
    expect(cells(march, "Alice Example")).toEqual(["Alice Example", "Europe/Berlin", "335.0↑", "83.0↑", "95.0↑", "1", "0", "0", "–"]);
    // Kenji: 16–23 March, every night of it in Tokyo (7 × 6 h); paged at 04:00 his time, acknowledged after 5 minutes.
    expect(cells(march, "Kenji Example")).toEqual(["Kenji Example", "Asia/Tokyo", "168.0", "42.0", "48.0", "1", "1", "1", "5m"]);
    // Bob: 9–16 March and from 30 March 09:00 to the end of the month; the DM that failed is no page.
    expect(cells(march, "Bob Example").slice(2, 6)).toEqual(["207.0", "48.0", "48.0", "0"]);
    expect(march.find((l) => l.startsWith("team mean"))).toMatch(/^team mean\s+236\.7/);
    expect(march).toContain("  Alice Example: hours 335.0 (+42 % against a mean of 236.7)");
    const april = section("April 2026");
    expect(cells(april, "Bob Example")[2]).toBe("297.0");
    const whole = section("Whole range");
    expect(cells(whole, "Alice Example")[2]).toBe("503.0");
    expect(cells(whole, "Bob Example")[2]).toBe("504.0");
    expect(out).toContain("↑/↓: more than 30 % above/below the team mean");
    expect(out).toContain("Acknowledgements by someone who is not a calpage user (not counted for anyone): U0STRANGER ×1");
  });

  it("writes the same report as JSON for other tools", async () => {
    const r = await calpage(["report", "fairness", "--from", "2026-03", "--to", "2026-03", "--schedule", "primary", "--format", "json", "--config", config], env);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as FairnessReport;
    expect(report.from).toBe(new Date(berlin("2026-03-01 00:00")).toISOString());
    expect(report.to).toBe(new Date(berlin("2026-04-01 00:00")).toISOString());
    expect(report.months.map((m) => m.label)).toEqual(["2026-03"]);
    const kenji = report.total.people.find((p) => p.email === "kenji@example.com")!;
    expect(kenji).toMatchObject({ zone: "Asia/Tokyo", hours: 168, nightHours: 42, pages: 1, nightPages: 1, acks: 1, ackMedianSeconds: 300 });
    expect(report.total.spread!.hours.mean).toBeCloseTo((335 + 207 + 168) / 3);
    expect(report.total.people.find((p) => p.email === "alice@example.com")!.flags.find((f) => f.metric === "hours")).toEqual({
      metric: "hours",
      direction: "high",
      value: 335,
      mean: (335 + 207 + 168) / 3,
      fromMean: expect.closeTo(0.415, 3),
    });
  });

  it("says so, and exits 1, when a schedule's feed was never read: its shifts are missing", async () => {
    const other = join(dir, "unreachable.yaml");
    // Port 1 on loopback: nothing listens, and the database has no copy of this schedule's feed.
    writeFileSync(other, `users:\n  - email: alice@example.com\n    name: Alice Example\nschedules:\n  - name: elsewhere\n    feed: http://127.0.0.1:1/rota.ics\n`);
    const r = await calpage(["report", "fairness", "--from", "2026-03", "--to", "2026-03", "--config", other], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("elsewhere: no copy of the feed could be fetched or found in the database; its shifts are not in the report");
    // Alice's page of 4 March is still counted.
    expect(r.stdout).toMatch(/Alice Example \(off rota\)\s+UTC\s+0\.0\s+0\.0\s+0\.0\s+1/);
  });

  it("refuses bad options with a reason and exit code 2", async () => {
    const missing = await calpage(["report", "fairness", "--to", "2026-03-31", "--config", config], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--from is required");
    const reversed = await calpage(["report", "fairness", "--from", "2026-04-01", "--to", "2026-03-01", "--config", config], env);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain("--to must be after --from");
    const badDay = await calpage(["report", "fairness", "--from", "2026-02-30", "--to", "2026-03-31", "--config", config], env);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain("--from 2026-02-30: there is no such day");
    const schedule = await calpage(["report", "fairness", "--from", "2026-03", "--to", "2026-03", "--schedule", "nope", "--config", config], env);
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toContain('no schedule called "nope"');
    const kind = await calpage(["report", "load", "--config", config], env);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("report load: unknown report (there is: fairness)");
  });
});
