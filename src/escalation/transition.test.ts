import { describe, expect, it } from "vitest";
import type { EscalationStep } from "../config/config-types.js";
import {
  initialEscalation,
  type EscalationEffect,
  type EscalationEvent,
  type EscalationFacts,
  type EscalationState,
  type Transition,
} from "./escalation-state.js";
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

// ---------------------------------------------------------------------------
// Table tests: every step type and every event, each asserting the whole result.
// Instants are UTC; local readings are in comments. The results must not depend
// on the host's zone (also run with TZ=Pacific/Auckland).
// ---------------------------------------------------------------------------

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Sat 21 Nov 2026 04:00 CET is T0; Mon 23 Nov 09:00 CET: */
const MON_0900_CET = Date.UTC(2026, 10, 23, 8);
const MON_1000_CET = Date.UTC(2026, 10, 23, 9);

const office: EscalationStep = { type: "if_time", from: "09:00", to: "17:00", days: ["mon", "tue", "wed", "thu", "fri"], timezone: "Europe/Berlin" };
const burst: EscalationStep = { type: "if_alerts", count: 5, withinSeconds: 600 };
const bob: EscalationStep = { type: "notify_users", users: ["bob@example.com"], important: false };
const bobEffect = (step: number, key: string): EscalationEffect => ({ type: "notify_users", users: ["bob@example.com"], important: false, step, key });
const FINISHED_LOG: EscalationEffect = { type: "log", text: "Escalation finished: the chain has no more steps." };

const st = (status: EscalationState["status"], seq: number, stepIndex: number, repeatsDone: number, nextAt: number | null): EscalationState => ({
  status,
  seq,
  stepIndex,
  repeatsDone,
  nextAt,
});
const holding = (seq: number, stepIndex: number, repeatsDone = 0): EscalationState => ({ ...st("active", seq, stepIndex, repeatsDone, null), holding: "alerts" });
/** Alerts received `ms` milliseconds before `now` (negative: after). */
const alertsBefore = (now: number, ...ms: number[]): EscalationFacts => ({ alertTimes: ms.map((d) => now - d) });
const ready = st("active", 1, 0, 0, T0);

interface Row {
  name: string;
  state: EscalationState;
  event: EscalationEvent;
  steps: EscalationStep[];
  now?: number;
  facts?: EscalationFacts;
  expected: Transition;
}

const run = (r: Row) => (r.facts ? transition(r.state, r.event, r.steps, r.now ?? T0, r.facts) : transition(r.state, r.event, r.steps, r.now ?? T0));

