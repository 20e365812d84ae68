import { describe, expect, it } from "vitest";
import { decideThrottle, type ThrottleDecision } from "./throttle.js";

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const S = 1000;

describe("decideThrottle", () => {
  const cases: Array<[string, number[], number, number, number, ThrottleDecision]> = [
    ["nothing sent yet", [], 3, 600, T0, { allow: true }],
    ["below the limit", [T0 - 10 * S, T0 - 5 * S], 3, 600, T0, { allow: true }],
    ["at the limit: bundle when the oldest leaves the window", [T0 - 100 * S, T0 - 50 * S, T0 - 10 * S], 3, 600, T0, { allow: false, bundleAt: T0 + 500 * S }],
    ["order of sentAt does not matter", [T0 - 10 * S, T0 - 100 * S, T0 - 50 * S], 3, 600, T0, { allow: false, bundleAt: T0 + 500 * S }],
    ["sends older than the window do not count", [T0 - 700 * S, T0 - 601 * S, T0 - 10 * S], 2, 600, T0, { allow: true }],
    ["a send exactly one window ago has left it", [T0 - 600 * S, T0 - 10 * S], 2, 600, T0, { allow: true }],
    ["a send just inside the window still counts", [T0 - 599 * S, T0 - 10 * S], 2, 600, T0, { allow: false, bundleAt: T0 + S }],
    [
      "over the limit (after a limit change): wait until enough have left",
      [T0 - 300 * S, T0 - 200 * S, T0 - 100 * S, T0 - 50 * S],
      2,
      600,
      T0,
      { allow: false, bundleAt: T0 + 500 * S },
    ],
    ["limit 1", [T0 - 30 * S], 1, 60, T0, { allow: false, bundleAt: T0 + 30 * S }],
    ["limit below 1 counts as 1", [], 0, 60, T0, { allow: true }],
    ["limit below 1 still throttles the second", [T0 - S], 0, 60, T0, { allow: false, bundleAt: T0 + 59 * S }],
    ["sends in the future (clock skew) count and bundle no earlier than they leave", [T0 + 5 * S], 1, 60, T0, { allow: false, bundleAt: T0 + 65 * S }],
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
