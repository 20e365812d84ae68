import { describe, expect, it } from "vitest";
import { describeQuietHours, parseQuietHours, quietHoldReason, quietHoursAt } from "./quiet-hours.js";

const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const night = { from: "22:00", to: "07:00" };

describe("quietHoursAt", () => {
  it("covers both sides of midnight for a window that crosses it, in the person's zone", () => {
    // Wed 4 Mar 2026, Berlin is UTC+1.
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 4, 21, 30))).toEqual({ until: "07:00", zone: "Europe/Berlin" }); // 22:30 local
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 5, 5, 59))).toEqual({ until: "07:00", zone: "Europe/Berlin" }); // 06:59 local
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 5, 6, 0))).toBeNull(); // 07:00 local: over
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 4, 20, 59))).toBeNull(); // 21:59 local
  });

  it("the same instant is quiet for one person and not for another in another zone", () => {
    const at = utc(2026, 3, 4, 23, 0); // 00:00 Berlin, 18:00 New York
    expect(quietHoursAt(night, "Europe/Berlin", at)).not.toBeNull();
    expect(quietHoursAt(night, "America/New_York", at)).toBeNull();
  });

  it("a daytime window does not wrap", () => {
    const day = { from: "09:00", to: "17:00" };
    expect(quietHoursAt(day, "UTC", utc(2026, 3, 4, 12))).not.toBeNull();
    expect(quietHoursAt(day, "UTC", utc(2026, 3, 4, 23))).toBeNull();
  });

  it("follows the wall clock across DST changes", () => {
    // Berlin springs forward on Sun 29 Mar 2026 at 01:00 UTC (02:00 CET -> 03:00 CEST): 06:59 CEST is 04:59 UTC.
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 29, 4, 59))).not.toBeNull();
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 3, 29, 5, 0))).toBeNull();
    // ... and falls back on Sun 25 Oct 2026 at 01:00 UTC: 07:00 CET is 06:00 UTC, an hour later than the day before.
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 10, 24, 4, 59))).not.toBeNull();
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 10, 24, 5, 0))).toBeNull();
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 10, 25, 5, 30))).not.toBeNull();
    expect(quietHoursAt(night, "Europe/Berlin", utc(2026, 10, 25, 6, 0))).toBeNull();
  });

  it("no quiet hours, or an unknown zone, is never quiet", () => {
    expect(quietHoursAt(null, "Europe/Berlin", utc(2026, 3, 4, 23))).toBeNull();
    expect(quietHoursAt(night, "Mars/Olympus", utc(2026, 3, 4, 23))).toBeNull();
  });

  it("says why, and reads as typed", () => {
    expect(quietHoldReason({ until: "07:00", zone: "Europe/Berlin" })).toBe("quiet hours until 07:00 (Europe/Berlin)");
    expect(describeQuietHours(night, "Europe/Berlin")).toBe("22:00–07:00 (Europe/Berlin)");
  });
});

describe("parseQuietHours", () => {
  it.each([
    ["22:00-07:00", { from: "22:00", to: "07:00" }],
    ["22:00 - 7:00", { from: "22:00", to: "07:00" }],
    ["22:00–07:00", { from: "22:00", to: "07:00" }],
    ["21:30 to 06:15", { from: "21:30", to: "06:15" }],
    ["00:00-24:00", { from: "00:00", to: "24:00" }],
    ["off", null],
    ["None", null],
  ])("%s", (text, value) => {
    expect(parseQuietHours(text)).toEqual({ ok: true, value });
  });

  it.each([
    ["22:00", /Expected quiet hours like `22:00-07:00`/],
    ["tonight", /Expected quiet hours like/],
    ["25:00-07:00", /"25:00" is not a start time/],
    ["22:00-07:60", /"07:60" is not an end time/],
    ["24:00-07:00", /"24:00" is not a start time/],
    ["07:00-07:00", /start and end at 07:00 are empty/],
  ])("refuses %s and says why", (text, message) => {
    const r = parseQuietHours(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(" ")).toMatch(message);
  });
});
