import { describe, expect, it } from "vitest";
import type { LadderStep } from "../../config/config-types.js";
import { initialLadder, ladderSendKey, ladderTransition, laterRungSent, type LadderEffect, type LadderEvent, type LadderState } from "./ladder.js";

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const S = 1000;

const withoutLogs = (effects: LadderEffect[]) => effects.filter((e) => e.type !== "log");

/** Runs events in order, returning every step's result. */
function play(steps: LadderStep[], events: Array<[LadderEvent | ((s: LadderState) => LadderEvent), number]>, from: LadderState = initialLadder) {
  let state = from;
  return events.map(([event, at]) => {
    const e = typeof event === "function" ? event(state) : event;
    const r = ladderTransition(state, e, steps, at);
    state = r.state;
    return r;
  });
}
const tick = (s: LadderState): LadderEvent => ({ type: "tick", seq: s.seq });
const result = (answered: boolean) => (s: LadderState): LadderEvent => ({ type: "call_result", rung: s.rung, attempt: s.attempt, answered });

describe("ladderTransition: every rung on start", () => {
  const cases: Array<[string, LadderStep[], LadderEffect[], Partial<LadderState>]> = [
    [
      "slack_dm sends and finishes",
      [{ type: "slack_dm" }],
      [{ type: "send", channel: "slack_dm", rung: 0, attempt: 1, key: "1.0.1" }],
      { status: "finished", rung: 1, nextAt: null },
    ],
    ["sms sends and finishes", [{ type: "sms" }], [{ type: "send", channel: "sms", rung: 0, attempt: 1, key: "1.0.1" }], { status: "finished", rung: 1 }],
    [
      "call sends and goes on without waiting for the result",
      [{ type: "call" }, { type: "sms" }],
      [
        { type: "send", channel: "call", rung: 0, attempt: 1, key: "1.0.1" },
        { type: "send", channel: "sms", rung: 1, attempt: 1, key: "1.1.1" },
      ],
      { status: "finished", rung: 2 },
    ],
    [
      "wait sets a timer",
      [{ type: "wait", seconds: 120 }, { type: "sms" }],
      [{ type: "set_timer", at: T0 + 120 * S, seq: 2 }],
      { status: "active", seq: 2, rung: 1, nextAt: T0 + 120 * S },
    ],
    [
      "call_until_answered calls and waits for the result (guarded by a timer)",
      [{ type: "call_until_answered", everySeconds: 60, times: 3 }],
      [
        { type: "send", channel: "call", rung: 0, attempt: 1, key: "1.0.1" },
        { type: "set_timer", at: T0 + 600 * S, seq: 2 },
      ],
      { status: "active", seq: 2, rung: 0, attempt: 1, awaitingCall: true, nextAt: T0 + 600 * S },
    ],
    ["an empty ladder finishes at once", [], [], { status: "finished", rung: 0 }],
  ];
  it.each(cases)("%s", (_name, steps, effects, state) => {
    const r = ladderTransition(initialLadder, { type: "start" }, steps, T0);
    expect(withoutLogs(r.effects)).toEqual(effects);
    expect(r.state).toMatchObject({ run: 1, ...state });
  });
});

