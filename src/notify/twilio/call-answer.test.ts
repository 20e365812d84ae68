import { describe, expect, it } from "vitest";
import { callEnd, callEndLogText, isMenuKey, keypressLogText } from "./call-answer.js";

describe("when a paging call counts as answered", () => {
  it.each(["4", "5", "6", "*", " 4 "])("menu key %j shows a human is on the line", (digits) => {
    expect(isMenuKey(digits)).toBe(true);
  });
  it.each(["", "1", "9", "#", "44", "0"])("%j is not a menu key (no key, or what a machine or pocket sends)", (digits) => {
    expect(isMenuKey(digits)).toBe(false);
  });

  it("completed with a menu key pressed is answered", () => {
    expect(callEnd("completed", true)).toEqual({ answered: true });
  });
  it("completed without a key (voicemail, answering machine, hang-up) is NOT answered", () => {
    expect(callEnd("completed", false)).toEqual({ answered: false, reason: "no_keypress" });
  });
  it.each(["busy", "failed", "no-answer", "canceled"])("%s is not answered", (status) => {
    expect(callEnd(status, false)).toEqual({ answered: false, reason: "not_picked_up", status });
  });
  it.each(["queued", "initiated", "ringing", "in-progress", "answered", ""])("%j is not final: no result yet", (status) => {
    expect(callEnd(status, false)).toBeNull();
    expect(callEnd(status, true)).toBeNull();
  });

  it("says in the thread what happened", () => {
    expect(keypressLogText("Alice", "4")).toBe("Alice answered the call and pressed 4.");
    expect(callEndLogText("Alice", { answered: false, reason: "no_keypress" })).toBe(
      "The call to Alice ended without a keypress (voicemail or hang-up); not counted as answered.",
    );
    expect(callEndLogText("Alice", { answered: false, reason: "not_picked_up", status: "busy" })).toBe("Alice did not answer the call (busy).");
    // Picked up after someone else acknowledged: calpage said so and hung up; no voicemail involved.
    expect(callEndLogText("Alice", { answered: false, reason: "no_keypress" }, "acknowledged")).toBe(
      "The call to Alice ended without a keypress; the alert was already acknowledged.",
    );
    // The keypress line already said it.
    expect(callEndLogText("Alice", { answered: true })).toBeNull();
  });
});
