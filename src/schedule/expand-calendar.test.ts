import { describe, expect, it } from "vitest";
import { expandCalendar } from "./expand-calendar.js";
import { parseCalendar } from "./parse-calendar.js";
import type { CalendarEvent, ScheduleProblem } from "./schedule-types.js";

const wrap = (body: string, head = "") => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n${head}${body.trim().split("\n").join("\r\n")}\r\nEND:VCALENDAR\r\n`;
const iso = (d: Date) => d.toISOString();
const span = (o: { start: Date; end: Date }) => `${iso(o.start)}/${iso(o.end)}`;

describe("expandCalendar", () => {
  it("finds a week-long occurrence already under way at `from`", () => {
    const cal = parseCalendar(
      wrap(`BEGIN:VEVENT
UID:w
DTSTART;TZID=Europe/Berlin:20260302T090000
DTEND;TZID=Europe/Berlin:20260309T090000
RRULE:FREQ=WEEKLY
SUMMARY:Alice
END:VEVENT`),
      { defaultZone: "UTC" },
    );
    const got = expandCalendar(cal, new Date("2026-03-05T12:00:00Z"), new Date("2026-03-05T13:00:00Z"));
    expect(got.map(span)).toEqual(["2026-03-02T08:00:00.000Z/2026-03-09T08:00:00.000Z"]);
    expect(got[0]!.source).toBe("primary");
    expect(expandCalendar(cal, new Date("2026-03-05T12:00:00Z"), new Date("2026-03-05T13:00:00Z"), { source: "overrides" })[0]!.source).toBe("overrides");
  });

  it("treats the window as half-open: an occurrence ending at `from` or starting at `to` is out", () => {
    const cal = parseCalendar(wrap(`BEGIN:VEVENT\nUID:a\nDTSTART:20260302T080000Z\nDTEND:20260302T090000Z\nSUMMARY:A\nEND:VEVENT`), { defaultZone: "UTC" });
    expect(expandCalendar(cal, new Date("2026-03-02T09:00:00Z"), new Date("2026-03-03T00:00:00Z"))).toEqual([]);
    expect(expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-02T08:00:00Z"))).toEqual([]);
    expect(expandCalendar(cal, new Date("2026-03-02T08:59:59Z"), new Date("2026-03-02T09:00:00Z"))).toHaveLength(1);
  });

  it("shows a moved instance whose new time is in the window though its original time is not", () => {
    const cal = parseCalendar(
      wrap(`BEGIN:VEVENT
UID:m
DTSTART:20260301T090000Z
DTEND:20260301T100000Z
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Alice
END:VEVENT
BEGIN:VEVENT
UID:m
RECURRENCE-ID:20260302T090000Z
DTSTART:20260310T090000Z
DTEND:20260310T100000Z
SUMMARY:Bob
END:VEVENT`),
      { defaultZone: "UTC" },
    );
    const got = expandCalendar(cal, new Date("2026-03-09T00:00:00Z"), new Date("2026-03-20T00:00:00Z"));
    expect(got.map((o) => [o.summary, span(o)])).toEqual([["Bob", "2026-03-10T09:00:00.000Z/2026-03-10T10:00:00.000Z"]]);
    const all = expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-20T00:00:00Z"));
    expect(all.map((o) => o.summary)).toEqual(["Alice", "Alice", "Bob"]);
  });

  it("fast-forwards old open-ended rules without changing the answer", () => {
    const body = (count: string) => `BEGIN:VEVENT
