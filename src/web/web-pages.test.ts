import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { Shift } from "../schedule/schedule-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import { groupPage, groupTimeline } from "./group-page.js";
import { indexPage } from "./index-page.js";
import { schedulePage } from "./schedule-page.js";
import { buildTimeline } from "./schedule-timeline.js";

const names: Record<string, string> = { "alice@example.com": "Alice Example", "bob@example.com": "Bob <b>Example</b>" };
const name = (e: string) => names[e] ?? e;
const utc = (iso: string) => new Date(iso);
const shift = (start: string, end: string, users: string[], source: "primary" | "overrides" | "slack" = "primary", level = 0): Shift => ({
  start: utc(start),
  end: utc(end),
  users,
  reasons: users.map((u) => ({ userEmail: u, source, level, uid: "uid-1", summary: `Rota ${u}` })),
});

describe("schedule timeline", () => {
  const shifts = [
    shift("2026-12-07T08:00:00Z", "2026-12-09T08:00:00Z", ["alice@example.com"]),
    shift("2026-12-09T08:00:00Z", "2026-12-09T12:00:00Z", ["bob@example.com"], "slack"),
    // 12:00–18:00 on the 9th nobody is on call.
    shift("2026-12-09T18:00:00Z", "2026-12-14T08:00:00Z", ["alice@example.com"]),
  ];
  const gaps = [
    { start: utc("2026-12-06T23:00:00Z"), end: utc("2026-12-07T08:00:00Z") },
    { start: utc("2026-12-09T12:00:00Z"), end: utc("2026-12-09T18:00:00Z") },
  ];

  it("lays a week out day by day in the viewer's zone, with the override and the gaps", () => {
    const t = buildTimeline({ schedule: "primary", view: "week", start: DateTime.fromISO("2026-12-09", { zone: "Europe/Berlin" }), zone: "Europe/Berlin", shifts, gaps, name });
    expect(t.days.map((d) => d.label)).toEqual(["Mon 7 Dec", "Tue 8 Dec", "Wed 9 Dec", "Thu 10 Dec", "Fri 11 Dec", "Sat 12 Dec", "Sun 13 Dec"]);
    expect(t.from.toISOString()).toBe("2026-12-06T23:00:00.000Z");
    const wed = t.days[2]!.lanes[0]!;
    expect(wed.name).toBe("On call");
    expect(wed.bars.map((b) => [b.kind, b.label, b.leftPct, b.widthPct])).toEqual([
      ["oncall", "Alice Example", 0, 37.5],
      ["override", "Bob <b>Example</b>", 37.5, 16.67],
      ["gap", "Nobody on call", 54.17, 25],
      ["oncall", "Alice Example", 79.17, 20.83],
    ]);
    expect(t.days[2]!.lanes.map((l) => l.name)).toEqual(["On call", "Slack overrides", "Calendar"]);
    expect(t.gaps).toEqual([
      { start: "Mon 7 Dec 00:00", end: "Mon 7 Dec 09:00", hours: "9 h" },
      { start: "Wed 9 Dec 13:00", end: "Wed 9 Dec 19:00", hours: "6 h" },
    ]);
    expect(t.shifts[1]).toMatchObject({ start: "Wed 9 Dec 09:00", end: "Wed 9 Dec 13:00", people: "Bob <b>Example</b>", override: true });
    expect([t.prevStart, t.nextStart]).toEqual(["2026-11-30", "2026-12-14"]);
  });

  it("shows the same instants in another zone, and a month from its first day", () => {
    const t = buildTimeline({ schedule: "primary", view: "month", start: DateTime.fromISO("2026-12-20", { zone: "America/New_York" }), zone: "America/New_York", shifts, gaps, name });
    expect(t.days).toHaveLength(31);
    expect(t.title).toBe("December 2026");
    expect(t.gaps[1]).toEqual({ start: "Wed 9 Dec 07:00", end: "Wed 9 Dec 13:00", hours: "6 h" });
  });

  it("gives a 23-hour day its own scale on a DST change", () => {
    const dst = [shift("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", ["alice@example.com"])];
    const t = buildTimeline({ schedule: "p", view: "week", start: DateTime.fromISO("2026-03-29", { zone: "Europe/Berlin" }), zone: "Europe/Berlin", shifts: dst, gaps: [], name });
    const sunday = t.days.find((d) => d.iso === "2026-03-29")!;
    expect(sunday.lanes[0]!.bars).toEqual([expect.objectContaining({ leftPct: 0, widthPct: 100 })]);
  });

  it("escapes hostile names and schedule names in the page", () => {
    const t = buildTimeline({ schedule: "x", view: "week", start: DateTime.fromISO("2026-12-09", { zone: "UTC" }), zone: "UTC", shifts, gaps, name });
    const page = schedulePage(`<img src=x onerror=alert(1)>`, t, { name: `"><script>alert(1)</script>`, zone: "UTC" }, { loaded: true, zoneParam: null });
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img src=x");
    expect(page).not.toContain("<b>Example</b>");
    expect(page).toContain("Bob &lt;b&gt;Example&lt;/b&gt;");
    expect(page).toContain("/web/schedules/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E?view=week&amp;start=2026-11-30");
  });
});

