import { describe, expect, it } from "vitest";
import { buildScheduleReport, EMPTY_REPORT_HASH } from "./schedule-report.js";
import type { ScheduleProblem, Shift } from "./schedule-types.js";

const h = (n: number) => n * 3_600_000;
const shift = (start: number, end: number, ...users: string[]): Shift => ({ start: new Date(h(start)), end: new Date(h(end)), users, reasons: [] });
const unmatched: ScheduleProblem = { kind: "unmatched_name", uid: "e1", message: '"Zed" in "On call: Zed" matches no user' };

describe("buildScheduleReport", () => {
  it("is empty, with a fixed hash, when every name matches and nobody-on-call gaps are absent", () => {
    const r = buildScheduleReport([], [shift(0, 400, "a")], 0, h(336));
    expect(r).toMatchObject({ empty: true, hash: EMPTY_REPORT_HASH, gaps: [], unmatched: [], other: [] });
  });

  it("lists unmatched names once, gaps, and other problems", () => {
    const bad: ScheduleProblem = { kind: "bad_event", uid: "e2", message: "no DTSTART" };
    const r = buildScheduleReport([unmatched, unmatched, bad], [shift(0, 10, "a"), shift(20, 400, "b")], 0, h(336));
    expect(r.empty).toBe(false);
    expect(r.unmatched).toEqual([unmatched]);
    expect(r.other).toEqual([bad]);
    expect(r.gaps).toEqual([{ start: h(10), end: h(20), ongoing: false }]);
  });

  it("keeps its hash while an ongoing gap and the window slide with time, and changes it when a gap moves", () => {
    const shifts = [shift(5, 20, "a"), shift(30, 400, "b")];
    const a = buildScheduleReport([], shifts, 0, h(336));
    const b = buildScheduleReport([], shifts, h(1), h(337));
    expect(a.gaps[0]).toMatchObject({ ongoing: true, end: h(5) });
    expect(b.hash).toBe(a.hash);
    const moved = buildScheduleReport([], [shift(5, 20, "a"), shift(31, 400, "b")], 0, h(336));
    expect(moved.hash).not.toBe(a.hash);
  });
});

describe("buildScheduleReport: night shifts", () => {
  // Epoch 0 is Thu 1 Jan 1970 00:00 UTC: a night in UTC is h(0)–h(6), h(24)–h(30), …
  const zones: Record<string, string> = { a: "UTC", b: "Asia/Tokyo" };
  const zoneOf = (email: string) => zones[email] ?? "UTC";

  it("lists each person's hours on call between 00:00 and 06:00 in their own zone, and is not empty because of them", () => {
    // a: Thu 00:00–12:00 UTC (6 night hours); b: Thu 12:00 UTC → Fri 12:00 UTC, which in Tokyo (UTC+9) is 21:00 → 21:00: one full night.
    const r = buildScheduleReport([], [shift(0, 12, "a"), shift(12, 36, "b"), shift(36, 400, "a")], h(0), h(30), zoneOf);
    expect(r.nights).toEqual([
      { email: "a", zone: "UTC", hours: 6 },
      { email: "b", zone: "Asia/Tokyo", hours: 6 },
    ]);
    expect(r.empty).toBe(false);
    expect(r.hash).not.toBe(EMPTY_REPORT_HASH);
  });

  it("changes its hash when someone's night hours change, not when nothing does", () => {
    const base = [shift(0, 12, "a"), shift(12, 400, "b")];
    const a = buildScheduleReport([], base, 0, h(336), zoneOf);
    expect(buildScheduleReport([], base, 0, h(336), zoneOf).hash).toBe(a.hash);
    const more = buildScheduleReport([], [shift(0, 30, "a"), shift(30, 400, "b")], 0, h(336), zoneOf);
    expect(more.nights!.find((n) => n.email === "a")!.hours).toBe(12);
    expect(more.hash).not.toBe(a.hash);
  });

  it("leaves night shifts out without zones (a schedule without night_warnings)", () => {
    const r = buildScheduleReport([], [shift(0, 400, "a")], 0, h(336));
    expect(r).toMatchObject({ empty: true, nights: [] });
  });
});
