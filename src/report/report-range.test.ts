import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { isMonthName, parseReportDate, parseReportMonth, parseReportRange } from "./report-range.js";

const at = (wall: string, zone: string) => DateTime.fromISO(wall, { zone }).toMillis();
const value = <T>(r: { ok: true; value: T } | { ok: false; errors: string[] }) => {
  if (!r.ok) throw new Error(r.errors.join("; "));
  return r.value;
};

describe("parseReportDate", () => {
  it("reads months, days and times in the report's zone; a month or day as --to is included", () => {
    const z = "America/New_York";
    expect(value(parseReportDate("--from", "2026-03", z, false))).toBe(at("2026-03-01T00:00", z));
    expect(value(parseReportDate("--to", "2026-03", z, true))).toBe(at("2026-04-01T00:00", z));
    expect(value(parseReportDate("--to", "2026-03-08", z, true))).toBe(at("2026-03-09T00:00", z));
    expect(value(parseReportDate("--from", "2026-03-08T12:00", z, false))).toBe(at("2026-03-08T12:00", z));
    expect(value(parseReportDate("--from", "2026-03-08T12:00:00Z", z, false))).toBe(Date.UTC(2026, 2, 8, 12));
  });

  it("refuses what is no date, saying what it expected", () => {
    expect(parseReportDate("--from", undefined, "UTC", false)).toEqual({ ok: false, errors: [expect.stringMatching(/^--from is required \(expected a month like 2026-03/)] });
    expect(parseReportDate("--from", "2026-13", "UTC", false)).toEqual({ ok: false, errors: [expect.stringMatching(/^--from 2026-13: there is no such month/)] });
    expect(parseReportDate("--to", "yesterday", "UTC", true)).toEqual({ ok: false, errors: [expect.stringMatching(/^--to yesterday: expected a month like 2026-03/)] });
  });

  it("a range needs --to after --from and at most 400 days", () => {
    expect(value(parseReportRange("2026-01", "2026-12", "UTC"))).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2027, 0, 1) });
    expect(parseReportRange("2026-03-02", "2026-03-01", "UTC")).toEqual({ ok: false, errors: [expect.stringContaining("--to must be after --from")] });
    expect(parseReportRange("2026-01", "2027-02", "UTC")).toEqual({ ok: false, errors: [expect.stringContaining("longer than 400 days")] });
  });
});

describe("parseReportMonth", () => {
  const zone = "Europe/Berlin";
  const now = at("2026-03-10T12:00", zone);

  it("defaults to this month so far", () => {
    expect(value(parseReportMonth(undefined, zone, now))).toEqual({ from: at("2026-03-01T00:00", zone), to: now, label: "March 2026" });
  });

  it("a month's name is its latest one that has begun; a past month is whole", () => {
    expect(value(parseReportMonth("feb", zone, now))).toEqual({ from: at("2026-02-01T00:00", zone), to: at("2026-03-01T00:00", zone), label: "February 2026" });
    expect(value(parseReportMonth("December", zone, now)).label).toBe("December 2025");
    expect(value(parseReportMonth("2025-10", zone, now)).to).toBe(at("2025-11-01T00:00", zone));
  });

  it("refuses months to come and words that are no month", () => {
    expect(parseReportMonth("2026-04", zone, now)).toEqual({ ok: false, errors: ["April 2026 has not begun yet."] });
    expect(parseReportMonth("smarch", zone, now).ok).toBe(false);
    expect([isMonthName("sept"), isMonthName("Mar"), isMonthName("ma"), isMonthName("marchy")]).toEqual([true, true, false, false]);
  });
});
