import { describe, expect, it } from "vitest";
import { buildScheduleReport } from "../../schedule/schedule-report.js";
import type { Shift } from "../../schedule/schedule-types.js";
import { noticeText, reportText } from "./schedule-messages.js";

const H = 3_600_000;
const T = Date.UTC(2026, 2, 4, 12);
const shift = (start: number, end: number, ...users: string[]): Shift => ({ start: new Date(start), end: new Date(end), users, reasons: [] });

describe("the calendar check's night shifts", () => {
  // Ada (Berlin) is on call for the whole 14 days: 14 nights of 6 hours; Bo (New York) for one evening into his night.
  const zones: Record<string, string> = { "ada@example.com": "Europe/Berlin", "bo@example.com": "America/New_York" };
  const report = buildScheduleReport(
    [],
    [shift(T - H, T + 400 * H, "ada@example.com"), shift(T + 14 * H, T + 18 * H + 30 * 60_000, "bo@example.com")],
    T,
    T + 336 * H,
    (e) => zones[e]!,
  );
  const who = (email: string) => `<@${email === "ada@example.com" ? "U0ADA" : "U0BO"}>`;

  it("lists each person with their hours and zone, most first", () => {
    const text = reportText("primary", "Europe/Berlin", report, T, true, who);
    expect(text).toBe(
      [
        ":mag: Weekly calendar check for *primary*:",
        "*On call at night* (00:00–06:00 in their own time zone, next 14 days):",
        "• <@U0ADA>: 84 h (Europe/Berlin)",
        // Bo: 02:00–06:30 UTC is 21:00–01:30 in New York (EST): 1.5 h of his night.
        "• <@U0BO>: 1.5 h (America/New_York)",
      ].join("\n"),
    );
  });

  it("is said in the notice posted after a calendar change too", () => {
    expect(noticeText("primary", "Europe/Berlin", { kind: "report", report, weekly: false }, T, who)).toContain("*On call at night*");
  });
});
