import { describe, expect, it } from "vitest";
import { finalSchedule } from "./final-schedule.js";
import { findGaps } from "./find-gaps.js";
import { parseCalendar } from "./parse-calendar.js";
import type { CalendarEvent, ParsedCalendar, ScheduleUser, Shift, SlackOverride } from "./schedule-types.js";
import { nextShiftChange, whoIsOnCall } from "./who-is-on-call.js";

const users: ScheduleUser[] = ["alice", "bob", "carol", "dave"].map((n) => ({
  email: `${n}@example.com`,
  name: n[0]!.toUpperCase() + n.slice(1),
  aliases: [],
  slackHandle: null,
}));

const t = (hhmm: string, day = 2) => new Date(`2026-03-0${day}T${hhmm}:00.000Z`);

/** A calendar of single UTC events: [summary, start, end]. */
function cal(...events: [string, Date, Date][]): ParsedCalendar {
  return {
    calendarZone: null,
    problems: [],
    events: events.map(
      ([summary, start, end], i): CalendarEvent => ({
        uid: `e${i}-${summary}`,
        summary,
        attendees: [],
        start,
        end,
        allDay: false,
        zone: "UTC",
        rrules: [],
        exdates: [],
        rdates: [],
        overrides: new Map(),
        cancelled: false,
      }),
    ),
  };
}

const view = (shifts: Shift[]) => shifts.map((s) => `${s.start.toISOString().slice(11, 16)}-${s.end.toISOString().slice(11, 16)} ${s.users.map((u) => u.split("@")[0]).join("+")}`);

function run(primary: ParsedCalendar, opts: { overrides?: ParsedCalendar; slack?: SlackOverride[]; from?: Date; to?: Date } = {}) {
  return finalSchedule({
    primary,
    overrides: opts.overrides ?? null,
    slackOverrides: opts.slack ?? [],
    users,
    from: opts.from ?? t("00:00"),
    to: opts.to ?? t("00:00", 3),
  });
}

describe("finalSchedule precedence", () => {
  it("higher level wins while it runs; lower level resumes after", () => {
    const r = run(cal(["Alice", t("00:00"), t("00:00", 3)], ["[L1] Bob", t("10:00"), t("12:00")]));
    expect(view(r.shifts)).toEqual(["00:00-10:00 alice", "10:00-12:00 bob", "12:00-00:00 alice"]);
  });

  it("same-level overlaps put everyone on call", () => {
    const r = run(cal(["Alice", t("08:00"), t("12:00")], ["Bob", t("10:00"), t("14:00")]));
    expect(view(r.shifts)).toEqual(["08:00-10:00 alice", "10:00-12:00 alice+bob", "12:00-14:00 bob"]);
  });

  it("the overrides feed beats any primary level, and levels apply inside it", () => {
    const primary = cal(["[L5] Alice", t("00:00"), t("00:00", 3)]);
    const overrides = cal(["Bob", t("06:00"), t("12:00")], ["[L1] Carol", t("08:00"), t("09:00")]);
    const r = run(primary, { overrides });
    expect(view(r.shifts)).toEqual(["00:00-06:00 alice", "06:00-08:00 bob", "08:00-09:00 carol", "09:00-12:00 bob", "12:00-00:00 alice"]);
    const carol = r.shifts[2]!;
    expect(carol.reasons).toEqual([{ userEmail: "carol@example.com", source: "overrides", level: 1, uid: "e1-[L1] Carol", summary: "[L1] Carol" }]);
  });

  it("Slack takeovers beat the overrides feed; several at once are all on call", () => {
    const r = run(cal(["Alice", t("00:00"), t("00:00", 3)]), {
      overrides: cal(["Bob", t("06:00"), t("12:00")]),
      slack: [
        { id: "s1", userEmail: "Carol@Example.com", start: t("07:00"), end: t("09:00") },
        { id: "s2", userEmail: "dave@example.com", start: t("08:00"), end: t("10:00"), replacing: null },
      ],
    });
    expect(view(r.shifts)).toEqual(["00:00-06:00 alice", "06:00-07:00 bob", "07:00-08:00 carol", "08:00-09:00 carol+dave", "09:00-10:00 dave", "10:00-12:00 bob", "12:00-00:00 alice"]);
    expect(r.shifts[3]!.reasons.map((x) => [x.userEmail, x.source, x.uid])).toEqual([
      ["carol@example.com", "slack", "s1"],
      ["dave@example.com", "slack", "s2"],
    ]);
  });

  it("a Slack swap replaces only that person, and does nothing where they are not on call", () => {
    const r = run(cal(["Alice", t("08:00"), t("12:00")], ["Bob", t("08:00"), t("16:00")]), {
      slack: [{ id: "swap", userEmail: "carol@example.com", start: t("10:00"), end: t("14:00"), replacing: "alice@example.com" }],
    });
    expect(view(r.shifts)).toEqual(["08:00-10:00 alice+bob", "10:00-12:00 bob+carol", "12:00-16:00 bob"]);
    expect(r.shifts[1]!.reasons.find((x) => x.userEmail === "carol@example.com")).toEqual({
      userEmail: "carol@example.com",
      source: "slack",
      level: 0,
      uid: "swap",
      summary: "Covering alice@example.com",
    });
  });

  it("an event naming nobody is reported and does not hide the people under it", () => {
    const r = run(cal(["Alice", t("00:00"), t("00:00", 3)]), { overrides: cal(["Alcie", t("10:00"), t("11:00")], ["On call", t("12:00"), t("13:00")]) });
    expect(view(r.shifts)).toEqual(["00:00-00:00 alice"]);
    expect(r.problems.map((p) => [p.kind, p.uid])).toEqual([
      ["unmatched_name", "e0-Alcie"],
      ["unmatched_name", "e1-On call"],
    ]);
  });
});

