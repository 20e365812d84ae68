import { describe, expect, it } from "vitest";
import { parseMoment, parseTimeRange } from "./parse-time-range.js";

// Sat 21 Nov 2026, 10:30 in Berlin (CET, UTC+1).
const NOW = Date.parse("2026-11-21T09:30:00Z");
const words = (s: string) => s.split(" ");
const iso = (ms: number) => new Date(ms).toISOString();

describe("parseTimeRange", () => {
  it.each([
    ["now 4h", "Europe/Berlin", "2026-11-21T09:30:00.000Z", "2026-11-21T13:30:00.000Z"],
    ["now 1h30m", "UTC", "2026-11-21T09:30:00.000Z", "2026-11-21T11:00:00.000Z"],
    ["2026-11-22 09:00 2026-11-23 09:00", "Europe/Berlin", "2026-11-22T08:00:00.000Z", "2026-11-23T08:00:00.000Z"],
    ["2026-11-22 09:00 2026-11-23 09:00", "America/New_York", "2026-11-22T14:00:00.000Z", "2026-11-23T14:00:00.000Z"],
    ["today 18:00-22:00", "Europe/Berlin", "2026-11-21T17:00:00.000Z", "2026-11-21T21:00:00.000Z"],
    ["today 18:00 - 22:00", "Europe/Berlin", "2026-11-21T17:00:00.000Z", "2026-11-21T21:00:00.000Z"],
    ["today 22:00-06:00", "Europe/Berlin", "2026-11-21T21:00:00.000Z", "2026-11-22T05:00:00.000Z"],
    ["tomorrow 09:00 8h", "Europe/Berlin", "2026-11-22T08:00:00.000Z", "2026-11-22T16:00:00.000Z"],
    ["2026-11-22 09:00-17:00", "Australia/Sydney", "2026-11-21T22:00:00.000Z", "2026-11-22T06:00:00.000Z"],
  ])("%s in %s", (text, zone, start, end) => {
    const r = parseTimeRange(words(text), zone, NOW);
    expect(r.ok && { start: iso(r.value.start), end: iso(r.value.end) }).toEqual({ start, end });
  });

  it("reads 'today' in the asker's zone, not UTC's", () => {
    // 09:30 UTC is 22:30 on Saturday in Auckland (NZDT, UTC+13): 23:00 "today" is half an hour away.
    const r = parseTimeRange(words("today 23:00-23:30"), "Pacific/Auckland", NOW);
    expect(r.ok && iso(r.value.start)).toBe("2026-11-21T10:00:00.000Z");
    const utc = parseTimeRange(words("today 23:00-23:30"), "UTC", NOW);
    expect(utc.ok && iso(utc.value.start)).toBe("2026-11-21T23:00:00.000Z");
  });

  it("moves a start in the past to now, and refuses ranges that are over, inverted, too long or malformed", () => {
    const r = parseTimeRange(words("today 08:00-12:00"), "Europe/Berlin", NOW);
    expect(r.ok && iso(r.value.start)).toBe(iso(NOW));
    expect(parseTimeRange(words("today 06:00-08:00"), "Europe/Berlin", NOW)).toMatchObject({ ok: false, errors: ["That range is already over."] });
    expect(parseTimeRange(words("2026-11-23 09:00 2026-11-22 09:00"), "UTC", NOW)).toMatchObject({ ok: false, errors: ["The range ends before it starts."] });
    expect(parseTimeRange(words("now 40d"), "UTC", NOW)).toMatchObject({ ok: false });
    expect(parseTimeRange(words("now soon"), "UTC", NOW)).toMatchObject({ ok: false });
    expect(parseTimeRange(words("2026-02-30 09:00 2026-03-01 09:00"), "UTC", NOW)).toMatchObject({ ok: false });
    expect(parseTimeRange(words("next week"), "UTC", NOW)).toMatchObject({ ok: false });
  });
});

describe("parseMoment", () => {
  it.each([
    ["", "2026-11-21T09:30:00.000Z"],
    ["now", "2026-11-21T09:30:00.000Z"],
    ["+2h", "2026-11-21T11:30:00.000Z"],
    ["in 30m", "2026-11-21T10:00:00.000Z"],
    ["14:00", "2026-11-21T13:00:00.000Z"],
    ["tomorrow 09:00", "2026-11-22T08:00:00.000Z"],
    ["2026-12-01 09:00", "2026-12-01T08:00:00.000Z"],
    ["2026-12-01T09:00:00Z", "2026-12-01T09:00:00.000Z"],
  ])("'%s' in Berlin", (text, expected) => {
    const r = parseMoment(text ? words(text) : [], "Europe/Berlin", NOW);
    expect(r.ok && iso(r.value)).toBe(expected);
  });

  it("refuses what it cannot read", () => {
    expect(parseMoment(words("yesterday-ish"), "UTC", NOW).ok).toBe(false);
  });
});
