import * as nodeIcalNs from "node-ical";
import { describe, expect, it } from "vitest";
import { expandCalendar } from "./expand-calendar.js";
import { parseCalendar } from "./parse-calendar.js";

/**
 * Why parse-calendar.ts does its own parsing: node-ical 0.26.1's actual behaviour on inputs
 * calpage must read correctly, pinned next to our answer. If an upgrade fixes one of these,
 * the matching assertion fails and this file should shrink. Every assertion here holds in any
 * host zone (host-dependent results are compared with host-local constructions).
 */
type NodeIcal = typeof nodeIcalNs;
const ical: NodeIcal = (nodeIcalNs as unknown as { default?: NodeIcal }).default?.sync ? (nodeIcalNs as unknown as { default: NodeIcal }).default : nodeIcalNs;

const wrap = (body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${body.trim().split("\n").join("\r\n")}\r\nEND:VCALENDAR\r\n`;
type Ev = { start: Date; end: Date; summary?: string; status?: string; type: string };
const nodeEvent = (text: string, uid = "a") => ical.sync.parseICS(text)[uid] as unknown as Ev;
const expand = (ev: Ev, from: string, to: string) =>
  ical.expandRecurringEvent(ev as unknown as Parameters<NodeIcal["expandRecurringEvent"]>[0], { from: new Date(from), to: new Date(to) });

describe("node-ical 0.26.1 (characterisation: why we parse ourselves)", () => {
  it("reads DATE values as host-local midnight, ignoring X-WR-TIMEZONE", () => {
    const text = wrap(`X-WR-TIMEZONE:Europe/Berlin\nBEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20260301\nDTEND;VALUE=DATE:20260302\nEND:VEVENT`);
    expect(nodeEvent(text).start.getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(parseCalendar(text, { defaultZone: "UTC" }).events[0]!.start.toISOString()).toBe("2026-02-28T23:00:00.000Z");
  });

  it("reads floating times on the host's clock, ignoring X-WR-TIMEZONE", () => {
    const text = wrap(`X-WR-TIMEZONE:Europe/Berlin\nBEGIN:VEVENT\nUID:a\nDTSTART:20260301T090000\nDTEND:20260301T100000\nEND:VEVENT`);
    expect(nodeEvent(text).start.getTime()).toBe(new Date(2026, 2, 1, 9).getTime());
    expect(parseCalendar(text, { defaultZone: "UTC" }).events[0]!.start.toISOString()).toBe("2026-03-01T08:00:00.000Z");
  });

  it("throws for the whole file on one event with a duplicate DTSTART", () => {
    const text = wrap(`BEGIN:VEVENT\nUID:a\nDTSTART:20260301T090000Z\nDTSTART:20260301T090000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART:20260302T090000Z\nEND:VEVENT`);
    expect(() => ical.sync.parseICS(text)).toThrow(/duplicate DTSTART/);
    expect(parseCalendar(text, { defaultZone: "UTC" }).events.map((e) => e.uid)).toEqual(["a", "b"]);
  });

  it("matches an Eastern European custom VTIMEZONE to Africa/Cairo, whose DST dates differ", () => {
    const text = wrap(`BEGIN:VTIMEZONE
TZID:Customized Time Zone
BEGIN:STANDARD
DTSTART:16010101T040000
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0300
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:a
DTSTART;TZID=Customized Time Zone:20260420T090000
DTEND;TZID=Customized Time Zone:20260420T100000
END:VEVENT`);
    // 04-20 is after the last Sunday of March: +03, so 09:00 is 06:00Z. Egypt is still on +02 then.
    expect(nodeEvent(text).start.toISOString()).toBe("2026-04-20T07:00:00.000Z");
    expect(parseCalendar(text, { defaultZone: "UTC" }).events[0]!.start.toISOString()).toBe("2026-04-20T06:00:00.000Z");
  });

  it("expandRecurringEvent ignores RDATE, drops moved-in instances, returns cancelled ones and skips ongoing ones", () => {
    const rdate = wrap(`BEGIN:VEVENT\nUID:a\nDTSTART:20260301T090000Z\nDTEND:20260301T100000Z\nRRULE:FREQ=DAILY;COUNT=2\nRDATE:20260310T090000Z\nEND:VEVENT`);
    expect(expand(nodeEvent(rdate), "2026-03-01T00:00:00Z", "2026-03-20T00:00:00Z")).toHaveLength(2);
    expect(expandCalendar(parseCalendar(rdate, { defaultZone: "UTC" }), new Date("2026-03-01T00:00:00Z"), new Date("2026-03-20T00:00:00Z"))).toHaveLength(3);

    const moved = wrap(`BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260302T090000Z\nDTSTART:20260310T090000Z\nDTEND:20260310T100000Z\nEND:VEVENT
BEGIN:VEVENT\nUID:a\nDTSTART:20260301T090000Z\nDTEND:20260301T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT`);
    expect(expand(nodeEvent(moved), "2026-03-09T00:00:00Z", "2026-03-20T00:00:00Z")).toHaveLength(0);
    expect(expandCalendar(parseCalendar(moved, { defaultZone: "UTC" }), new Date("2026-03-09T00:00:00Z"), new Date("2026-03-20T00:00:00Z"))).toHaveLength(1);

    const cancelled = wrap(`BEGIN:VEVENT\nUID:a\nDTSTART:20260301T090000Z\nDTEND:20260301T100000Z\nRRULE:FREQ=DAILY;COUNT=3\nEND:VEVENT
BEGIN:VEVENT\nUID:a\nRECURRENCE-ID:20260302T090000Z\nDTSTART:20260302T090000Z\nDTEND:20260302T100000Z\nSTATUS:CANCELLED\nEND:VEVENT`);
    expect(expand(nodeEvent(cancelled), "2026-03-01T00:00:00Z", "2026-03-20T00:00:00Z")).toHaveLength(3);
    expect(expandCalendar(parseCalendar(cancelled, { defaultZone: "UTC" }), new Date("2026-03-01T00:00:00Z"), new Date("2026-03-20T00:00:00Z"))).toHaveLength(2);

    const week = wrap(`BEGIN:VEVENT\nUID:a\nDTSTART;TZID=Europe/Berlin:20260302T090000\nDTEND;TZID=Europe/Berlin:20260309T090000\nRRULE:FREQ=WEEKLY\nEND:VEVENT`);
    expect(expand(nodeEvent(week), "2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z")).toHaveLength(0);
    expect(expandCalendar(parseCalendar(week, { defaultZone: "UTC" }), new Date("2026-03-05T00:00:00Z"), new Date("2026-03-06T00:00:00Z"))).toHaveLength(1);
  });
});