describe("finalSchedule shape", () => {
  it("merges adjacent shifts with the same people and keeps every reason", () => {
    const r = run(cal(["Alice", t("00:00"), t("08:00")], ["Alice", t("08:00"), t("16:00")], ["Bob", t("16:00"), t("20:00")]));
    expect(view(r.shifts)).toEqual(["00:00-16:00 alice", "16:00-20:00 bob"]);
    expect(r.shifts[0]!.reasons.map((x) => x.uid)).toEqual(["e0-Alice", "e1-Alice"]);
  });

  it("leaves gaps out, sorts users, clips to the window", () => {
    const r = run(cal(["Bob & Alice", t("20:00", 1), t("02:00")], ["Carol", t("04:00"), t("05:00")], ["Dave", t("23:00"), t("06:00", 3)]));
    expect(view(r.shifts)).toEqual(["00:00-02:00 alice+bob", "04:00-05:00 carol", "23:00-00:00 dave"]);
    expect(r.shifts[0]!.users).toEqual(["alice@example.com", "bob@example.com"]);
  });

  it("returns nothing for an empty window and ignores zero-length events and overrides", () => {
    expect(run(cal(["Alice", t("00:00"), t("01:00")]), { from: t("05:00"), to: t("05:00") }).shifts).toEqual([]);
    const r = run(cal(["Alice", t("03:00"), t("03:00")]), { slack: [{ id: "z", userEmail: "bob@example.com", start: t("04:00"), end: t("04:00") }] });
    expect(r.shifts).toEqual([]);
  });

  it("passes both feeds' parse problems through", () => {
    const broken = parseCalendar("<html>nope</html>", { defaultZone: "UTC" });
    const r = finalSchedule({ primary: cal(["Alice", t("00:00"), t("01:00")]), overrides: broken, slackOverrides: [], users, from: t("00:00"), to: t("02:00") });
    expect(r.problems.map((p) => p.kind)).toEqual(["unparseable"]);
    expect(view(r.shifts)).toEqual(["00:00-01:00 alice"]);
  });
});

describe("whoIsOnCall / nextShiftChange / findGaps", () => {
  const { shifts } = run(cal(["Alice", t("00:00"), t("08:00")], ["Bob", t("08:00"), t("12:00")], ["Carol", t("14:00"), t("18:00")]));

  it("answers who is on call at an instant ([start, end))", () => {
    expect(whoIsOnCall(shifts, t("07:59"))).toEqual(["alice@example.com"]);
    expect(whoIsOnCall(shifts, t("08:00"))).toEqual(["bob@example.com"]);
    expect(whoIsOnCall(shifts, t("13:00"))).toEqual([]);
    expect(whoIsOnCall(shifts, t("18:00"))).toEqual([]);
    expect(whoIsOnCall([], t("18:00"))).toEqual([]);
  });

  it("finds the next change, including into and out of gaps", () => {
    expect(nextShiftChange(shifts, t("01:00"))).toEqual(t("08:00"));
    expect(nextShiftChange(shifts, t("08:00"))).toEqual(t("12:00"));
    expect(nextShiftChange(shifts, t("12:30"))).toEqual(t("14:00"));
    expect(nextShiftChange(shifts, t("18:00"))).toBeNull();
  });

  it("skips boundaries between unmerged shifts with the same people", () => {
    const same: Shift[] = [
      { start: t("00:00"), end: t("01:00"), users: ["a@x"], reasons: [] },
      { start: t("01:00"), end: t("02:00"), users: ["a@x"], reasons: [] },
    ];
    expect(nextShiftChange(same, t("00:30"))).toEqual(t("02:00"));
  });

  it("lists the gaps in a window", () => {
    expect(findGaps(shifts, t("00:00"), t("00:00", 3))).toEqual([
      { start: t("12:00"), end: t("14:00") },
      { start: t("18:00"), end: t("00:00", 3) },
    ]);
    expect(findGaps(shifts, t("09:00"), t("13:00"))).toEqual([{ start: t("12:00"), end: t("13:00") }]);
    expect(findGaps(shifts, t("01:00"), t("07:00"))).toEqual([]);
    expect(findGaps([], t("01:00"), t("07:00"))).toEqual([{ start: t("01:00"), end: t("07:00") }]);
  });
});
