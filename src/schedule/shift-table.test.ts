import { describe, expect, it } from "vitest";
import type { Shift } from "./schedule-types.js";
import { packShifts, ShiftTable } from "./shift-table.js";
import { nextShiftChange, whoIsOnCall } from "./who-is-on-call.js";

const H = 3_600_000;
const people = ["alice@example.com", "bob@example.com", "carol@example.com"];

/** Random sorted, non-overlapping shifts with gaps, as finalSchedule returns them (adjacent ones differ). */
function randomShifts(seed: number, n: number): Shift[] {
  let x = seed;
  const rnd = () => ((x = (x * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const out: Shift[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.3) t += Math.ceil(rnd() * 5) * H;
    const users = people.filter(() => rnd() < 0.5);
    if (users.length === 0) users.push(people[i % 3]!);
    const prev = out[out.length - 1];
    if (prev && prev.end.getTime() === t && prev.users.join() === users.join()) users.push("dave@example.com");
    const end = t + Math.ceil(rnd() * 10) * H;
    out.push({ start: new Date(t), end: new Date(end), users, reasons: users.map((u, k) => ({ userEmail: u, source: k === 0 ? "primary" : "slack", level: k, uid: `uid-${i}`, summary: `On call: ${u} “${i}”` })) });
    t = end;
  }
  return out;
}

describe("ShiftTable", () => {
  it.each([1, 2, 3, 42])("answers like the plain shift list (seed %i)", (seed) => {
    const shifts = randomShifts(seed, 200);
    const table = new ShiftTable(structuredClone(packShifts(shifts)));
    expect(table.length).toBe(200);
    expect(table.range(-1e15, 1e15)).toEqual(shifts);
    const last = shifts[shifts.length - 1]!.end.getTime();
    for (let t = -H; t <= last + H; t += H / 2) {
      expect(table.whoAt(t)).toEqual(whoIsOnCall(shifts, new Date(t)));
      expect(table.nextChange(t)).toEqual(nextShiftChange(shifts, new Date(t))?.getTime() ?? null);
      const i = table.indexAt(t);
      expect(i === -1 ? null : table.shift(i)).toEqual(shifts.find((s) => s.start.getTime() <= t && t < s.end.getTime()) ?? null);
    }
  });

  it("cuts ranges to the window asked and keeps whole shifts for overlapping()", () => {
    const shifts = randomShifts(7, 20);
    const table = ShiftTable.of(shifts);
    const from = shifts[3]!.start.getTime() + H / 2;
    const to = shifts[6]!.end.getTime() - H / 2;
    const cut = table.range(from, to);
    expect(cut[0]!.start.getTime()).toBe(from);
    expect(cut[cut.length - 1]!.end.getTime()).toBe(to);
    expect(table.overlapping(from, to)).toEqual(shifts.slice(3, 7));
  });

  it("handles an empty schedule", () => {
    const table = ShiftTable.of([]);
    expect(table.whoAt(0)).toEqual([]);
    expect(table.nextChange(0)).toBeNull();
    expect(table.range(0, 1e12)).toEqual([]);
  });
});
