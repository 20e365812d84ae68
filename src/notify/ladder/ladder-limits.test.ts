import { describe, expect, it } from "vitest";
import type { LadderStep, PagingLimits } from "../../config/config-types.js";
import { ladderOverLimits, ladderOverLimitText } from "./ladder-limits.js";

const DEFAULTS: PagingLimits = { smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 900 };
const cua = (everySeconds: number, times: number): LadderStep => ({ type: "call_until_answered", everySeconds, times });
const wait = (seconds: number): LadderStep => ({ type: "wait", seconds });
const sms: LadderStep = { type: "sms" };
const call: LadderStep = { type: "call" };
const dm: LadderStep = { type: "slack_dm" };

describe("ladderOverLimits", () => {
  it("call until answered every 2m x5 with 3 calls per 15m: calls 4 and 5 would be held back", () => {
    const [over, ...rest] = ladderOverLimits([cua(120, 5)], DEFAULTS);
    expect(rest).toEqual([]);
    expect(over).toEqual({ channel: "call", inWindow: 5, limit: 3, windowSeconds: 900, heldBack: [4, 5], total: 5 });
    expect(ladderOverLimitText(over!)).toBe(
      "this ladder places 5 calls within 15m but paging.calls_per_window is 3: calls 4 and 5 would be held back (not placed); space the calls out or raise the limit",
    );
  });

  it("calls spaced wider than the window fit", () => {
    expect(ladderOverLimits([cua(300, 20)], { ...DEFAULTS, callsPerWindow: 3 })).toEqual([]);
    // 3 calls 5m apart fill a 15m window; the 4th, at 15m, finds the first one gone.
    expect(ladderOverLimits([cua(300, 4)], DEFAULTS)).toEqual([]);
  });

  it("a call just inside the window is held back, like the pager's throttle decides", () => {
    const over = ladderOverLimits([cua(299, 4)], DEFAULTS);
    expect(over).toEqual([{ channel: "call", inWindow: 4, limit: 3, windowSeconds: 900, heldBack: [4], total: 4 }]);
    expect(ladderOverLimitText(over[0]!)).toContain(": call 4 would be held back");
  });

  it("counts calls across rungs and waits: call, wait, call until answered", () => {
    const over = ladderOverLimits([dm, call, wait(60), cua(120, 3)], DEFAULTS);
    expect(over).toEqual([{ channel: "call", inWindow: 4, limit: 3, windowSeconds: 900, heldBack: [4], total: 4 }]);
  });

  it("a long wait between calls lets the window empty", () => {
    expect(ladderOverLimits([call, call, call, wait(900), call, call, call], DEFAULTS)).toEqual([]);
  });

  it("more sms rungs than sms_per_window: the extra texts are held back (bundled)", () => {
    const over = ladderOverLimits([sms, sms, wait(60), sms, call], { ...DEFAULTS, smsPerWindow: 2 });
    expect(over).toEqual([{ channel: "sms", inWindow: 3, limit: 2, windowSeconds: 900, heldBack: [3], total: 3 }]);
    expect(ladderOverLimitText(over[0]!)).toBe(
      "this ladder sends 3 texts within 15m but paging.sms_per_window is 2: text 3 would be held back (sent later, bundled into one SMS); use fewer sms steps or raise the limit",
    );
  });

  it("reports both channels, calls first, and shortens long lists", () => {
    const over = ladderOverLimits([sms, sms, cua(5, 10)], { smsPerWindow: 1, callsPerWindow: 2, windowSeconds: 600 });
    expect(over.map((o) => o.channel)).toEqual(["call", "sms"]);
    expect(ladderOverLimitText(over[0]!)).toContain("places 10 calls within 10m but paging.calls_per_window is 2: calls 3, 4, 5, 6 and 4 more would be held back");
  });

  it("Slack DMs and waits alone never run into a limit", () => {
    expect(ladderOverLimits([dm, wait(10), dm], { smsPerWindow: 1, callsPerWindow: 1, windowSeconds: 3600 })).toEqual([]);
  });
});
