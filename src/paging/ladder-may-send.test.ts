import { describe, expect, it } from "vitest";
import { isResponderPage, ladderMaySend } from "./ladder-may-send.js";

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

  it("a page is a responder request's only when the responder run itself sent it", () => {
    const run = { responder: true, state: { run: 2 } };
    expect(isResponderPage(run, "2.0.1")).toBe(true);
    // Left queued by the chain's earlier run, which the acknowledgement ended.
    expect(isResponderPage(run, "1.0.1")).toBe(false);
    // "Reaching them again" after an unknown outcome carries no ladder key: it goes with the current run.
    expect(isResponderPage(run, null)).toBe(true);
    expect(isResponderPage({ responder: false, state: { run: 2 } }, "2.0.1")).toBe(false);
    expect(isResponderPage(null, "2.0.1")).toBe(false);
  });
});
