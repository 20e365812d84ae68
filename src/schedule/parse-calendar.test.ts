import { describe, expect, it } from "vitest";
import { expandCalendar } from "./expand-calendar.js";
import { parseCalendar } from "./parse-calendar.js";

const wrap = (body: string, head = "") => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n${head}${body.trim().split("\n").join("\r\n")}\r\nEND:VCALENDAR\r\n`;
const event = (props: string) => `BEGIN:VEVENT\nUID:e1\nSUMMARY:Alice\n${props.trim()}\nEND:VEVENT`;
const parse = (body: string, head = "", defaultZone = "UTC") => parseCalendar(wrap(body, head), { defaultZone });
const startOf = (body: string, head = "", defaultZone = "UTC") => parse(body, head, defaultZone).events[0]?.start.toISOString();

const CUSTOM_WEST_EUROPE = `BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE`;

describe("parseCalendar zones", () => {
  it.each([
    ["IANA", "TZID=Europe/Berlin", "Europe/Berlin"],
    ["IANA in other case", "TZID=europe/berlin", "Europe/Berlin"],
    ["Windows ID", "TZID=W. Europe Standard Time", "Europe/Berlin"],
    ["quoted Windows ID", 'TZID="W. Europe Standard Time"', "Europe/Berlin"],
    ["Windows display name", 'TZID="(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"', "Europe/Berlin"],
    ["Windows display name with 'and'", 'TZID="(UTC-05:00) Eastern Time (US and Canada)"', "America/New_York"],
    ["Mozilla prefix", "TZID=/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"],
    ["Exchange UTC", "TZID=tzone://Microsoft/Utc", "UTC"],
  ])("resolves a TZID given as %s", (_label, param, zone) => {
    const cal = parse(event(`DTSTART;${param}:20260310T090000\nDTEND;${param}:20260310T100000`));
    expect(cal.problems).toEqual([]);
    expect(cal.events[0]!.zone).toBe(zone);
  });

  it("maps an Exchange custom VTIMEZONE to the IANA zone with the same rules", () => {
    const cal = parse(CUSTOM_WEST_EUROPE + "\n" + event(`DTSTART;TZID="Customized Time Zone":20260330T090000\nDTEND;TZID="Customized Time Zone":20260330T100000`));
    expect(cal.events[0]!.zone).toBe("Europe/Berlin");
    expect(cal.events[0]!.start.toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(cal.customZones).toBeUndefined();
  });

  it("keeps a VTIMEZONE that matches no IANA zone as a custom zone, used for expansion", () => {
    const vtz = CUSTOM_WEST_EUROPE.replace("TZID:Customized Time Zone", "TZID:Odd Zone").replace("BYDAY=-1SU;BYMONTH=3", "BYDAY=2SU;BYMONTH=4");
    const cal = parse(vtz + "\n" + event(`DTSTART;TZID=Odd Zone:20260410T090000\nDTEND;TZID=Odd Zone:20260410T100000\nRRULE:FREQ=DAILY;COUNT=3`));
    expect(cal.events[0]!.zone).toBe("Odd Zone");
    expect(Object.keys(cal.customZones ?? {})).toEqual(["Odd Zone"]);
    const occ = expandCalendar(cal, new Date("2026-04-01T00:00:00Z"), new Date("2026-04-30T00:00:00Z"));
    expect(occ.map((o) => o.start.toISOString())).toEqual(["2026-04-10T08:00:00.000Z", "2026-04-11T08:00:00.000Z", "2026-04-12T07:00:00.000Z"]);
    // The definition is plain data: a JSON round trip keeps the calendar usable.
    const copy = { ...cal, customZones: JSON.parse(JSON.stringify(cal.customZones)) as typeof cal.customZones };
    expect(expandCalendar(copy, new Date("2026-04-01T00:00:00Z"), new Date("2026-04-30T00:00:00Z")).map((o) => o.start.toISOString())).toEqual(occ.map((o) => o.start.toISOString()));
  });

  it("prefers the IANA name when the VTIMEZONE is only a snapshot of one offset", () => {
    const snapshot = `BEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:STANDARD\nDTSTART:20251102T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\nEND:VTIMEZONE`;
    // July is EDT (-04) in reality; the snapshot alone would say -05.
    expect(startOf(snapshot + "\n" + event(`DTSTART;TZID=America/New_York:20260701T090000\nDTEND;TZID=America/New_York:20260701T100000`))).toBe("2026-07-01T13:00:00.000Z");
  });

  it("reads an unknown TZID in the schedule's zone, once reported per TZID", () => {
    const cal = parse(
      event(`DTSTART;TZID=Nowhere:20260310T090000\nDTEND;TZID=Nowhere:20260310T100000\nEXDATE;TZID=Nowhere:20260311T090000\nRRULE:FREQ=DAILY;COUNT=3`),
      "",
      "Asia/Tokyo",
    );
    expect(cal.events[0]!.start.toISOString()).toBe("2026-03-10T00:00:00.000Z");
    expect(cal.problems.map((p) => p.kind)).toEqual(["unknown_zone"]);
    expect(cal.problems[0]!.uid).toBe("e1");
  });

  it("never falls back to the host zone: 'Customized Time Zone' without its VTIMEZONE is unknown", () => {
    const cal = parse(event(`DTSTART;TZID=Customized Time Zone:20260310T090000`), "", "America/Denver");
    expect(cal.events[0]!.start.toISOString()).toBe("2026-03-10T15:00:00.000Z");
    expect(cal.problems.map((p) => p.kind)).toEqual(["unknown_zone"]);
  });

  it("reports an unknown X-WR-TIMEZONE and an invalid schedule zone", () => {
    const cal = parse(event(`DTSTART:20260310T090000`), "X-WR-TIMEZONE:Atlantis/Central\r\n", "Not/AZone");
    expect(cal.calendarZone).toBeNull();
    expect(cal.problems.map((p) => p.kind)).toEqual(["unknown_zone", "unknown_zone"]);
    expect(cal.events[0]!.start.toISOString()).toBe("2026-03-10T09:00:00.000Z");
  });

  it("resolves a Windows name in X-WR-TIMEZONE too", () => {
    const cal = parse(event(`DTSTART;VALUE=DATE:20260310`), "X-WR-TIMEZONE:Tokyo Standard Time\r\n");
    expect(cal.calendarZone).toBe("Asia/Tokyo");
    expect(cal.events[0]!.start.toISOString()).toBe("2026-03-09T15:00:00.000Z");
    expect(cal.events[0]!.end.toISOString()).toBe("2026-03-10T15:00:00.000Z");
  });
});

describe("parseCalendar values", () => {
  it("handles DATE EXDATEs on a timed series as that day's occurrence", () => {
    const cal = parse(event(`DTSTART;TZID=Europe/Berlin:20260302T090000\nDTEND;TZID=Europe/Berlin:20260302T100000\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE;VALUE=DATE:20260303`));
    const occ = expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-10T00:00:00Z"));
    expect(occ.map((o) => o.start.toISOString())).toEqual(["2026-03-02T08:00:00.000Z", "2026-03-04T08:00:00.000Z"]);
  });

  it("matches a UTC EXDATE on an all-day series by the day it falls on in the calendar's zone", () => {
    const cal = parse(event(`DTSTART;VALUE=DATE:20260302\nDTEND;VALUE=DATE:20260303\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260302T230000Z`), "X-WR-TIMEZONE:Europe/Berlin\r\n");
    const occ = expandCalendar(cal, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-10T00:00:00Z"));
    expect(occ.map((o) => o.start.toISOString())).toEqual(["2026-03-01T23:00:00.000Z", "2026-03-03T23:00:00.000Z"]);
  });

  it("defaults the end: DATE events last one day, DATE-TIME events are instants", () => {
    const cal = parse(`BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260310\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20260310T090000Z\nEND:VEVENT`);
    expect(cal.events.map((e) => [e.uid, e.allDay, e.start.toISOString(), e.end.toISOString()])).toEqual([
      ["a", true, "2026-03-10T00:00:00.000Z", "2026-03-11T00:00:00.000Z"],
      ["b", false, "2026-03-10T09:00:00.000Z", "2026-03-10T09:00:00.000Z"],
    ]);
  });

  it("keeps the first of duplicate DTSTARTs and reports it, without failing other events", () => {
    const cal = parse(`${event("DTSTART:20260310T090000Z\nDTSTART:20260311T090000Z\nDTEND:20260311T100000Z")}\nBEGIN:VEVENT\nUID:e2\nDTSTART:20260312T090000Z\nEND:VEVENT`);
    expect(cal.events.map((e) => e.start.toISOString())).toEqual(["2026-03-10T09:00:00.000Z", "2026-03-12T09:00:00.000Z"]);
    expect(cal.problems.map((p) => p.kind)).toEqual(["bad_event"]);
  });

  it("unescapes summaries, drops declined attendees, honours EMAIL= and marks Exchange all-day events", () => {
    const cal = parse(`BEGIN:VEVENT