describe("ladderTransition: a typical ladder", () => {
  const steps: LadderStep[] = [{ type: "slack_dm" }, { type: "wait", seconds: 60 }, { type: "sms" }, { type: "wait", seconds: 120 }, { type: "call" }];

  it("DM, wait 1m, SMS, wait 2m, call, finished", () => {
    const [start, first, second, stale] = play(steps, [
      [{ type: "start" }, T0],
      [tick, T0 + 60 * S],
      [tick, T0 + 180 * S],
      [{ type: "tick", seq: 2 }, T0 + 200 * S],
    ]);
    expect(withoutLogs(start!.effects)).toEqual([
      { type: "send", channel: "slack_dm", rung: 0, attempt: 1, key: "1.0.1" },
      { type: "set_timer", at: T0 + 60 * S, seq: 2 },
    ]);
    expect(withoutLogs(first!.effects)).toEqual([
      { type: "send", channel: "sms", rung: 2, attempt: 1, key: "1.2.1" },
      { type: "set_timer", at: T0 + 180 * S, seq: 3 },
    ]);
    expect(withoutLogs(second!.effects)).toEqual([{ type: "send", channel: "call", rung: 4, attempt: 1, key: "1.4.1" }]);
    expect(second!.state).toMatchObject({ status: "finished", nextAt: null });
    expect(second!.effects.at(-1)).toEqual({ type: "log", text: "Notification rules finished: no more rungs." });
    expect(stale!.effects).toEqual([]);
  });

  it("a stale or replayed tick does nothing", () => {
    const [, first] = play(steps, [
      [{ type: "start" }, T0],
      [tick, T0 + 60 * S],
    ]);
    const s = first!.state;
    expect(ladderTransition(s, { type: "tick", seq: 2 }, steps, T0 + 61 * S)).toEqual({ state: s, effects: [] });
    expect(ladderTransition(s, { type: "tick", seq: 99 }, steps, T0 + 61 * S)).toEqual({ state: s, effects: [] });
  });

  it("stop cancels the timer; later ticks and results do nothing", () => {
    const [start, stop, after, again] = play(steps, [
      [{ type: "start" }, T0],
      [{ type: "stop", reason: "acknowledged" }, T0 + 10 * S],
      [{ type: "tick", seq: 2 }, T0 + 60 * S],
      [{ type: "stop" }, T0 + 70 * S],
    ]);
    expect(stop!.effects).toEqual([{ type: "cancel_timer" }, { type: "log", text: "Notification rules stopped: acknowledged." }]);
    expect(stop!.state).toMatchObject({ status: "stopped", seq: start!.state.seq + 1, nextAt: null });
    expect(after!.effects).toEqual([]);
    expect(again!.effects).toEqual([]);
  });

  it("start while running is ignored (a replayed start never double-sends)", () => {
    const s = ladderTransition(initialLadder, { type: "start" }, steps, T0).state;
    const r = ladderTransition(s, { type: "start" }, steps, T0 + S);
    expect(r.state).toBe(s);
    expect(withoutLogs(r.effects)).toEqual([]);
  });

  it("a restart after stop or finish is a new run with new keys", () => {
    const [, , restart] = play(steps, [
      [{ type: "start" }, T0],
      [{ type: "stop" }, T0 + S],
      [{ type: "start" }, T0 + 2 * S],
    ]);
    expect(restart!.state).toMatchObject({ status: "active", run: 2, rung: 2 });
    expect(withoutLogs(restart!.effects)[0]).toEqual({ type: "send", channel: "slack_dm", rung: 0, attempt: 1, key: "2.0.1" });
  });

  it("ignores events on an idle ladder", () => {
    for (const event of [{ type: "tick", seq: 0 }, { type: "stop" }, { type: "call_result", rung: 0, attempt: 0, answered: true }] as LadderEvent[]) {
      expect(ladderTransition(initialLadder, event, steps, T0)).toEqual({ state: initialLadder, effects: [] });
    }
  });
});

