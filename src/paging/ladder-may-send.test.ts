import { describe, expect, it } from "vitest";
import { ladderMaySend } from "./ladder-may-send.js";

describe("ladderMaySend", () => {
  it("sends while the group fires, for everyone", () => {
    expect(ladderMaySend("firing", false)).toBe(true);
    expect(ladderMaySend("firing", true)).toBe(true);
  });

  it("an acknowledged group still reaches people added as responders, and nobody else", () => {
    expect(ladderMaySend("acknowledged", true)).toBe(true);
    expect(ladderMaySend("acknowledged", false)).toBe(false);
  });

  it("a silenced, resolved or missing group reaches nobody", () => {
    for (const state of ["silenced", "resolved", null, undefined] as const) {
      expect(ladderMaySend(state, true)).toBe(false);
      expect(ladderMaySend(state, false)).toBe(false);
    }
  });
});
