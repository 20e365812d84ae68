import { describe, expect, it } from "vitest";
import { nightHours } from "./night-hours.js";
import type { Shift } from "./schedule-types.js";

const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const shift = (start: number, end: number, ...users: string[]): Shift => ({ start: new Date(start), end: new Date(end), users, reasons: [] });
const zones: Record<string, string> = { "ada@example.com": "Europe/Berlin", "bo@example.com": "America/New_York", "cy@example.com": "Asia/Tokyo" };
const zoneOf = (email: string) => zones[email] ?? "UTC";

describe("nightHours", () => {
  it("counts the hours between 00:00 and 06:00 in each person's own zone", () => {
    // Wed 4 Mar 2026 18:00 UTC → Thu 5 Mar 12:00 UTC, Ada (Berlin, UTC+1) and Bo (New York, UTC-5) together.
    const shifts = [shift(utc(2026, 3, 4, 18), utc(2026, 3, 5, 12), "ada@example.com", "bo@example.com")];
    const r = nightHours(shifts, utc(2026, 3, 4, 0), utc(2026, 3, 18, 0), zoneOf);
    // Ada's night is 23:00–05:00 UTC: all of it. Bo's is 05:00–11:00 UTC: all of it too.
    expect(r).toEqual([
      { email: "ada@example.com", zone: "Europe/Berlin", hours: 6 },
      { email: "bo@example.com", zone: "America/New_York", hours: 6 },
    ]);
  });

  it("a daytime shift in one zone is a night shift in another", () => {
    // 09:00–17:00 Berlin (08:00–16:00 UTC) is 17:00–01:00 in Tokyo: one night hour for Cy, none for Ada.
    const shifts = [shift(utc(2026, 3, 4, 8), utc(2026, 3, 4, 16), "ada@example.com", "cy@example.com")];
    expect(nightHours(shifts, utc(2026, 3, 4, 0), utc(2026, 3, 18, 0), zoneOf)).toEqual([{ email: "cy@example.com", zone: "Asia/Tokyo", hours: 1 }]);
  });

  it("only counts what lies inside the window, and adds up several nights", () => {
    // A week-long shift; the window holds 3 full nights (UTC) and the start of a fourth.
    const shifts = [shift(utc(2026, 3, 1, 0), utc(2026, 3, 8, 0), "dee@example.com")];
    expect(nightHours(shifts, utc(2026, 3, 2, 0), utc(2026, 3, 5, 2), zoneOf)).toEqual([{ email: "dee@example.com", zone: "UTC", hours: 20 }]);
  });

  it("follows DST: the night the clocks spring forward inside it has 5 hours", () => {
    // Berlin, Sun 29 Mar 2026: 00:00 CET (23:00 UTC Sat) → 06:00 CEST (04:00 UTC): 5 hours.
    const shifts = [shift(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12), "ada@example.com")];
    expect(nightHours(shifts, utc(2026, 3, 28, 0), utc(2026, 4, 11, 0), zoneOf)[0]!.hours).toBe(5);
  });

  it("leaves out people with no night hours, and sorts most hours first", () => {
    const shifts = [
      shift(utc(2026, 3, 4, 10), utc(2026, 3, 4, 14), "eve@example.com"),
      shift(utc(2026, 3, 4, 22), utc(2026, 3, 5, 3), "fay@example.com"),
      shift(utc(2026, 3, 5, 0), utc(2026, 3, 5, 6), "gus@example.com"),
    ];
    expect(nightHours(shifts, utc(2026, 3, 4, 0), utc(2026, 3, 18, 0), zoneOf).map((n) => [n.email, n.hours])).toEqual([
      ["gus@example.com", 6],
      ["fay@example.com", 3],
    ]);
  });
});
