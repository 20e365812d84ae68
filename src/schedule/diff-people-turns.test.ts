import { describe, expect, it } from "vitest";
import { CHANGES_BATCH_MS, CHANGES_HORIZON_MS, decideChangeDms, type PeopleTurns } from "./diff-people-turns.js";

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 2, 9, 9);
const A = "alice@example.com";
const B = "bob@example.com";

describe("decideChangeDms", () => {
  const mon = { start: T0 + DAY, end: T0 + DAY + 8 * H };
  const tue = { start: T0 + 2 * DAY, end: T0 + 2 * DAY + 8 * H };
  const first = decideChangeDms(null, { [A]: [mon, tue] }, T0).after;

  it("records the first snapshot silently", () => {
    expect(decideChangeDms(null, { [A]: [mon, tue] }, T0)).toMatchObject({ send: [], nextAt: null });
  });

  it("batches one person's changes made within two minutes into one message; a swap tells both", () => {
    // Alice gives Monday to Bob…
    const step1 = decideChangeDms(first, { [A]: [tue], [B]: [mon] }, T0 + M);
    expect(step1.send).toEqual([]);
    expect(step1.nextAt).toBe(T0 + M + CHANGES_BATCH_MS);
    // …a minute later Tuesday too, and Bob's Tuesday is an hour longer.
    const tueLonger = { ...tue, end: tue.end + H };
    const step2 = decideChangeDms(step1.after, { [B]: [mon, tueLonger] }, T0 + 2 * M);
    expect(step2.send).toEqual([]);
    expect(step2.nextAt).toBe(T0 + M + CHANGES_BATCH_MS);
    const step3 = decideChangeDms(step2.after, { [B]: [mon, tueLonger] }, T0 + M + CHANGES_BATCH_MS);
    expect(step3.send).toEqual([
      { email: A, removed: [mon, tue], added: [] },
      { email: B, removed: [], added: [mon, tueLonger] },
    ]);
    // Told once.
    expect(decideChangeDms(step3.after, { [B]: [mon, tueLonger] }, T0 + 10 * M)).toMatchObject({ send: [], nextAt: null });
  });

  it("says nothing for a change undone within the batch, for turns over, or for turns that only came into view", () => {
    const undo1 = decideChangeDms(first, { [A]: [tue] }, T0 + M);
    const undo2 = decideChangeDms(undo1.after, { [A]: [mon, tue] }, T0 + 2 * M);
    expect(decideChangeDms(undo2.after, { [A]: [mon, tue] }, T0 + 5 * M)).toMatchObject({ send: [], nextAt: null });
    // Two days later Monday is over; Bob's new turn starts after the first run's horizon.
    const far = { start: T0 + CHANGES_HORIZON_MS + H, end: T0 + CHANGES_HORIZON_MS + 9 * H };
    const later = T0 + 2 * DAY + 9 * H;
    expect(decideChangeDms(first, { [B]: [far] }, later).send).toEqual([]);
  });

  it("leaves out what another DM already says", () => {
    const moved = { start: tue.start + H, end: tue.end + H };
    const told = (email: string, t: { start: number }) => email === A && (t.start === tue.start || t.start === moved.start);
    const step1 = decideChangeDms(first, { [A]: [mon, moved] }, T0 + M, told);
    expect(step1).toMatchObject({ send: [], nextAt: null });
  });

  it("keeps the snapshot small: people without turns or pending changes are left out", () => {
    const after: PeopleTurns = decideChangeDms(first, {}, T0 + M).after;
    expect(Object.keys(after.people)).toEqual([A]);
    expect(Object.keys(decideChangeDms(after, {}, T0 + M + CHANGES_BATCH_MS).after.people)).toEqual([]);
  });
});
