import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandCalendar } from "./expand-calendar.js";
import { finalSchedule } from "./final-schedule.js";
import { parseCalendar } from "./parse-calendar.js";
import type { ScheduleUser } from "./schedule-types.js";

/**
 * Every `tests/fixtures/ics/<name>.ics` with a `<name>.expected.json` next to it: the expected
 * shifts (and optionally occurrences, problems, calendar zone) were worked out by hand from the
 * calendar semantics, with a `why` note. This runs them through parseCalendar + finalSchedule.
 */
interface Expected {
  window: { from: string; to: string };
  defaultZone: string;
  users: ScheduleUser[];
  overridesFeed?: string;
  slackOverrides?: { id: string; userEmail: string; start: string; end: string; replacing?: string | null }[];
  calendarZone?: string | null;
  problems?: string[];
  occurrences?: { uid: string; summary: string; start: string; end: string }[];
  shifts: { start: string; end: string; users: string[] }[];
  why: string;
}

const dir = fileURLToPath(new URL("../../tests/fixtures/ics/", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".expected.json"))
  .map((f) => f.replace(/\.expected\.json$/, ""))
  .sort();

describe("ics fixtures", () => {
  it("has at least 30 hand-checked fixtures", () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
  });

  describe.each(names)("%s", (name) => {
    const exp = JSON.parse(readFileSync(`${dir}${name}.expected.json`, "utf8")) as Expected;
    const from = new Date(exp.window.from);
    const to = new Date(exp.window.to);
    const primary = parseCalendar(readFileSync(`${dir}${name}.ics`, "utf8"), { defaultZone: exp.defaultZone });
    const overrides = exp.overridesFeed ? parseCalendar(readFileSync(`${dir}${exp.overridesFeed}`, "utf8"), { defaultZone: exp.defaultZone }) : null;
    const slackOverrides = (exp.slackOverrides ?? []).map((s) => ({ ...s, start: new Date(s.start), end: new Date(s.end) }));
    const result = finalSchedule({ primary, overrides, slackOverrides, users: exp.users, from, to });

    it("gives the expected shifts", () => {
      expect(result.shifts.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString(), users: s.users }))).toEqual(exp.shifts);
    });

    if (exp.problems) {
      const problems = exp.problems;
      it("reports exactly the expected problems", () => {
        expect(result.problems.map((p) => p.kind).sort(), JSON.stringify(result.problems)).toEqual([...problems].sort());
      });
    }

    if (exp.occurrences) {
      const occurrences = exp.occurrences;
      it("expands to the expected occurrences", () => {
        const got = expandCalendar(primary, from, to).map((o) => ({ uid: o.uid, summary: o.summary, start: o.start.toISOString(), end: o.end.toISOString() }));
        expect(got).toEqual(occurrences);
      });
    }

    if (exp.calendarZone !== undefined) {
      const zone = exp.calendarZone;
      it("reads the calendar's zone", () => expect(primary.calendarZone).toBe(zone));
    }

    it("explains every person on call", () => {
      for (const s of result.shifts) expect([...new Set(s.reasons.map((r) => r.userEmail))].sort()).toEqual(s.users);
    });
  });
});
