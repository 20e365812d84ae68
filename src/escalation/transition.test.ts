import { describe, expect, it } from "vitest";
import type { EscalationStep } from "../config/config-types.js";
import { initialEscalation, type EscalationState } from "./escalation-state.js";
import { transition } from "./transition.js";

const T0 = Date.UTC(2026, 10, 21, 3, 0, 0);
const chain: EscalationStep[] = [
  { type: "notify_schedule", schedule: "primary", important: false },
  { type: "wait", seconds: 300 },
  { type: "notify_users", users: ["bob@example.com"], important: true },
  { type: "repeat", times: 1 },
];

function started(): EscalationState {
  return transition(initialEscalation, { type: "start" }, chain, T0).state;
}

describe("escalation transition", () => {
  it("start sets a timer for now and bumps seq", () => {
    const r = transition(initialEscalation, { type: "start" }, chain, T0);
    expect(r.state).toEqual({ status: "active", seq: 1, stepIndex: 0, repeatsDone: 0, nextAt: T0 });
    expect(r.effects).toEqual([{ type: "set_timer", at: T0, seq: 1 }]);
  });

  it("first tick notifies the schedule then waits 5m", () => {
    const r = transition(started(), { type: "tick", seq: 1 }, chain, T0);
    expect(r.effects.filter((e) => e.type !== "log")).toEqual([
      { type: "notify_schedule", schedule: "primary", important: false, step: 0, key: "1.0.0" },
      { type: "set_timer", at: T0 + 300_000, seq: 2 },
    ]);
    expect(r.state).toMatchObject({ status: "active", seq: 2, stepIndex: 2, nextAt: T0 + 300_000 });
  });

  it("a stale or duplicated tick does nothing", () => {
    const s = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    expect(transition(s, { type: "tick", seq: 1 }, chain, T0 + 1000)).toEqual({ state: s, effects: [] });
  });

  it("repeat goes back to the first step the configured number of times, then finishes", () => {
    let s = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    const second = transition(s, { type: "tick", seq: s.seq }, chain, T0 + 300_000);
    expect(second.effects.filter((e) => e.type !== "log").map((e) => e.type)).toEqual([
      "notify_users",
      "notify_schedule",
      "set_timer",
    ]);
    s = second.state;
    expect(s.repeatsDone).toBe(1);
    const third = transition(s, { type: "tick", seq: s.seq }, chain, T0 + 600_000);
    expect(third.effects.filter((e) => e.type !== "log").map((e) => e.type)).toEqual(["notify_users"]);
    expect(third.state.status).toBe("finished");
    expect(third.effects.at(-1)).toEqual({ type: "log", text: "Escalation finished: the chain was repeated 1 times." });
  });

  it("notify keys differ per pass so repeated passes page again but a replay does not", () => {
    const s1 = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    const r2 = transition(s1, { type: "tick", seq: s1.seq }, chain, T0 + 300_000);
    const keys = r2.effects.flatMap((e) => ("key" in e ? [e.key] : []));
    expect(keys).toEqual(["2.0.2", "2.1.0"]);
  });

  it("stop cancels the timer and makes later ticks no-ops", () => {
    const s = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    const stopped = transition(s, { type: "stop", reason: "acknowledged" }, chain, T0 + 1000);
    expect(stopped.state.status).toBe("stopped");
    expect(stopped.effects[0]).toEqual({ type: "cancel_timer" });
    expect(transition(stopped.state, { type: "tick", seq: s.seq }, chain, T0 + 300_000).effects).toEqual([]);
  });

  it("unacknowledge (start again) restarts from the first step", () => {
    const s = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    const stopped = transition(s, { type: "stop", reason: "acknowledged" }, chain, T0).state;
    const restarted = transition(stopped, { type: "start" }, chain, T0 + 5000);
    expect(restarted.state).toMatchObject({ status: "active", stepIndex: 0, repeatsDone: 0, nextAt: T0 + 5000 });
    const tick = transition(restarted.state, { type: "tick", seq: restarted.state.seq }, chain, T0 + 5000);
    expect(tick.effects[0]).toMatchObject({ type: "notify_schedule", step: 0 });
  });

  it("a chain without a repeat finishes after its last step", () => {
    const short: EscalationStep[] = [{ type: "notify_users", users: ["a@x.io"], important: false }];
    const s = transition(initialEscalation, { type: "start" }, short, T0).state;
    const r = transition(s, { type: "tick", seq: s.seq }, short, T0);
    expect(r.state.status).toBe("finished");
    expect(r.effects.map((e) => e.type)).toEqual(["notify_users", "log"]);
  });

  it("an empty chain finishes at once", () => {
    const s = transition(initialEscalation, { type: "start" }, [], T0).state;
    expect(transition(s, { type: "tick", seq: s.seq }, [], T0).state.status).toBe("finished");
  });

  it("a chain that never waits repeats a bounded number of times within one tick", () => {
    const noWait: EscalationStep[] = [
      { type: "notify_users", users: ["a@x.io"], important: false },
      { type: "repeat", times: 2 },
    ];
    const s = transition(initialEscalation, { type: "start" }, noWait, T0).state;
    const r = transition(s, { type: "tick", seq: s.seq }, noWait, T0);
    expect(r.effects.filter((e) => e.type === "notify_users")).toHaveLength(3);
    expect(r.state.status).toBe("finished");
  });
});
