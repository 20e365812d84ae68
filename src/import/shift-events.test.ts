import { describe, expect, it } from "vitest";
import type { OncallShift } from "./grafana-oncall-types.js";
import { shiftEvents, writeIcs } from "./shift-events.js";

const people: Record<string, string> = { UA: "alice@example.com", UB: "bob@example.com", UC: "carol@example.com" };
const person = (id: string) => people[id] ?? null;

function events(shift: Partial<OncallShift>, zone = "Europe/Berlin") {
  const report: string[] = [];
  const list = shiftEvents({ id: "O1", type: "rolling_users", start: "2026-01-05T09:00:00", duration: 86400, ...shift } as OncallShift, zone, person, (m) => report.push(m));
  return { list: list.map((e) => [e.start.toISO({ suppressMilliseconds: true }), e.end.toISO({ suppressMilliseconds: true }), e.rrule, e.summary]), report };
}

describe("shiftEvents", () => {
  it("a weekly rotation of three: each person every third week, from the user index it starts at", () => {
    const { list } = events({ frequency: "weekly", interval: 1, duration: 604800, level: 1, rolling_users: [["UA"], ["UB"], ["UC"]], start_rotation_from_user_index: 1 });
    expect(list).toEqual([
      ["2026-01-05T09:00:00+01:00", "2026-01-12T09:00:00+01:00", "FREQ=WEEKLY;INTERVAL=3", "[L1] bob@example.com"],
      ["2026-01-12T09:00:00+01:00", "2026-01-19T09:00:00+01:00", "FREQ=WEEKLY;INTERVAL=3", "[L1] carol@example.com"],
      ["2026-01-19T09:00:00+01:00", "2026-01-26T09:00:00+01:00", "FREQ=WEEKLY;INTERVAL=3", "[L1] alice@example.com"],
    ]);
  });

  it("a rotation edited later starts each group at its first turn after rotation_start, keeping the order", () => {
    const { list } = events({ frequency: "daily", interval: 2, rolling_users: [["UA"], ["UB"]], rotation_start: "2026-01-10T00:00:00", until: "2026-03-01T00:00:00" });
    // Turns of 2 days: alice 5th, bob 7th, alice 9th, bob 11th…: the first ones ending after the 10th are the 9th and 11th.
    expect(list).toEqual([
      ["2026-01-09T09:00:00+01:00", "2026-01-10T09:00:00+01:00", "FREQ=DAILY;INTERVAL=4;UNTIL=20260301T000000Z", "alice@example.com"],
      ["2026-01-11T09:00:00+01:00", "2026-01-12T09:00:00+01:00", "FREQ=DAILY;INTERVAL=4;UNTIL=20260301T000000Z", "bob@example.com"],
    ]);
  });

  it("a weekly rotation on chosen days that starts mid-week hands over at the week's start", () => {
    const { list } = events({ start: "2026-01-07T09:00:00", duration: 28800, frequency: "weekly", week_start: "MO", by_day: ["MO", "WE", "FR"], rolling_users: [["UA"], ["UB"]] });
    expect(list).toEqual([
      ["2026-01-07T09:00:00+01:00", "2026-01-07T17:00:00+01:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=MO", "alice@example.com"],
      ["2026-01-12T09:00:00+01:00", "2026-01-12T17:00:00+01:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=MO", "bob@example.com"],
    ]);
  });

  it("monthly rotations, recurrent events, single events and overrides", () => {
    expect(events({ frequency: "monthly", rolling_users: [["UA", "UB"], ["UC"]], start: "2026-01-31T00:00:00" }, "UTC").list.map((e) => [e[0], e[2], e[3]])).toEqual([
      ["2026-01-31T00:00:00Z", "FREQ=MONTHLY;INTERVAL=2", "alice@example.com"],
      ["2026-01-31T00:00:00Z", "FREQ=MONTHLY;INTERVAL=2", "bob@example.com"],
      ["2026-02-28T00:00:00Z", "FREQ=MONTHLY;INTERVAL=2", "carol@example.com"],
    ]);
    expect(events({ type: "recurrent_event", frequency: "weekly", interval: 2, by_day: ["SA", "SU"], users: ["UC"], level: 3, time_zone: "America/New_York" }).list).toEqual([
      ["2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU", "[L3] carol@example.com"],
    ]);
    expect(events({ type: "override", users: ["UA"], level: 5, duration: 3600 }).list).toEqual([["2026-01-05T09:00:00+01:00", "2026-01-05T10:00:00+01:00", null, "alice@example.com"]]);
    // Without a frequency, once: a rotation's first group.
    expect(events({ frequency: null, rolling_users: [["UB"], ["UA"]], duration: 3600 }).list).toEqual([["2026-01-05T09:00:00+01:00", "2026-01-05T10:00:00+01:00", null, "bob@example.com"]]);
  });

  it("says what it leaves out: unknown people, empty rotations, bad times", () => {
    expect(events({ type: "single_event", users: ["UA", "UX"] }).report).toEqual(['shift "O1" (O1): user UX is not among the users read; left out of the shift']);
    expect(events({ frequency: "weekly", rolling_users: [] }).report).toEqual(['shift "O1" (O1): nobody on the rotation; not carried over']);
    expect(events({ start: "next monday", users: ["UA"] }).report[0]).toContain('its start "next monday" is not a date and time; not carried over');
    expect(events({ frequency: "yearly", rolling_users: [["UA"]] }).report).toEqual(['shift "O1" (O1): unknown frequency "yearly"; not carried over']);
  });

  it("writes events with their zone, folded and escaped", () => {
    const { list } = { list: shiftEvents({ id: "O1", type: "single_event", start: "2026-01-05T09:00:00", duration: 3600, users: ["UA"] }, "Europe/Berlin", () => "Müller, Anna", () => {}) };
    const ics = writeIcs("Primary; main", "Europe/Berlin", list, new Date("2026-01-01T00:00:00Z"));
    expect(ics).toContain("DTSTART;TZID=Europe/Berlin:20260105T090000\r\n");
    expect(ics).toContain("SUMMARY:Müller\\, Anna\r\n");
    expect(ics).toContain("X-WR-CALNAME:Primary\\; main\r\n");
  });
});