const group: AlertGroupRecord = {
  id: "grp1",
  number: 7,
  integration: "prod",
  groupingKey: "k",
  state: "acknowledged",
  title: `</title><script>alert("title")</script>`,
  message: "Disk <i>almost</i> full",
  severity: "critical",
  labels: { alertname: "DiskFull", "<svg onload=alert(1)>": `"><script>x</script>` },
  links: [
    { title: "Runbook <b>", url: "https://runbooks.example.com/disk" },
    { title: "Evil", url: "javascript:alert(1)" },
  ],
  silenceUrl: null,
  chain: "default",
  chainSteps: [],
  channel: "#alerts",
  alertCount: 1,
  firingCount: 1,
  truncatedAlerts: 0,
  firstAlertAt: Date.UTC(2026, 11, 5, 8, 0, 0),
  lastAlertAt: Date.UTC(2026, 11, 5, 8, 0, 0),
  acknowledgedBy: "U0ALICE1",
  acknowledgedAt: Date.UTC(2026, 11, 5, 8, 3, 10),
  resolvedBy: null,
  resolvedAt: null,
  silencedBy: null,
  silencedUntil: null,
  slackChannelId: null,
  slackTs: null,
  escalation: {} as AlertGroupRecord["escalation"],
  createdAt: Date.UTC(2026, 11, 5, 8, 0, 0),
  updatedAt: Date.UTC(2026, 11, 5, 8, 3, 10),
};
const alert: StoredAlert = {
  id: "a1",
  groupId: "grp1",
  key: "k1",
  status: "firing",
  labels: { alertname: "DiskFull", instance: "<db-1>" },
  annotations: {},
  startsAt: null,
  endsAt: null,
  generatorUrl: null,
  fingerprint: null,
  receivedAt: Date.UTC(2026, 11, 5, 8, 0, 0),
  changedAt: Date.UTC(2026, 11, 5, 8, 0, 0),
};

describe("group timeline", () => {
  const entries = groupTimeline({
    alerts: [alert],
    log: [
      { id: 2, groupId: "grp1", at: Date.UTC(2026, 11, 5, 8, 3, 10), kind: "acknowledged", text: "Acknowledged by <@U0ALICE1>", slackTs: null },
      { id: 1, groupId: "grp1", at: Date.UTC(2026, 11, 5, 8, 2, 0), kind: "notify", text: "Paging Alice Example (schedule primary) at +4915112345678", slackTs: null },
    ],
    pages: [
      {
        id: "p1",
        groupId: "grp1",
        dedupeKey: "d",
        userEmail: "alice@example.com",
        channel: "slack_dm",
        important: false,
        state: "answered",
        attempts: 1,
        error: null,
        externalRef: null,
        phone: null,
        sentAt: Date.UTC(2026, 11, 5, 8, 2, 1),
        ladderKey: null,
        createdAt: Date.UTC(2026, 11, 5, 8, 2, 0),
        updatedAt: Date.UTC(2026, 11, 5, 8, 3, 10),
      },
    ],
    person: name,
    slackName: (id) => (id === "U0ALICE1" ? "Alice Example" : id),
  });

  it("puts alerts, steps, pages and answers in time order, with names for mentions and phone numbers masked", () => {
    expect(entries.map((e) => [new Date(e.at).toISOString().slice(11, 19), e.kind, e.text])).toEqual([
      ["08:00:00", "alert", "DiskFull firing (instance=<db-1>)"],
      ["08:02:00", "step", "Paging Alice Example (schedule primary) at …5678"],
      ["08:02:01", "page", "Alice Example by Slack DM: answered"],
      ["08:03:10", "answer", "Acknowledged by Alice Example"],
    ]);
  });

  it("renders hostile titles, labels, links and log lines as text", () => {
    const page = groupPage(group, entries, { name: "Alice Example", zone: "Europe/Berlin" }, { slackUrl: null, actor: (a) => (a === "U0ALICE1" ? "Alice Example" : a) });
    expect(page).not.toMatch(/<script|<svg|<i>|<b>|javascript:/);
    expect(page).toContain("#7 &lt;/title&gt;&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;");
    expect(page).toContain("<code>&lt;svg onload=alert(1)&gt;=&quot;&gt;&lt;script&gt;x&lt;/script&gt;</code>");
    expect(page).toContain(`<a href="https://runbooks.example.com/disk" rel="noreferrer">Runbook &lt;b&gt;</a>`);
    expect(page).toContain("DiskFull firing (instance=&lt;db-1&gt;)");
    // Times in the viewer's zone (Berlin is UTC+1 in December), with seconds.
    expect(page).toContain(`<time datetime="2026-12-05T08:03:10.000Z">2026-12-05 09:03:10</time><span class="kind">acknowledged</span>Acknowledged by Alice Example`);
    expect(page).toContain("Acknowledged</dt><dd><time datetime=\"2026-12-05T08:03:10.000Z\">2026-12-05 09:03:10</time> by Alice Example");
  });

  it("lists schedules and groups on the index, escaped", () => {
    const page = indexPage({ schedules: [{ name: "<pri>", onCall: ["Bob <b>Example</b>"], loaded: true }], groups: [group], groupsNote: null }, { name: "A", zone: "UTC" });
    expect(page).toContain(`<a href="/web/schedules/%3Cpri%3E">&lt;pri&gt;</a>`);
    expect(page).toContain(`<a href="/web/groups/7">#7 &lt;/title&gt;`);
    expect(page).not.toMatch(/<script|<b>/);
  });
});