UID:ff
DTSTART;TZID=America/New_York:20100104T083000
DTEND;TZID=America/New_York:20100104T093000
RRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE,FR${count}
SUMMARY:Alice
END:VEVENT`;
    const open = parseCalendar(wrap(body("")), { defaultZone: "UTC" });
    const counted = parseCalendar(wrap(body(";COUNT=100000")), { defaultZone: "UTC" });
    const from = new Date("2026-03-01T00:00:00Z");
    const to = new Date("2026-04-15T00:00:00Z");
    const a = expandCalendar(open, from, to).map(span);
    const b = expandCalendar(counted, from, to, { maxOccurrences: 200_000 }).map(span);
    expect(a.length).toBeGreaterThan(5);
    expect(a).toEqual(b);
  });

  it("caps a runaway rule with an expansion_capped problem instead of hanging", () => {
    const cal = parseCalendar(wrap(`BEGIN:VEVENT\nUID:s\nDTSTART:20260101T000000Z\nDTEND:20260101T000001Z\nRRULE:FREQ=SECONDLY\nSUMMARY:Alice\nEND:VEVENT`), {
      defaultZone: "UTC",
    });
    const problems: ScheduleProblem[] = [];
    const started = performance.now();
    const got = expandCalendar(cal, new Date("2026-01-01T00:00:00Z"), new Date("2026-02-01T00:00:00Z"), { problems, maxOccurrences: 1000 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(got.length).toBeLessThanOrEqual(1000);
    expect(problems.map((p) => [p.kind, p.uid])).toContainEqual(["expansion_capped", "s"]);
  });

  it("caps COUNT rules counted from their start, and caps the total across events", () => {
    const cal = parseCalendar(wrap(`BEGIN:VEVENT\nUID:c\nDTSTART:20000101T000000Z\nDTEND:20000101T000100Z\nRRULE:FREQ=HOURLY;COUNT=10000000\nSUMMARY:Alice\nEND:VEVENT`), {
      defaultZone: "UTC",
    });
    const problems: ScheduleProblem[] = [];
    expect(expandCalendar(cal, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T00:00:00Z"), { problems })).toEqual([]);
    expect(problems.map((p) => p.kind)).toEqual(["expansion_capped"]);

    const many = parseCalendar(
      wrap(
        Array.from({ length: 5 }, (_, i) => `BEGIN:VEVENT\nUID:h${i}\nDTSTART:20260101T000000Z\nDTEND:20260101T000100Z\nRRULE:FREQ=HOURLY\nSUMMARY:A\nEND:VEVENT`).join("\n"),
      ),
      { defaultZone: "UTC" },
    );
    const p2: ScheduleProblem[] = [];
    const got = expandCalendar(many, new Date("2026-01-01T00:00:00Z"), new Date("2026-01-03T00:00:00Z"), { problems: p2, maxOccurrences: 100 });
    expect(got).toHaveLength(100);
    expect(p2.map((p) => p.kind)).toEqual(["expansion_capped"]);
  });

  it("counts DTSTART as an occurrence even when the RRULE would not generate it", () => {
    const cal = parseCalendar(
      wrap(`BEGIN:VEVENT\nUID:d\nDTSTART:20260304T090000Z\nDTEND:20260304T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2\nSUMMARY:A\nEND:VEVENT`),
      { defaultZone: "UTC" },
    );
    const got = expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"));
    expect(got.map((o) => iso(o.start))).toEqual(["2026-03-04T09:00:00.000Z", "2026-03-09T09:00:00.000Z", "2026-03-16T09:00:00.000Z"]);
  });

  it("reads a start in a DST gap with the pre-gap offset and keeps later occurrences at the written time", () => {
    const cal = parseCalendar(
      wrap(`BEGIN:VEVENT\nUID:g\nDTSTART;TZID=Europe/Berlin:20260328T023000\nDTEND;TZID=Europe/Berlin:20260328T033000\nRRULE:FREQ=DAILY;COUNT=3\nSUMMARY:A\nEND:VEVENT`),
      { defaultZone: "UTC" },
    );
    const got = expandCalendar(cal, new Date("2026-03-27T00:00:00Z"), new Date("2026-04-01T00:00:00Z"));
    // 03-28 02:30 CET = 01:30Z; 03-29 02:30 does not exist (read as 03:30 CEST = 01:30Z); 03-30 02:30 CEST = 00:30Z.
    expect(got.map((o) => iso(o.start))).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"]);
  });

  it("uses the first of two repeated wall times when clocks fall back", () => {
    const cal = parseCalendar(wrap(`BEGIN:VEVENT\nUID:f\nDTSTART;TZID=Europe/Berlin:20261025T023000\nDTEND;TZID=Europe/Berlin:20261025T040000\nSUMMARY:A\nEND:VEVENT`), {
      defaultZone: "UTC",
    });
    const [o] = expandCalendar(cal, new Date("2026-10-24T00:00:00Z"), new Date("2026-10-26T00:00:00Z"));
    expect(span(o!)).toBe("2026-10-25T00:30:00.000Z/2026-10-25T03:00:00.000Z");
  });

  it("expands hand-built events and reports an unknown zone instead of using the host's", () => {
    const ev: CalendarEvent = {
      uid: "hb",
      summary: "Alice",
      attendees: [],
      start: new Date("2026-03-02T08:00:00Z"),
      end: new Date("2026-03-02T09:00:00Z"),
      allDay: false,
      zone: "Nowhere/Special",
      rrules: ["FREQ=DAILY;COUNT=2"],
      exdates: [],
      rdates: [],
      overrides: new Map(),
      cancelled: false,
    };
    const problems: ScheduleProblem[] = [];
    const got = expandCalendar({ events: [ev], problems: [], calendarZone: null }, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-05T00:00:00Z"), { problems });
    expect(got.map((o) => iso(o.start))).toEqual(["2026-03-02T08:00:00.000Z", "2026-03-03T08:00:00.000Z"]);
    expect(problems.map((p) => p.kind)).toEqual(["unknown_zone"]);
  });

  it("skips cancelled events and cancelled instances", () => {
    const cal = parseCalendar(
      wrap(`BEGIN:VEVENT
UID:x
DTSTART:20260302T090000Z
DTEND:20260302T100000Z
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:A
END:VEVENT
BEGIN:VEVENT
UID:x
RECURRENCE-ID:20260303T090000Z
DTSTART:20260303T090000Z
DTEND:20260303T100000Z
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:y
DTSTART:20260302T120000Z
DTEND:20260302T130000Z
STATUS:CANCELLED
SUMMARY:B
END:VEVENT`),
      { defaultZone: "UTC" },
    );
    expect(cal.events.find((e) => e.uid === "x")!.overrides.get("2026-03-03T09:00:00.000Z")).toBe("cancelled");
    const got = expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-10T00:00:00Z"));
    expect(got.map((o) => `${o.uid} ${iso(o.start)}`)).toEqual(["x 2026-03-02T09:00:00.000Z", "x 2026-03-04T09:00:00.000Z"]);
  });
});
