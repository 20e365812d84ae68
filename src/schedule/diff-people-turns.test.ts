import { describe, expect, it } from "vitest";
import { CHANGES_HORIZON_MS, diffPeopleTurns, type PeopleTurns } from "./diff-people-turns.js";

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 2, 9, 9);
const A = "alice@example.com";
const B = "bob@example.com";
const snap = (at: number, turns: PeopleTurns["turns"]): PeopleTurns => ({ from: at, to: at + CHANGES_HORIZON_MS, turns });

describe("diffPeopleTurns", () => {
  const mon = { start: T0 + DAY, end: T0 + DAY + 8 * H };
  const tue = { start: T0 + 2 * DAY, end: T0 + 2 * DAY + 8 * H };

  it("batches every change of one person; a swap tells both", () => {
    const before = snap(T0, { [A]: [mon, tue], [B]: [] });
    const after = snap(T0 + H, { [A]: [], [B]: [mon, { ...tue, end: tue.end + H }] });
    expect(diffPeopleTurns(before, after, T0 + H)).toEqual([
      { email: A, removed: [mon, tue], added: [] },
      { email: B, removed: [], added: [mon, { ...tue, end: tue.end + H }] },
    ]);
  });

  it("says nothing when nothing changed, for turns over, or for turns that only came into view", () => {
    const before = snap(T0, { [A]: [mon] });
    expect(diffPeopleTurns(before, snap(T0 + H, { [A]: [mon] }), T0 + H)).toEqual([]);
    // Monday's turn ended; Bob's new turn starts after the old horizon: both out of the common view.
    const later = T0 + 2 * DAY;
    const far = { start: T0 + CHANGES_HORIZON_MS + H, end: T0 + CHANGES_HORIZON_MS + 9 * H };
    expect(diffPeopleTurns(before, snap(later, { [B]: [far] }), later)).toEqual([]);
  });
});
