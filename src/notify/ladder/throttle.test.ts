import { describe, expect, it } from "vitest";
import { decideThrottle, heldBackLogText, type ThrottleDecision } from "./throttle.js";

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const S = 1000;

describe("decideThrottle", () => {
  const cases: Array<[string, number[], number, number, number, ThrottleDecision]> = [
    ["nothing sent yet", [], 3, 600, T0, { allow: true }],
    ["below the limit", [T0 - 10 * S, T0 - 5 * S], 3, 600, T0, { allow: true }],
    ["at the limit: bundle when the oldest leaves the window", [T0 - 100 * S, T0 - 50 * S, T0 - 10 * S], 3, 600, T0, { allow: false, bundleAt: T0 + 500 * S, inWindow: 3 }],
    ["order of sentAt does not matter", [T0 - 10 * S, T0 - 100 * S, T0 - 50 * S], 3, 600, T0, { allow: false, bundleAt: T0 + 500 * S, inWindow: 3 }],
    ["sends older than the window do not count", [T0 - 700 * S, T0 - 601 * S, T0 - 10 * S], 2, 600, T0, { allow: true }],
    ["a send exactly one window ago has left it", [T0 - 600 * S, T0 - 10 * S], 2, 600, T0, { allow: true }],
    ["a send just inside the window still counts", [T0 - 599 * S, T0 - 10 * S], 2, 600, T0, { allow: false, bundleAt: T0 + S, inWindow: 2 }],
    [
      "over the limit (after a limit change): wait until enough have left",
      [T0 - 300 * S, T0 - 200 * S, T0 - 100 * S, T0 - 50 * S],
      2,
      600,
      T0,
      { allow: false, bundleAt: T0 + 500 * S, inWindow: 4 },
    ],
    ["limit 1", [T0 - 30 * S], 1, 60, T0, { allow: false, bundleAt: T0 + 30 * S, inWindow: 1 }],
    ["limit below 1 counts as 1", [], 0, 60, T0, { allow: true }],
    ["limit below 1 still throttles the second", [T0 - S], 0, 60, T0, { allow: false, bundleAt: T0 + 59 * S, inWindow: 1 }],
    ["sends in the future (clock skew) count and bundle no earlier than they leave", [T0 + 5 * S], 1, 60, T0, { allow: false, bundleAt: T0 + 65 * S, inWindow: 1 }],
    ["a zero window never throttles", [T0, T0, T0], 1, 0, T0, { allow: true }],
  ];
  it.each(cases)("%s", (_name, sentAt, limit, windowSeconds, now, expected) => {
    expect(decideThrottle(sentAt, limit, windowSeconds, now)).toEqual(expected);
  });

  it("at bundleAt a slot is free, one moment earlier it is not", () => {
    const sentAt = [T0 - 100 * S, T0 - 50 * S, T0 - 10 * S];
    const decision = decideThrottle(sentAt, 3, 600, T0);
    if (decision.allow) throw new Error("expected a throttle");
    expect(decideThrottle(sentAt, 3, 600, decision.bundleAt - 1).allow).toBe(false);
    expect(decideThrottle(sentAt, 3, 600, decision.bundleAt)).toEqual({ allow: true });
  });
});

describe("heldBackLogText", () => {
  it("names the person, the count, the masked number and the window of a held-back call", () => {
    expect(heldBackLogText({ who: "Alice", channel: "call", maskedPhone: "…0001", inWindow: 3, windowSeconds: 900 })).toBe(
      "The call to Alice was held back: 3 calls to …0001 in 15m.",
    );
  });
  it("says a held-back text is bundled", () => {
    expect(heldBackLogText({ who: "Bob", channel: "sms", maskedPhone: "…0002", inWindow: 1, windowSeconds: 90 })).toBe(
      "The SMS to Bob was held back: 1 text to …0002 in 1m30s; it goes out in one bundled SMS once the limit allows.",
    );
  });
});