describe("ladderTransition: call_until_answered", () => {
  const steps: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 3 }, { type: "sms" }];

  it("an answered call goes on to the next rung", () => {
    const [, answered] = play(steps, [
      [{ type: "start" }, T0],
      [result(true), T0 + 30 * S],
    ]);
    expect(withoutLogs(answered!.effects)).toEqual([{ type: "cancel_timer" }, { type: "send", channel: "sms", rung: 1, attempt: 1, key: "1.1.1" }]);
    expect(answered!.state).toMatchObject({ status: "finished", awaitingCall: false });
  });

  it("an unanswered call is retried everySeconds later, up to `times` calls, then goes on", () => {
    const r = play(steps, [
      [{ type: "start" }, T0],
      [result(false), T0 + 40 * S],
      [tick, T0 + 100 * S],
      [result(false), T0 + 140 * S],
      [tick, T0 + 200 * S],
      [result(false), T0 + 240 * S],
    ]);
    expect(withoutLogs(r[1]!.effects)).toEqual([{ type: "cancel_timer" }, { type: "set_timer", at: T0 + 100 * S, seq: 3 }]);
    expect(r[1]!.state).toMatchObject({ status: "active", rung: 0, attempt: 1, awaitingCall: false, nextAt: T0 + 100 * S });
    expect(withoutLogs(r[2]!.effects)).toEqual([
      { type: "send", channel: "call", rung: 0, attempt: 2, key: "1.0.2" },
      { type: "set_timer", at: T0 + 700 * S, seq: 4 },
    ]);
    expect(withoutLogs(r[4]!.effects)[0]).toEqual({ type: "send", channel: "call", rung: 0, attempt: 3, key: "1.0.3" });
    expect(withoutLogs(r[5]!.effects)).toEqual([{ type: "cancel_timer" }, { type: "send", channel: "sms", rung: 1, attempt: 1, key: "1.1.1" }]);
    expect(r[5]!.effects.map((e) => (e.type === "log" ? e.text : null)).filter(Boolean)).toEqual([
      "Rung 1: call 3 was not answered.",
      "Rung 1: no answer after 3 calls; going on.",
      "Notification rules finished: no more rungs.",
    ]);
    const keys = r.flatMap((x) => x.effects.flatMap((e) => (e.type === "send" ? [e.key] : [])));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("a result for another rung or attempt, or a repeated one, is ignored", () => {
    const [start, , dup] = play(steps, [
      [{ type: "start" }, T0],
      [result(false), T0 + 40 * S],
      [{ type: "call_result", rung: 0, attempt: 1, answered: false }, T0 + 41 * S],
    ]);
    expect(dup!.effects).toEqual([]);
    const s = start!.state;
    for (const event of [
      { type: "call_result", rung: 1, attempt: 1, answered: true },
      { type: "call_result", rung: 0, attempt: 2, answered: true },
    ] as LadderEvent[]) {
      expect(ladderTransition(s, event, steps, T0 + S)).toEqual({ state: s, effects: [] });
    }
  });

  it("no result before the timeout counts as not answered; a late result is then ignored", () => {
    const [, timedOut, late] = play(steps, [
      [{ type: "start" }, T0],
      [tick, T0 + 600 * S],
      [{ type: "call_result", rung: 0, attempt: 1, answered: true }, T0 + 601 * S],
    ]);
    expect(timedOut!.effects).toEqual([
      { type: "log", text: "Rung 1: no result for call 1 after 10m; counted as not answered." },
      { type: "log", text: "Rung 1: calling again in 1m (call 2 of 3)." },
      { type: "set_timer", at: T0 + 660 * S, seq: 3 },
    ]);
    expect(late!.effects).toEqual([]);
  });

  it("the result timeout can be set", () => {
    const r = ladderTransition(initialLadder, { type: "start" }, steps, T0, { callResultTimeoutSeconds: 90 });
    expect(withoutLogs(r.effects)[1]).toEqual({ type: "set_timer", at: T0 + 90 * S, seq: 2 });
  });

  it("stop while calling (the group was acknowledged) ends it; the call's result changes nothing", () => {
    const [, stop, res] = play(steps, [
      [{ type: "start" }, T0],
      [{ type: "stop", reason: "acknowledged" }, T0 + 5 * S],
      [{ type: "call_result", rung: 0, attempt: 1, answered: false }, T0 + 40 * S],
    ]);
    expect(stop!.state).toMatchObject({ status: "stopped", awaitingCall: false });
    expect(res!.effects).toEqual([]);
  });

  it("times: 1 calls once; times below 1 count as 1", () => {
    for (const times of [1, 0]) {
      const one: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times }];
      const [, after] = play(one, [
        [{ type: "start" }, T0],
        [result(false), T0 + 40 * S],
      ]);
      expect(after!.state.status).toBe("finished");
    }
  });

  it("a wait after an answered call sets its timer", () => {
    const ladder: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 2 }, { type: "wait", seconds: 30 }, { type: "call" }];
    const [, answered, last] = play(ladder, [
      [{ type: "start" }, T0],
      [result(true), T0 + 20 * S],
      [tick, T0 + 50 * S],
    ]);
    expect(withoutLogs(answered!.effects)).toEqual([{ type: "cancel_timer" }, { type: "set_timer", at: T0 + 50 * S, seq: 4 }]);
    expect(withoutLogs(last!.effects)).toEqual([{ type: "send", channel: "call", rung: 2, attempt: 1, key: "1.2.1" }]);
  });
});