UID:x
DTSTART;TZID=W. Europe Standard Time:20260310T000000
DTEND;TZID=W. Europe Standard Time:20260311T000000
SUMMARY:Alice\\, Bob\\; and \\\\ Carol
ATTENDEE;PARTSTAT=ACCEPTED;CN="Smith, Ann":mailto:Ann@Example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.com
ATTENDEE;EMAIL=carol@example.com:urn:uuid:1234
X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
END:VEVENT`);
    const e = cal.events[0]!;
    expect(e.summary).toBe("Alice, Bob; and \\ Carol");
    expect(e.attendees).toEqual(["ann@example.com", "carol@example.com"]);
    expect(e.allDay).toBe(true);
  });

  it("accepts a byte-order mark, LF or bare CR line endings and folded lines with tabs", () => {
    const text = "\uFEFFBEGIN:VCALENDAR\rVERSION:2.0\rBEGIN:VEVENT\rUID:a\rSUMMARY:Al\r\tice\rDTSTART:20260310T090000Z\rEND:VEVENT\rEND:VCALENDAR\r";
    const cal = parseCalendar(text, { defaultZone: "UTC" });
    expect(cal.events.map((e) => e.summary)).toEqual(["Alice"]);
  });

  it("reads several VCALENDARs in one body", () => {
    const one = wrap(event("DTSTART:20260310T090000Z"));
    const two = wrap(event("DTSTART:20260311T090000Z").replace("UID:e1", "UID:e2"));
    expect(parseCalendar(one + two, { defaultZone: "UTC" }).events.map((e) => e.uid)).toEqual(["e1", "e2"]);
  });

  it.each([
    ["", "unparseable"],
    ["not a calendar at all", "unparseable"],
    ["<!DOCTYPE html><html><body>Sign in</body></html>", "unparseable"],
    ["BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260310T090000Z\r\nEND:VEVENT\r\n", "unparseable"],
  ])("never throws: %j -> %s", (text, kind) => {
    const cal = parseCalendar(text, { defaultZone: "UTC" });
    expect(cal.events).toEqual([]);
    expect(cal.problems.map((p) => p.kind)).toEqual([kind]);
  });

  it("survives junk inside a calendar", () => {
    const junk = ["DTSTART;TZID=\"unterminated:20260310T090000", "RRULE:FREQ=WEEKLY;BYDAY=XX", "EXDATE:garbage", "RDATE;VALUE=PERIOD:20260310T090000Z/nonsense", "DURATION:PXYZ", "SEQUENCE:abc", "RECURRENCE-ID:1"];
    for (const line of junk) {
      expect(() => parse(event(`DTSTART:20260310T090000Z\n${line}`))).not.toThrow();
    }
    const cal = parse(event("DTSTART:20260310T090000Z\nRRULE:FREQ=FORTNIGHTLY"));
    expect(cal.events).toHaveLength(1);
    expect(cal.events[0]!.rrules).toEqual([]);
    expect(cal.problems.map((p) => p.kind)).toEqual(["bad_event"]);
  });

  it("keeps the newest copy of an instance and takes a missing SUMMARY from the master", () => {
    const cal = parse(`BEGIN:VEVENT
UID:s
DTSTART:20260302T090000Z
DTEND:20260302T100000Z
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Alice
END:VEVENT
BEGIN:VEVENT
UID:s
RECURRENCE-ID:20260303T090000Z
SEQUENCE:2
DTSTART:20260303T110000Z
DTEND:20260303T120000Z
END:VEVENT
BEGIN:VEVENT
UID:s
RECURRENCE-ID:20260303T090000Z
SEQUENCE:1
DTSTART:20260303T150000Z
DTEND:20260303T160000Z
SUMMARY:Old
END:VEVENT`);
    const ov = cal.events[0]!.overrides.get("2026-03-03T09:00:00.000Z");
    expect(ov).not.toBe("cancelled");
    expect(ov !== "cancelled" && ov ? [ov.summary, ov.start.toISOString()] : null).toEqual(["Alice", "2026-03-03T11:00:00.000Z"]);
  });
});