const stepRows: Row[] = [
  {
    name: "notify_schedule",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "notify_schedule", schedule: "primary", important: true }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "notify_schedule", schedule: "primary", important: true, step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "notify_users",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "notify_users", users: ["a@x.io", "b@x.io"], important: true }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "notify_users", users: ["a@x.io", "b@x.io"], important: true, step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "notify_round_robin",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "notify_round_robin", users: ["a@x.io", "b@x.io", "c@x.io"], important: false }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "notify_round_robin", users: ["a@x.io", "b@x.io", "c@x.io"], important: false, step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "notify_user_group",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "notify_user_group", group: "sre-oncall", important: true }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "notify_user_group", group: "sre-oncall", important: true, step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "notify_channel",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "notify_channel", mention: "here" }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "notify_channel", mention: "here", step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "webhook",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "webhook", url: "https://hooks.example.com/x", timeoutSeconds: 10, retries: 3 }],
    expected: {
      state: st("finished", 1, 1, 0, null),
      effects: [{ type: "webhook", url: "https://hooks.example.com/x", timeoutSeconds: 10, retries: 3, step: 0, key: "1.0.0" }, FINISHED_LOG],
    },
  },
  {
    name: "wait",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "wait", seconds: 300 }, bob],
    expected: {
      state: st("active", 2, 1, 0, T0 + 300_000),
      effects: [
        { type: "log", text: "Step 1: waiting 5m." },
        { type: "set_timer", at: T0 + 300_000, seq: 2 },
      ],
    },
  },
  {
    name: "resolve ends the chain; later steps do not run",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [bob, { type: "resolve" }, { type: "notify_users", users: ["never@x.io"], important: true }],
    expected: {
      state: st("finished", 1, 2, 0, null),
      effects: [bobEffect(0, "1.0.0"), { type: "log", text: "Step 2: resolving automatically." }, { type: "resolve", step: 1 }],
    },
  },
  {
    name: "repeat goes back to the first step, then finishes",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [bob, { type: "repeat", times: 1 }],
    expected: {
      state: st("finished", 1, 2, 1, null),
      effects: [
        bobEffect(0, "1.0.0"),
        { type: "log", text: "Step 2: repeating the chain from the start (1 of 1)." },
        bobEffect(0, "1.1.0"),
        { type: "log", text: "Escalation finished: the chain was repeated 1 times." },
      ],
    },
  },
  {
    name: "repeat of a chain that never waits is bounded",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [office, bob, { type: "repeat", times: 1 }],
    now: MON_1000_CET,
    expected: {
      state: st("finished", 1, 3, 1, null),
      effects: [
        bobEffect(1, "1.0.1"),
        { type: "log", text: "Step 3: repeating the chain from the start (1 of 1)." },
        bobEffect(1, "1.1.1"),
        { type: "log", text: "Escalation finished: the chain was repeated 1 times." },
      ],
    },
  },
  {
    name: "if_time inside the window continues in the same tick",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [office, bob],
    now: MON_1000_CET,
    expected: { state: st("finished", 1, 2, 0, null), effects: [bobEffect(1, "1.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_time outside the window waits for its next start, staying on the condition",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [office, bob],
    expected: {
      state: st("active", 2, 0, 0, MON_0900_CET),
      effects: [
        { type: "log", text: "Step 1: outside 09:00–17:00 Mon–Fri (Europe/Berlin); waiting until Mon 23 Nov 09:00 CET." },
        { type: "set_timer", at: MON_0900_CET, seq: 2 },
      ],
    },
  },
  {
    name: "if_time: the timer at the window start re-evaluates the condition and continues",
    state: st("active", 2, 0, 0, MON_0900_CET),
    event: { type: "tick", seq: 2 },
    steps: [office, bob],
    now: MON_0900_CET,
    expected: { state: st("finished", 2, 2, 0, null), effects: [bobEffect(1, "2.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_time: a timer that fires after the window closed waits for the next start",
    state: st("active", 2, 0, 0, MON_0900_CET),
    event: { type: "tick", seq: 2 },
    steps: [office, bob],
    now: Date.UTC(2026, 10, 27, 16, 30), // Fri 17:30 CET
    expected: {
      state: st("active", 3, 0, 0, Date.UTC(2026, 10, 30, 8)),
      effects: [
        { type: "log", text: "Step 1: outside 09:00–17:00 Mon–Fri (Europe/Berlin); waiting until Mon 30 Nov 09:00 CET." },
        { type: "set_timer", at: Date.UTC(2026, 10, 30, 8), seq: 3 },
      ],
    },
  },
  {
    name: "if_time after earlier steps keeps their effects and waits on its own index",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [bob, office, { type: "notify_channel", mention: "channel" }],
    expected: {
      state: st("active", 2, 1, 0, MON_0900_CET),
      effects: [
        bobEffect(0, "1.0.0"),
        { type: "log", text: "Step 2: outside 09:00–17:00 Mon–Fri (Europe/Berlin); waiting until Mon 23 Nov 09:00 CET." },
        { type: "set_timer", at: MON_0900_CET, seq: 2 },
      ],
    },
  },
  {
    name: "if_time overnight window, Friday's night on Saturday morning",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "22:00", to: "06:00", days: ["fri"], timezone: "Europe/Berlin" }, bob],
    now: T0, // Sat 04:00 CET
    expected: { state: st("finished", 1, 2, 0, null), effects: [bobEffect(1, "1.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_time DST: a start skipped by spring-forward waits until the first instant after the gap (Berlin)",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "02:30", to: "04:00", days: ["sun"], timezone: "Europe/Berlin" }, bob],
    now: Date.UTC(2026, 2, 28, 12), // Sat 13:00 CET
    expected: {
      state: st("active", 2, 0, 0, Date.UTC(2026, 2, 29, 1)),
      effects: [
        { type: "log", text: "Step 1: outside 02:30–04:00 Sun (Europe/Berlin); waiting until Sun 29 Mar 03:00 CEST." },
        { type: "set_timer", at: Date.UTC(2026, 2, 29, 1), seq: 2 },
      ],
    },
  },
  {
    name: "if_time DST: inside a Berlin window spanning spring-forward, after the jump",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "01:00", to: "04:00", days: ["sun"], timezone: "Europe/Berlin" }, bob],
    now: Date.UTC(2026, 2, 29, 1, 30), // 03:30 CEST
    expected: { state: st("finished", 1, 2, 0, null), effects: [bobEffect(1, "1.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_time DST: a start in the fall-back hour uses its first occurrence (New York)",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "01:30", to: "09:00", days: ["sun"], timezone: "America/New_York" }, bob],
    now: Date.UTC(2026, 9, 31, 12), // Sat 08:00 EDT
    expected: {
      state: st("active", 2, 0, 0, Date.UTC(2026, 10, 1, 5, 30)),
      effects: [
        { type: "log", text: "Step 1: outside 01:30–09:00 Sun (America/New_York); waiting until Sun 1 Nov 01:30 EDT." },
        { type: "set_timer", at: Date.UTC(2026, 10, 1, 5, 30), seq: 2 },
      ],
    },
  },
  {
    name: "if_time DST: inside during the repeated hour's second reading (New York 01:15 EST)",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "01:00", to: "01:30", days: ["sun"], timezone: "America/New_York" }, bob],
    now: Date.UTC(2026, 10, 1, 6, 15),
    expected: { state: st("finished", 1, 2, 0, null), effects: [bobEffect(1, "1.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_time in Sydney waits across its DST start (AEST Friday -> AEDT Monday)",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_time", from: "09:00", to: "17:00", days: ["mon", "tue", "wed", "thu", "fri"], timezone: "Australia/Sydney" }, bob],
    now: Date.UTC(2026, 9, 2, 7), // Fri 17:00 AEST
    expected: {
      state: st("active", 2, 0, 0, Date.UTC(2026, 9, 4, 22)),
      effects: [
        { type: "log", text: "Step 1: outside 09:00–17:00 Mon–Fri (Australia/Sydney); waiting until Mon 5 Oct 09:00 AEDT." },
        { type: "set_timer", at: Date.UTC(2026, 9, 4, 22), seq: 2 },
      ],
    },
  },
  {
    name: "if_time with a window that never opens (unknown zone) continues rather than waiting forever",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ ...office, timezone: "Mars/Olympus" }, bob],
    expected: {
      state: st("finished", 1, 2, 0, null),
      effects: [{ type: "log", text: "Step 1: the window 09:00–17:00 Mon–Fri (Mars/Olympus) never opens; continuing." }, bobEffect(1, "1.0.1"), FINISHED_LOG],
    },
  },
  {
    name: "if_alerts with more than `count` alerts continues",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [burst, bob],
    facts: alertsBefore(T0, 0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 9 * MIN),
    expected: { state: st("finished", 1, 2, 0, null), effects: [bobEffect(1, "1.0.1"), FINISHED_LOG] },
  },
  {
    name: "if_alerts with exactly `count` alerts holds, without a timer",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [burst, bob],
    facts: alertsBefore(T0, 0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 10 * MIN, 20 * MIN),
    expected: { state: holding(1, 0), effects: [{ type: "log", text: "Step 1: waiting for more than 5 alerts in 10m (5 so far)." }] },
  },
  {
    name: "if_alerts counts (now - within, now]: the window's start and the future are out",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [{ type: "if_alerts", count: 2, withinSeconds: 600 }, bob],
    facts: alertsBefore(T0, 600_000, 599_999, 0, -1),
    expected: { state: holding(1, 0), effects: [{ type: "log", text: "Step 1: waiting for more than 2 alerts in 10m (2 so far)." }] },
  },
  {
    name: "if_alerts without facts (the 4-argument call) sees no alerts",
    state: ready,
    event: { type: "tick", seq: 1 },
    steps: [bob, burst, bob],
    expected: {
      state: holding(1, 1),
      effects: [bobEffect(0, "1.0.0"), { type: "log", text: "Step 2: waiting for more than 5 alerts in 10m (0 so far)." }],
    },
  },
];

const paused = st("paused", 3, 2, 0, T0 + HOUR);
const waitChain: EscalationStep[] = [{ type: "notify_schedule", schedule: "primary", important: false }, { type: "wait", seconds: 300 }, bob];
const waiting = st("active", 2, 2, 0, T0 + 300_000);

const eventRows: Row[] = [
  // start
  ...([
    ["idle", initialEscalation, 1],
    ["active (waiting)", waiting, 3],
    ["active (holding)", holding(4, 1, 1), 5],
    ["paused (unsilence)", paused, 4],
    ["stopped (unacknowledge)", st("stopped", 6, 2, 1, null), 7],
    ["finished", st("finished", 2, 3, 1, null), 3],
  ] as const).map(([from, state, seq]): Row => ({
    name: `start from ${from} restarts from the first step`,
    state,
    event: { type: "start" },
    steps: waitChain,
    now: T0 + 5000,
    expected: { state: st("active", seq, 0, 0, T0 + 5000), effects: [{ type: "set_timer", at: T0 + 5000, seq }] },
  })),
  // stop
  ...([
    ["active (waiting)", waiting, st("stopped", 3, 2, 0, null)],
    ["active (holding)", holding(4, 1, 1), st("stopped", 5, 1, 1, null)],
    ["paused", paused, st("stopped", 4, 2, 0, null)],
  ] as const).map(([from, state, after]): Row => ({
    name: `stop from ${from} cancels the timer`,
    state,
    event: { type: "stop", reason: "acknowledged" },
    steps: waitChain,
    expected: { state: after, effects: [{ type: "cancel_timer" }, { type: "log", text: "Escalation stopped: acknowledged." }] },
  })),
  ...([
    ["idle", initialEscalation],
    ["stopped", st("stopped", 3, 2, 0, null)],
    ["finished", st("finished", 2, 3, 1, null)],
  ] as const).map(([from, state]): Row => ({
    name: `stop on ${from} does nothing`,
    state,
    event: { type: "stop", reason: "resolved" },
    steps: waitChain,
    expected: { state, effects: [] },
  })),
  // silence
  {
    name: "silence with an end pauses, cancels the timer and sets one at the end",
    state: waiting,
    event: { type: "silence", until: T0 + HOUR },
    steps: waitChain,
    expected: {
      state: st("paused", 3, 2, 0, T0 + HOUR),
      effects: [
        { type: "cancel_timer" },
        { type: "set_timer", at: T0 + HOUR, seq: 3 },
        { type: "log", text: "Escalation paused: silenced for 1h; it restarts from the first step when the silence ends." },
      ],
    },
  },
  {
    name: "silence without an end pauses with no timer",
    state: waiting,
    event: { type: "silence", until: null },
    steps: waitChain,
    expected: {
      state: st("paused", 3, 2, 0, null),
      effects: [{ type: "cancel_timer" }, { type: "log", text: "Escalation paused: silenced; it restarts from the first step when it is unsilenced." }],
    },
  },
  {
    name: "silence while an if_alerts step holds drops the hold",
    state: holding(4, 1, 1),
    event: { type: "silence", until: T0 + 30 * MIN },
    steps: [bob, burst],
    expected: {
      state: st("paused", 5, 1, 1, T0 + 30 * MIN),
      effects: [
        { type: "cancel_timer" },
        { type: "set_timer", at: T0 + 30 * MIN, seq: 5 },
        { type: "log", text: "Escalation paused: silenced for 30m; it restarts from the first step when the silence ends." },
      ],
    },
  },
  {
    name: "silence again while paused replaces the end",
    state: paused,
    event: { type: "silence", until: T0 + 4 * HOUR },
    steps: waitChain,
    expected: {
      state: st("paused", 4, 2, 0, T0 + 4 * HOUR),
      effects: [
        { type: "cancel_timer" },
        { type: "set_timer", at: T0 + 4 * HOUR, seq: 4 },
        { type: "log", text: "Escalation paused: silenced for 4h; it restarts from the first step when the silence ends." },
      ],
    },
  },
  {
    name: "silence after the chain finished still restarts it when the silence ends",
    state: st("finished", 2, 3, 1, null),
    event: { type: "silence", until: T0 + 2 * HOUR },
    steps: waitChain,
    expected: {
      state: st("paused", 3, 3, 1, T0 + 2 * HOUR),
      effects: [
        { type: "cancel_timer" },
        { type: "set_timer", at: T0 + 2 * HOUR, seq: 3 },
        { type: "log", text: "Escalation paused: silenced for 2h; it restarts from the first step when the silence ends." },
      ],
    },
  },
  ...([
    ["idle (no chain)", initialEscalation],
    ["stopped (acknowledged)", st("stopped", 3, 2, 0, null)],
  ] as const).map(([from, state]): Row => ({
    name: `silence on ${from} does nothing`,
    state,
    event: { type: "silence", until: T0 + HOUR },
    steps: waitChain,
    expected: { state, effects: [] },
  })),
  // tick
  {
    name: "tick at the silence end restarts from the first step and runs it",
    state: paused,
    event: { type: "tick", seq: 3 },
    steps: waitChain,
    now: T0 + HOUR,
    expected: {
      state: st("active", 4, 2, 0, T0 + HOUR + 300_000),
      effects: [
        { type: "log", text: "Silence ended; escalation restarts from the first step." },
        { type: "notify_schedule", schedule: "primary", important: false, step: 0, key: "3.0.0" },
        { type: "log", text: "Step 2: waiting 5m." },
        { type: "set_timer", at: T0 + HOUR + 300_000, seq: 4 },
      ],
    },
  },
  {
    name: "a stale tick on a paused state (the timer from before the silence) does nothing",
    state: paused,
    event: { type: "tick", seq: 2 },
    steps: waitChain,
    expected: { state: paused, effects: [] },
  },
  {
    name: "a stale tick on an active state does nothing",
    state: waiting,
    event: { type: "tick", seq: 1 },
    steps: waitChain,
    expected: { state: waiting, effects: [] },
  },
  ...([
    ["idle", initialEscalation],
    ["stopped", st("stopped", 3, 2, 0, null)],
    ["finished", st("finished", 2, 3, 1, null)],
  ] as const).map(([from, state]): Row => ({
    name: `a tick with the current seq on ${from} does nothing`,
    state,
    event: { type: "tick", seq: state.seq },
    steps: waitChain,
    expected: { state, effects: [] },
  })),
  {
    name: "a tick reaching a holding chain re-evaluates quietly: still below the count, nothing",
    state: holding(1, 1),
    event: { type: "tick", seq: 1 },
    steps: [bob, burst, bob],
    facts: alertsBefore(T0, 0, MIN),
    expected: { state: holding(1, 1), effects: [] },
  },
  // alerts_arrived
  {
    name: "alerts_arrived while holding, still not more than count: no change, no log",
    state: holding(1, 1),
    event: { type: "alerts_arrived" },
    steps: [bob, burst, bob],
    facts: alertsBefore(T0, 0, MIN, 2 * MIN, 3 * MIN, 4 * MIN),
    expected: { state: holding(1, 1), effects: [] },
  },
  {
    name: "alerts_arrived while holding, more than count: continues with the next step",
    state: holding(1, 1),
    event: { type: "alerts_arrived" },
    steps: [bob, burst, bob, { type: "wait", seconds: 60 }],
    facts: alertsBefore(T0, 0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN),
    expected: {
      state: st("active", 2, 4, 0, T0 + MIN),
      effects: [
        { type: "log", text: "Step 2: more than 5 alerts in 10m (6 so far); continuing." },
        bobEffect(2, "1.0.2"),
        { type: "log", text: "Step 4: waiting 1m." },
        { type: "set_timer", at: T0 + MIN, seq: 2 },
      ],
    },
  },
  ...([
    ["active (waiting)", waiting],
    ["paused", paused],
    ["idle", initialEscalation],
    ["stopped", st("stopped", 3, 2, 0, null)],
    ["finished", st("finished", 2, 3, 1, null)],
  ] as const).map(([from, state]): Row => ({
    name: `alerts_arrived on ${from} does nothing`,
    state,
    event: { type: "alerts_arrived" },
    steps: [burst, ...waitChain],
    facts: alertsBefore(T0, 0, 1, 2, 3, 4, 5, 6, 7),
    expected: { state, effects: [] },
  })),
];

describe("transition table: steps", () => {
  it.each(stepRows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    expect(run(row)).toStrictEqual(row.expected);
  });
});

describe("transition table: events", () => {
  it.each(eventRows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    expect(run(row)).toStrictEqual(row.expected);
  });
});

