import { describe, expect, it } from "vitest";
import { diffShifts, type ShiftLike } from "./diff-shifts.js";

const h = (n: number) => n * 3_600_000;
const s = (start: number, end: number, ...users: string[]): ShiftLike => ({ start: h(start), end: h(end), users });

describe("diffShifts", () => {
  it("is empty when nothing changed, even when shifts are cut differently", () => {
    expect(diffShifts([s(0, 24, "a")], [s(0, 12, "a"), s(12, 24, "a")], 0, h(24))).toEqual([]);
  });

  it("reports a swapped stretch with who was and who is on call", () => {
    const before = [s(0, 24, "a"), s(24, 48, "b")];
    const after = [s(0, 12, "a"), s(12, 24, "c"), s(24, 48, "b")];
    expect(diffShifts(before, after, 0, h(48))).toEqual([{ start: h(12), end: h(24), before: ["a"], after: ["c"] }]);
  });

  it("merges adjacent stretches with the same change and keeps different ones apart", () => {
    const before = [s(0, 10, "a"), s(10, 20, "a"), s(20, 30, "b")];
    const after = [s(0, 20, "c"), s(20, 30, "c")];
    expect(diffShifts(before, after, 0, h(30))).toEqual([
      { start: 0, end: h(20), before: ["a"], after: ["c"] },
      { start: h(20), end: h(30), before: ["b"], after: ["c"] },
    ]);
  });

  it("counts gaps as nobody and only looks inside [from, to)", () => {
    const before = [s(0, 10, "a")];
    const after = [s(0, 5, "a"), s(30, 40, "b")];
    expect(diffShifts(before, after, h(2), h(35))).toEqual([
      { start: h(5), end: h(10), before: ["a"], after: [] },
      { start: h(30), end: h(35), before: [], after: ["b"] },
    ]);
    expect(diffShifts(before, after, h(10), h(10))).toEqual([]);
  });
});