describe("ladderSendKey", () => {
  it("is unique per run, rung and attempt", () => {
    const keys = [ladderSendKey(1, 0, 1), ladderSendKey(1, 0, 2), ladderSendKey(1, 1, 1), ladderSendKey(2, 0, 1), ladderSendKey(11, 0, 1), ladderSendKey(1, 10, 1)];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("ladderTransition: a page whose outcome is unknown (lost)", () => {
  const lost = (rung: number, attempt = 1): LadderEvent => ({ type: "lost", rung, attempt });

  it("skips the wait after the lost rung: the next rung goes out at once", () => {
    const steps: LadderStep[] = [{ type: "sms" }, { type: "wait", seconds: 300 }, { type: "call" }];
    const [start, r] = play(steps, [[{ type: "start" }, T0], [lost(0), T0 + 5 * S]]);
    expect(start!.state.nextAt).toBe(T0 + 300 * S);
    expect(withoutLogs(r!.effects)).toEqual([{ type: "cancel_timer" }, { type: "send", channel: "call", rung: 2, attempt: 1, key: "1.2.1" }]);
    expect(r!.state.status).toBe("finished");
    expect(r!.effects.find((e) => e.type === "log")).toEqual({ type: "log", text: "Rung 1 may not have gone out; skipping the wait of rung 2." });
  });

  it("sends nothing more when the next rung already went out with it", () => {
    const steps: LadderStep[] = [{ type: "slack_dm" }, { type: "sms" }, { type: "wait", seconds: 300 }, { type: "call" }];
    const [start, r] = play(steps, [[{ type: "start" }, T0], [lost(0), T0 + 5 * S]]);
    expect(r!.effects).toEqual([]);
    expect(r!.state).toEqual(start!.state);
    expect(laterRungSent(r!.state, steps, 0)).toBe(true);
    expect(laterRungSent(r!.state, steps, 1)).toBe(false);
  });

  it("a stale tick after the skipped wait sends nothing twice", () => {
    const steps: LadderStep[] = [{ type: "sms" }, { type: "wait", seconds: 300 }, { type: "call" }];
    const [start, , late] = play(steps, [[{ type: "start" }, T0], [lost(0), T0 + 5 * S], [{ type: "tick", seq: 2 }, T0 + 300 * S]]);
    expect(start!.state.seq).toBe(2);
    expect(late!.effects).toEqual([]);
  });

  it("a lost call_until_answered call calls again at once, then goes on after the last", () => {
    const steps: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 2 }, { type: "sms" }];
    const [, again, last] = play(steps, [[{ type: "start" }, T0], [(s) => lost(s.rung, s.attempt), T0 + S], [(s) => lost(s.rung, s.attempt), T0 + 2 * S]]);
    expect(withoutLogs(again!.effects)).toEqual([
      { type: "cancel_timer" },
      { type: "send", channel: "call", rung: 0, attempt: 2, key: "1.0.2" },
      { type: "set_timer", at: T0 + S + 600 * S, seq: 4 },
    ]);
    expect(withoutLogs(last!.effects)).toEqual([{ type: "cancel_timer" }, { type: "send", channel: "sms", rung: 1, attempt: 1, key: "1.1.1" }]);
    expect(last!.state.status).toBe("finished");
  });

  it("a lost page of an earlier call attempt is ignored", () => {
    const steps: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 3 }];
    const [, , r] = play(steps, [[{ type: "start" }, T0], [result(false), T0 + S], [lost(0, 1), T0 + 2 * S]]);
    expect(r!.effects).toEqual([]);
  });

  it("a finished or stopped ladder sends nothing: the shell reaches the person another way", () => {
    const steps: LadderStep[] = [{ type: "slack_dm" }];
    const [start, r] = play(steps, [[{ type: "start" }, T0], [lost(0), T0 + S]]);
    expect(start!.state.status).toBe("finished");
    expect(r!.effects).toEqual([]);
    expect(laterRungSent(r!.state, steps, 0)).toBe(false);
    const [, stopped] = play([{ type: "sms" }, { type: "wait", seconds: 60 }, { type: "call" }], [[{ type: "start" }, T0], [{ type: "stop" }, T0 + S]]);
    expect(ladderTransition(stopped!.state, lost(0), steps, T0 + 2 * S).effects).toEqual([]);
  });
});

