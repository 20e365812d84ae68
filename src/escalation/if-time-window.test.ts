import { describe, expect, it } from "vitest";
import type { Weekday } from "../config/config-types.js";
import {
  describeDays,
  describeTimeWindow,
  formatLocalTime,
  isInTimeWindow,
  nextTimeWindowStart,
  TIME_WINDOW_SEARCH_DAYS,
  type TimeWindow,
} from "./if-time-window.js";

// Instants are written in UTC on purpose, with the local reading in a comment:
// the code under test must not depend on the host's zone (run with TZ=Pacific/Auckland too).
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
const EVERY_DAY: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const win = (from: string, to: string, days: Weekday[], timezone: string): TimeWindow => ({ from, to, days, timezone });

const berlinOffice = win("09:00", "17:00", WEEKDAYS, "Europe/Berlin");
const fridayNight = win("22:00", "06:00", ["fri"], "Europe/Berlin");

describe("isInTimeWindow", () => {
  it.each([
    // [what, window, instant, inside]
    ["Mon 09:00 CET, the first minute", berlinOffice, utc(2026, 11, 23, 8), true],
    ["Mon 08:59:59.999 CET", berlinOffice, utc(2026, 11, 23, 7, 59, 59, 999), false],
    ["Mon 16:59:59.999 CET", berlinOffice, utc(2026, 11, 23, 15, 59, 59, 999), true],
    ["Mon 17:00 CET, the end is exclusive", berlinOffice, utc(2026, 11, 23, 16), false],
    ["Sat 12:00 CET, not a listed day", berlinOffice, utc(2026, 11, 21, 11), false],
    ["Mon 09:30 CEST in summer (UTC+2)", berlinOffice, utc(2026, 7, 6, 7, 30), true],
    ["Mon 08:30 CEST in summer, 09:30 in winter's offset", berlinOffice, utc(2026, 7, 6, 6, 30), false],
    // Overnight: the day that counts is the evening's.
    ["Fri 22:00 CET", fridayNight, utc(2026, 11, 27, 21), true],
    ["Sat 05:59 CET, Friday's night", fridayNight, utc(2026, 11, 28, 4, 59), true],
    ["Sat 06:00 CET", fridayNight, utc(2026, 11, 28, 5), false],
    ["Sat 22:00 CET, Saturday is not listed", fridayNight, utc(2026, 11, 28, 21), false],
    ["Fri 03:00 CET, that is Thursday's night", fridayNight, utc(2026, 11, 27, 2), false],
    // 24:00 is the end of the day.
    ["18:00–24:00 at 23:59:59 UTC", win("18:00", "24:00", EVERY_DAY, "UTC"), utc(2026, 11, 23, 23, 59, 59), true],
    ["18:00–24:00 at 00:00 UTC", win("18:00", "24:00", EVERY_DAY, "UTC"), utc(2026, 11, 24, 0), false],
    ["00:00–24:00 Sun covers Sunday's first instant", win("00:00", "24:00", ["sun"], "UTC"), utc(2026, 11, 22, 0), true],
    ["00:00–24:00 Sun covers Sunday's last instant", win("00:00", "24:00", ["sun"], "UTC"), utc(2026, 11, 22, 23, 59, 59, 999), true],
    ["00:00–24:00 Sun, Monday", win("00:00", "24:00", ["sun"], "UTC"), utc(2026, 11, 23, 0), false],
    // from == to is a 24-hour window starting at `from`.
    ["00:00–00:00 Mon, Monday noon", win("00:00", "00:00", ["mon"], "UTC"), utc(2026, 11, 23, 12), true],
    ["00:00–00:00 Mon, Tuesday", win("00:00", "00:00", ["mon"], "UTC"), utc(2026, 11, 24, 0), false],
    // Sydney: the local weekday differs from the UTC one.
    ["Sydney Mon 09:00 AEDT = Sun 22:00 UTC", win("09:00", "17:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 11, 22, 22), true],
    ["Sydney Sat 09:00 AEDT = Fri 22:00 UTC", win("09:00", "17:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 11, 27, 22), false],
    ["Sydney Sat 01:00 AEDT, Friday's night", win("22:00", "06:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 11, 27, 14), true],
    ["Sydney Sun 01:00 AEDT, Saturday's night", win("22:00", "06:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 11, 28, 14), false],
    ["Sydney Tue 01:00 AEDT, Monday's night", win("22:00", "06:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 11, 23, 14), true],
  ])("%s", (_what, window, at, inside) => {
    expect(isInTimeWindow(window, at)).toBe(inside);
  });

  describe("Europe/Berlin spring forward (Sun 29 Mar 2026, 02:00 CET -> 03:00 CEST at 01:00 UTC)", () => {
    const gapStart = win("02:30", "04:00", ["sun"], "Europe/Berlin");
    it.each([
      ["01:59:59 CET, before the jump", utc(2026, 3, 29, 0, 59, 59), false],
      ["03:00 CEST, the first instant after the skipped start", utc(2026, 3, 29, 1), true],
      ["03:59 CEST", utc(2026, 3, 29, 1, 59), true],
      ["04:00 CEST", utc(2026, 3, 29, 2), false],
    ])("02:30–04:00 at %s", (_what, at, inside) => expect(isInTimeWindow(gapStart, at)).toBe(inside));

    it("an overnight window ending in the gap ends at the jump", () => {
      const sat = win("22:00", "02:30", ["sat"], "Europe/Berlin");
      expect(isInTimeWindow(sat, utc(2026, 3, 29, 0, 59, 59))).toBe(true); // 01:59:59 CET
      expect(isInTimeWindow(sat, utc(2026, 3, 29, 1))).toBe(false); // 03:00 CEST
    });

    it("a window wholly inside the gap does not open that day", () => {
      const inGap = win("02:00", "03:00", ["sun"], "Europe/Berlin");
      for (let m = -30; m <= 90; m += 5) expect(isInTimeWindow(inGap, utc(2026, 3, 29, 1) + m * 60_000)).toBe(false);
    });
  });

  describe("Europe/Berlin fall back (Sun 25 Oct 2026, 03:00 CEST -> 02:00 CET at 01:00 UTC)", () => {
    it("the clock is read as shown: a time in the repeated hour is inside on both readings", () => {
      const w = win("01:00", "02:30", ["sun"], "Europe/Berlin");
      expect(isInTimeWindow(w, utc(2026, 10, 25, 0, 15))).toBe(true); // 02:15 CEST
      expect(isInTimeWindow(w, utc(2026, 10, 25, 0, 45))).toBe(false); // 02:45 CEST
      expect(isInTimeWindow(w, utc(2026, 10, 25, 1, 15))).toBe(true); // 02:15 CET
      expect(isInTimeWindow(w, utc(2026, 10, 25, 1, 30))).toBe(false); // 02:30 CET
    });

    it("an overnight window across the change lasts one hour longer", () => {
      const w = win("22:00", "06:00", ["sat"], "Europe/Berlin");
      expect(isInTimeWindow(w, utc(2026, 10, 24, 20))).toBe(true); // Sat 22:00 CEST
      expect(isInTimeWindow(w, utc(2026, 10, 25, 4, 59))).toBe(true); // Sun 05:59 CET
      expect(isInTimeWindow(w, utc(2026, 10, 25, 5))).toBe(false); // Sun 06:00 CET
    });
  });

  it("an invalid window is never open", () => {
    const at = utc(2026, 11, 23, 12);
    expect(isInTimeWindow(win("09:00", "17:00", WEEKDAYS, "Mars/Olympus"), at)).toBe(false);
    expect(isInTimeWindow(win("9am", "17:00", WEEKDAYS, "UTC"), at)).toBe(false);
    expect(isInTimeWindow(win("00:00", "24:01", EVERY_DAY, "UTC"), at)).toBe(false);
    expect(isInTimeWindow(win("00:00", "24:00", [], "UTC"), at)).toBe(false);
  });
});

describe("nextTimeWindowStart", () => {
  it.each([
    // [what, window, after, expected next start]
    ["Sat night -> Mon 09:00 CET", berlinOffice, utc(2026, 11, 21, 3), utc(2026, 11, 23, 8)],
    ["Mon 08:00 CET -> the same morning", berlinOffice, utc(2026, 11, 23, 7), utc(2026, 11, 23, 8)],
    ["Fri 17:00 CET -> next Mon", berlinOffice, utc(2026, 11, 27, 16), utc(2026, 11, 30, 8)],
    ["Sat 07:00 CET, Friday night ended -> next Friday 22:00", fridayNight, utc(2026, 11, 28, 6), utc(2026, 12, 4, 21)],
    ["Thu 23:00 CET (Thursday's night is not listed) -> Fri 22:00", fridayNight, utc(2026, 11, 26, 22), utc(2026, 11, 27, 21)],
    [
      "a single-minute weekly window just missed -> almost 7 days later",
      win("09:00", "09:01", ["mon"], "UTC"),
      utc(2026, 11, 23, 9, 1),
      utc(2026, 11, 30, 9),
    ],
    ["New Year in Sydney", win("09:00", "17:00", ["fri"], "Australia/Sydney"), utc(2026, 12, 30, 12), utc(2026, 12, 31, 22)],
    // Offsets change between now and the start: the start is local 09:00 with the new offset.
    ["Berlin Sat 17:00 CET -> Sun 09:00 CEST", win("09:00", "17:00", EVERY_DAY, "Europe/Berlin"), utc(2026, 3, 28, 16), utc(2026, 3, 29, 7)],
    ["Berlin Sat 17:00 CEST -> Sun 09:00 CET", win("09:00", "17:00", EVERY_DAY, "Europe/Berlin"), utc(2026, 10, 24, 15), utc(2026, 10, 25, 8)],
    // Spring forward: a start in the gap starts at the first valid instant after it.
    ["Berlin 02:30 skipped -> 03:00 CEST", win("02:30", "04:00", ["sun"], "Europe/Berlin"), utc(2026, 3, 28, 12), utc(2026, 3, 29, 1)],
    ["Berlin 02:00–03:00 never shows on that Sunday -> next Sunday", win("02:00", "03:00", ["sun"], "Europe/Berlin"), utc(2026, 3, 28, 12), utc(2026, 4, 5, 0)],
    ["New York 02:15 skipped -> 03:00 EDT", win("02:15", "05:00", ["sun"], "America/New_York"), utc(2026, 3, 7, 12), utc(2026, 3, 8, 7)],
    ["Sydney 02:00–02:30 skipped on 4 Oct -> 11 Oct 02:00 AEDT", win("02:00", "02:30", ["sun"], "Australia/Sydney"), utc(2026, 10, 3, 12), utc(2026, 10, 10, 15)],
    // Fall back: a start in the repeated hour uses its first occurrence.
    ["Berlin 02:30 repeated -> the first 02:30 (CEST)", win("02:30", "05:00", ["sun"], "Europe/Berlin"), utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30)],
    ["Berlin from 02:10 CEST -> the first 02:30", win("02:30", "05:00", ["sun"], "Europe/Berlin"), utc(2026, 10, 25, 0, 10), utc(2026, 10, 25, 0, 30)],
    ["New York 01:30 repeated -> 01:30 EDT", win("01:30", "09:00", ["sun"], "America/New_York"), utc(2026, 10, 31, 12), utc(2026, 11, 1, 5, 30)],
    // ...and a window that closed in the first pass opens again when the clock is turned back into it.
    ["Berlin 01:00–02:30, after the first 02:30 -> the clock turning back to 02:00", win("01:00", "02:30", ["sun"], "Europe/Berlin"), utc(2026, 10, 25, 0, 45), utc(2026, 10, 25, 1)],
    // Sydney's own DST weekends (southern hemisphere).
    ["Sydney Fri 17:00 AEST -> Mon 09:00 AEDT (DST starts Sun 4 Oct)", win("09:00", "17:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 10, 2, 7), utc(2026, 10, 4, 22)],
    ["Sydney Fri 17:00 AEDT -> Mon 09:00 AEST (DST ends Sun 5 Apr)", win("09:00", "17:00", WEEKDAYS, "Australia/Sydney"), utc(2026, 4, 3, 6), utc(2026, 4, 5, 23)],
  ])("%s", (_what, window, after, expected) => {
    const next = nextTimeWindowStart(window, after);
    expect(iso(next)).toBe(iso(expected));
    // Consistency: the window is open at the returned instant and closed just before it.
    expect(isInTimeWindow(window, expected)).toBe(true);
    expect(isInTimeWindow(window, expected - 1)).toBe(false);
  });

  it("is strictly after `after`, even exactly at a start", () => {
    expect(iso(nextTimeWindowStart(berlinOffice, utc(2026, 11, 23, 8)))).toBe(iso(utc(2026, 11, 24, 8)));
  });

  it("never opens: an invalid window gives null instead of searching forever", () => {
    const at = utc(2026, 11, 23, 12);
    expect(nextTimeWindowStart(win("09:00", "17:00", WEEKDAYS, "Mars/Olympus"), at)).toBeNull();
    expect(nextTimeWindowStart(win("24:00", "17:00", WEEKDAYS, "UTC"), at)).toBeNull();
    expect(nextTimeWindowStart(win("09:00", "17:00", [], "UTC"), at)).toBeNull();
  });

  it(`the longest wait of a valid window (a one-minute weekly window just missed) is within the ${TIME_WINDOW_SEARCH_DAYS}-day search`, () => {
    const after = utc(2026, 11, 23, 9, 1);
    const next = nextTimeWindowStart(win("09:00", "09:01", ["mon"], "America/New_York"), after);
    expect(next).not.toBeNull();
    expect(next! - after).toBeLessThan(TIME_WINDOW_SEARCH_DAYS * 86_400_000);
  });
});

describe("describing windows", () => {
  it.each([
    [WEEKDAYS, "Mon–Fri"],
    [EVERY_DAY, "every day"],
    [["sat", "sun"], "Sat, Sun"],
    [["fri", "sat", "sun", "mon"], "Fri–Mon"],
    [["sun", "mon", "wed", "fri"], "Sun, Mon, Wed, Fri"],
    [["wed"], "Wed"],
    [["sat", "sun", "mon", "wed"], "Sat–Mon, Wed"],
    [["sun", "sat", "fri", "thu", "wed", "tue"], "Tue–Sun"],
    [[], "no days"],
  ] as [Weekday[], string][])("%j -> %s", (days, text) => expect(describeDays(days)).toBe(text));

  it("window", () => {
    expect(describeTimeWindow(berlinOffice)).toBe("09:00–17:00 Mon–Fri (Europe/Berlin)");
    expect(describeTimeWindow(win("22:00", "24:00", EVERY_DAY, "UTC"))).toBe("22:00–24:00 every day (UTC)");
  });

  it.each([
    [utc(2026, 11, 23, 8), "Europe/Berlin", "Mon 23 Nov 09:00 CET"],
    [utc(2026, 3, 29, 1), "Europe/Berlin", "Sun 29 Mar 03:00 CEST"],
    [utc(2026, 11, 1, 5, 30), "America/New_York", "Sun 1 Nov 01:30 EDT"],
    [utc(2026, 11, 1, 6, 30), "America/New_York", "Sun 1 Nov 01:30 EST"],
    [utc(2026, 10, 4, 22), "Australia/Sydney", "Mon 5 Oct 09:00 AEDT"],
    [utc(2026, 9, 7, 3, 30), "Asia/Kolkata", "Mon 7 Sep 09:00 IST"],
    [utc(2026, 9, 7, 0), "Asia/Tokyo", "Mon 7 Sep 09:00 GMT+9"],
    [utc(2026, 12, 31, 23, 59), "UTC", "Thu 31 Dec 23:59 UTC"],
  ])("formatLocalTime(%s, %s) = %s", (at, zone, text) => expect(formatLocalTime(at, zone)).toBe(text));
});