describe("escalation scenarios", () => {
  it("silence mid-chain, then its end: pages again with new keys; replaying the end tick pages nothing", () => {
    const s1 = transition(started(), { type: "tick", seq: 1 }, chain, T0).state;
    const silenced = transition(s1, { type: "silence", until: T0 + HOUR }, chain, T0 + MIN).state;
    // The timer from before the silence fires anyway: ignored.
    expect(transition(silenced, { type: "tick", seq: s1.seq }, chain, T0 + 300_000).effects).toEqual([]);
    const ended = transition(silenced, { type: "tick", seq: silenced.seq }, chain, T0 + HOUR);
    expect(ended.effects.flatMap((e) => ("key" in e ? [e.key] : []))).toEqual(["3.0.0"]);
    expect(transition(ended.state, { type: "tick", seq: silenced.seq }, chain, T0 + HOUR)).toEqual({ state: ended.state, effects: [] });
  });

  it("stop while paused, then unacknowledge: the chain starts over", () => {
    const silenced = transition(started(), { type: "silence", until: null }, chain, T0).state;
    const stopped = transition(silenced, { type: "stop", reason: "resolved" }, chain, T0).state;
    expect(stopped.status).toBe("stopped");
    const again = transition(stopped, { type: "start" }, chain, T0 + MIN);
    expect(again.state).toStrictEqual(st("active", stopped.seq + 1, 0, 0, T0 + MIN));
  });

  it("if_alerts hold: new alerts resume the chain once; replaying alerts_arrived pages nothing", () => {
    const steps: EscalationStep[] = [burst, bob];
    const s = transition(initialEscalation, { type: "start" }, steps, T0).state;
    const held = transition(s, { type: "tick", seq: s.seq }, steps, T0, alertsBefore(T0, 0)).state;
    expect(held.holding).toBe("alerts");
    const six = alertsBefore(T0 + MIN, 0, 1, 2, 3, 4, 5);
    const resumed = transition(held, { type: "alerts_arrived" }, steps, T0 + MIN, six);
    expect(resumed.effects.filter((e) => e.type === "notify_users")).toHaveLength(1);
    expect(resumed.state.holding).toBeUndefined();
    expect(transition(resumed.state, { type: "alerts_arrived" }, steps, T0 + MIN, six)).toEqual({ state: resumed.state, effects: [] });
  });

  it("if_time: outside, then the timer at the window start runs the rest; JSON round-trip keeps the state valid", () => {
    const steps: EscalationStep[] = [office, bob, { type: "wait", seconds: 60 }, { type: "repeat", times: 1 }];
    const s = transition(initialEscalation, { type: "start" }, steps, T0).state;
    const out = transition(s, { type: "tick", seq: s.seq }, steps, T0);
    expect(out.state).toStrictEqual(st("active", 2, 0, 0, MON_0900_CET));
    const stored = JSON.parse(JSON.stringify(out.state)) as EscalationState;
    const atStart = transition(stored, { type: "tick", seq: stored.seq }, steps, MON_0900_CET);
    expect(atStart.effects.filter((e) => e.type !== "log")).toEqual([bobEffect(1, "2.0.1"), { type: "set_timer", at: MON_0900_CET + MIN, seq: 3 }]);
    // The repeat goes back to the condition, which is still open: pages again in the same tick as the repeat.
    const second = transition(atStart.state, { type: "tick", seq: 3 }, steps, MON_0900_CET + MIN);
    expect(second.effects.filter((e) => e.type !== "log")).toEqual([bobEffect(1, "3.1.1"), { type: "set_timer", at: MON_0900_CET + 2 * MIN, seq: 4 }]);
  });

  it("a state stored before `holding` existed behaves as not holding", () => {
    const old = { status: "active", seq: 2, stepIndex: 2, repeatsDone: 0, nextAt: T0 } as EscalationState;
    expect(transition(old, { type: "alerts_arrived" }, chain, T0)).toEqual({ state: old, effects: [] });
  });
});
