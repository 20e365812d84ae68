import { describe, expect, it } from "vitest";
import { planShiftDms, turnsIn, HANDOFF_GRACE_MS, type PersonTurns, type PlannedShiftDm, type SentShiftMessage } from "./plan-shift-dms.js";

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 2, 9, 9); // Mon 9 Mar 2026, 09:00 UTC
const ALICE = "alice@example.com";
const BOB = "bob@example.com";

/** Alice on call tomorrow 09:00-17:00, reminded a day and an hour before. */
const tomorrow = { start: T0 + DAY, end: T0 + DAY + 8 * H };
const alice = (turns = [tomorrow], reminders = [DAY, H]): PersonTurns => ({ email: ALICE, reminders, turns });

/** Plans at `now`, then records the claims as sent, as the shell does; returns the plans. */
function run(now: number, people: PersonTurns[], sent: SentShiftMessage[], onCallAt: (t: number) => string[] = () => []): PlannedShiftDm[] {
  const { dms } = planShiftDms({ now, people, sent, onCallAt });
  for (const d of dms) for (const c of d.claims) sent.push({ email: d.email, kind: c.kind, key: c.key, shiftStart: c.shiftStart, shiftEnd: c.shiftEnd });
  return dms;
}

describe("planShiftDms", () => {
  it("reminds a day and an hour before a shift, each once", () => {
    const sent: SentShiftMessage[] = [];
    expect(run(T0 - M, [alice()], sent)).toEqual([]);
    expect(run(T0, [alice()], sent).map((d) => d.dm)).toEqual([{ kind: "reminder", turn: tomorrow, before: DAY }]);
    expect(run(T0 + M, [alice()], sent)).toEqual([]);
    expect(run(tomorrow.start - H + 1, [alice()], sent).map((d) => d.dm)).toEqual([{ kind: "reminder", turn: tomorrow, before: H }]);
    expect(run(tomorrow.start - 1, [alice()], sent)).toEqual([]);
  });

  it("sends one reminder (the nearest) when several fall due at once, and none with reminders off", () => {
    const sent: SentShiftMessage[] = [];
    const late = run(tomorrow.start - 30 * M, [alice()], sent);
    expect(late.map((d) => d.dm)).toEqual([{ kind: "reminder", turn: tomorrow, before: H }]);
    expect(late[0]!.claims.map((c) => c.key)).toEqual([`${tomorrow.start}|${tomorrow.end}|${H}`, `${tomorrow.start}|${tomorrow.end}|${DAY}`]);
    expect(run(tomorrow.start - 10 * M, [alice()], sent)).toEqual([]);
    expect(run(tomorrow.start - 30 * M, [alice([tomorrow], [])], [])).toEqual([]);
  });

  it("says a reminded shift moved (overlapping, or same length within a day) and does not remind of it again", () => {
    const sent: SentShiftMessage[] = [];
    run(T0, [alice()], sent);
    const later = { start: tomorrow.start + 2 * H, end: tomorrow.end + 2 * H };
    const moved = run(T0 + H, [alice([later])], sent);
    expect(moved.map((d) => d.dm)).toEqual([{ kind: "moved", from: tomorrow, to: later }]);
    expect(run(T0 + 90 * M, [alice([later])], sent)).toEqual([]);
    // The new time's reminders come at their times.
    expect(run(later.start - DAY, [alice([later])], sent).map((d) => d.dm)).toEqual([{ kind: "reminder", turn: later, before: DAY }]);
    expect(run(later.start - H, [alice([later])], sent).map((d) => d.dm)).toEqual([{ kind: "reminder", turn: later, before: H }]);
    // Moved again, to the next day (same length): still "moved", from the new time.
    const nextDay = { start: later.start + 20 * H, end: later.end + 20 * H };
    expect(run(later.start - 30 * M, [alice([nextDay])], sent).map((d) => d.dm)).toEqual([{ kind: "moved", from: later, to: nextDay }]);
  });

  it("says a reminded shift was cancelled once; a shift nobody was reminded of disappears silently", () => {
    const sent: SentShiftMessage[] = [];
    run(T0, [alice()], sent);
    expect(run(T0 + H, [alice([])], sent).map((d) => d.dm)).toEqual([{ kind: "cancelled", turn: tomorrow }]);
    expect(run(T0 + 2 * H, [alice([])], sent)).toEqual([]);
    const farAway = { start: T0 + 5 * DAY, end: T0 + 5 * DAY + 8 * H };
    expect(run(T0 + 3 * H, [alice([farAway])], [])).toEqual([]);
    // A week later is not a move: cancelled.
    const sent2: SentShiftMessage[] = [];
    run(T0, [alice()], sent2);
    const week = { start: tomorrow.start + 7 * DAY, end: tomorrow.end + 7 * DAY };
    expect(run(T0 + H, [alice([week])], sent2).map((d) => d.dm.kind)).toEqual(["cancelled"]);
  });

  it("says 'on call now' once per turn, and the handoff once at its end with who takes over", () => {
    const sent: SentShiftMessage[] = [];
    const onCallAt = (t: number) => (t >= tomorrow.start && t < tomorrow.end ? [ALICE] : t >= tomorrow.end ? [BOB] : []);
    const people = () => [alice(), { email: BOB, reminders: [], turns: [{ start: tomorrow.end, end: tomorrow.end + DAY }] }];
    run(tomorrow.start - 1, people(), sent, onCallAt);
    expect(run(tomorrow.start, people(), sent, onCallAt).map((d) => d.dm)).toEqual([{ kind: "start", turn: tomorrow }]);
    expect(run(tomorrow.start + H, people(), sent, onCallAt)).toEqual([]);
    const end = run(tomorrow.end, people(), sent, onCallAt);
    expect(end.map((d) => [d.email, d.dm])).toEqual([
      [ALICE, { kind: "handoff", turn: tomorrow, outgoing: ALICE, incoming: [BOB], lead: true }],
      [BOB, { kind: "start", turn: { start: tomorrow.end, end: tomorrow.end + DAY } }],
    ]);
    expect(run(tomorrow.end + M, people(), sent, onCallAt)).toEqual([]);
    // Bob's running turn made shorter: not a new start.
    expect(run(tomorrow.end + H, [{ email: BOB, reminders: [], turns: [{ start: tomorrow.end, end: tomorrow.end + 2 * H }] }], sent, onCallAt)).toEqual([]);
  });

  it("says 'on call now' up to an hour late (calpage was down), not for a turn long under way when first seen", () => {
    expect(run(tomorrow.start + 59 * M, [alice()], []).map((d) => d.dm.kind)).toEqual(["start"]);
    expect(run(tomorrow.start + H, [alice()], [])).toEqual([]);
  });

  it("has one lead handoff when two people go off at once, so the incoming person hears it once", () => {
    const onCallAt = (t: number) => (t < tomorrow.end ? [ALICE, BOB] : ["carol@example.com"]);
    const both = [alice(), { email: BOB, reminders: [], turns: [tomorrow] }];
    const end = run(tomorrow.end, both, [], onCallAt);
    expect(end.map((d) => [d.email, d.dm.kind === "handoff" && d.dm.lead, d.dm.kind === "handoff" && d.dm.incoming])).toEqual([
      [ALICE, true, ["carol@example.com"]],
      [BOB, false, ["carol@example.com"]],
    ]);
  });

  it("gives a handoff missed while calpage was down within the grace, not after", () => {
    const turn = { start: T0 - 8 * H, end: T0 - H };
    expect(run(T0, [alice([turn])], []).map((d) => d.dm.kind)).toEqual(["handoff"]);
    expect(run(turn.end + HANDOFF_GRACE_MS, [alice([turn])], [])).toEqual([]);
  });

  it("wakes at the next reminder time, start or end, at most an hour ahead", () => {
    expect(planShiftDms({ now: tomorrow.start - H - 5 * M, people: [alice()], sent: [], onCallAt: () => [] }).nextAt).toBe(tomorrow.start - H);
    expect(planShiftDms({ now: tomorrow.start + M, people: [alice()], sent: [], onCallAt: () => [] }).nextAt).toBe(tomorrow.start + M + H);
    expect(planShiftDms({ now: tomorrow.end - M, people: [alice()], sent: [], onCallAt: () => [] }).nextAt).toBe(tomorrow.end);
  });

  it("merges adjacent shifts into one turn", () => {
    const shifts = [
      { start: 0, end: 10, users: [ALICE] },
      { start: 10, end: 20, users: [ALICE, BOB] },
      { start: 20, end: 30, users: [BOB] },
      { start: 40, end: 50, users: [ALICE] },
    ];
    expect(turnsIn(shifts, ALICE)).toEqual([
      { start: 0, end: 20 },
      { start: 40, end: 50 },
    ]);
  });
});
