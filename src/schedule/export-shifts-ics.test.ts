import { describe, expect, it } from "vitest";
import { expandCalendar } from "./expand-calendar.js";
import { exportShiftsIcs } from "./export-shifts-ics.js";
import { parseCalendar } from "./parse-calendar.js";
import type { Shift } from "./schedule-types.js";

const shifts: Shift[] = [
  {
    start: new Date("2026-03-30T07:00:00Z"),
    end: new Date("2026-04-06T07:00:00Z"),
    users: ["alice@example.com", "bob@example.com"],
    reasons: [
      { userEmail: "alice@example.com", source: "primary", level: 0, uid: "u1", summary: "Alice; the, primary" },
      { userEmail: "bob@example.com", source: "slack", level: 0, uid: "s1", summary: "Slack override" },
    ],
  },
  { start: new Date("2026-04-06T07:00:00Z"), end: new Date("2026-04-13T07:00:00Z"), users: ["carol@example.com"], reasons: [] },
];
const now = new Date("2026-03-29T12:34:56.789Z");
const users = [{ email: "alice@example.com", name: "Alice Ångström-Øverby, the primary on-call engineer for payments and billing", aliases: [], slackHandle: null }];

describe("exportShiftsIcs", () => {
  const text = exportShiftsIcs(shifts, { scheduleName: "payments", calendarName: "Payments on-call", now, users });

  it("writes one VEVENT per shift with UTC times and DTSTAMP from now", () => {
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(text).toContain("DTSTART:20260330T070000Z\r\nDTEND:20260406T070000Z");
    expect(text.match(/DTSTAMP:20260329T123456Z/g)).toHaveLength(2);
    expect(text).toContain("X-WR-CALNAME:Payments on-call");
  });

  it("derives stable UIDs from schedule and start", () => {
    const again = exportShiftsIcs(shifts, { scheduleName: "payments", calendarName: "renamed", now: new Date("2027-01-01T00:00:00Z") });
    const uids = (s: string) => [...s.matchAll(/^UID:(.*)$/gm)].map((m) => m[1]);
    expect(uids(again)).toEqual(uids(text));
    expect(new Set(uids(text)).size).toBe(2);
    const other = exportShiftsIcs(shifts, { scheduleName: "infra", calendarName: "x", now });
    expect(uids(other)[0]).not.toEqual(uids(text)[0]);
  });

  it("folds long lines at 75 octets without splitting characters", () => {
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(text).toMatch(/\r\n /);
  });

  it("reads back through parseCalendar as the same intervals, names and escapes intact", () => {
    const cal = parseCalendar(text, { defaultZone: "Pacific/Auckland" });
    expect(cal.problems).toEqual([]);
    const occ = expandCalendar(cal, new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    expect(occ.map((o) => [o.start.toISOString(), o.end.toISOString(), o.summary])).toEqual([
      ["2026-03-30T07:00:00.000Z", "2026-04-06T07:00:00.000Z", `On call: ${users[0]!.name}, bob@example.com`],
      ["2026-04-06T07:00:00.000Z", "2026-04-13T07:00:00.000Z", "On call: carol@example.com"],
    ]);
  });

  it("writes an empty calendar for no shifts", () => {
    const empty = exportShiftsIcs([], { scheduleName: "x", calendarName: "x", now });
    expect(parseCalendar(empty, { defaultZone: "UTC" })).toEqual({ events: [], problems: [], calendarZone: "UTC" });
  });
});