describe("ladderTransition: quiet hours (holdPhone)", () => {
  const hold = { holdPhone: "quiet hours until 07:00 (Europe/Berlin)" };

  it("skips SMS and call rungs, says so, and still sends the DM", () => {
    const steps: LadderStep[] = [{ type: "slack_dm" }, { type: "sms" }, { type: "call" }];
    const r = ladderTransition(initialLadder, { type: "start" }, steps, T0, hold);
    expect(withoutLogs(r.effects)).toEqual([{ type: "send", channel: "slack_dm", rung: 0, attempt: 1, key: "1.0.1" }]);
    expect(r.effects.filter((e) => e.type === "log").map((e) => (e as { text: string }).text)).toEqual([
      "quiet hours until 07:00 (Europe/Berlin): SMS not sent.",
      "quiet hours until 07:00 (Europe/Berlin): call not made.",
      "Notification rules finished: no more rungs.",
    ]);
    expect(r.state.status).toBe("finished");
  });

  it("skips a call_until_answered rung whole instead of waiting for a call result", () => {
    const steps: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 3 }, { type: "slack_dm" }];
    const r = ladderTransition(initialLadder, { type: "start" }, steps, T0, hold);
    expect(withoutLogs(r.effects)).toEqual([{ type: "send", channel: "slack_dm", rung: 1, attempt: 1, key: "1.1.1" }]);
    expect(r.state).toMatchObject({ status: "finished", awaitingCall: false, nextAt: null });
  });

  it("is decided at each rung's time: the SMS after a wait goes out once the quiet hours are over", () => {
    const steps: LadderStep[] = [{ type: "sms" }, { type: "wait", seconds: 60 }, { type: "sms" }];
    const started = ladderTransition(initialLadder, { type: "start" }, steps, T0, hold);
    expect(withoutLogs(started.effects)).toEqual([{ type: "set_timer", at: T0 + 60 * S, seq: 2 }]);
    const later = ladderTransition(started.state, { type: "tick", seq: started.state.seq }, steps, T0 + 60 * S, { holdPhone: null });
    expect(withoutLogs(later.effects)).toEqual([{ type: "send", channel: "sms", rung: 2, attempt: 1, key: "1.2.1" }]);
  });

  it("stops further calls of a call_until_answered rung when the quiet hours begin between calls", () => {
    const steps: LadderStep[] = [{ type: "call_until_answered", everySeconds: 60, times: 3 }];
    const [first, unanswered] = play(steps, [
      [{ type: "start" }, T0],
      [result(false), T0 + 30 * S],
    ]);
    expect(withoutLogs(first!.effects)[0]).toMatchObject({ type: "send", channel: "call" });
    const again = ladderTransition(unanswered!.state, { type: "tick", seq: unanswered!.state.seq }, steps, T0 + 90 * S, hold);
    expect(withoutLogs(again.effects)).toEqual([]);
    expect(again.effects).toContainEqual({ type: "log", text: "quiet hours until 07:00 (Europe/Berlin): call not made." });
    expect(again.state.status).toBe("finished");
  });
});
