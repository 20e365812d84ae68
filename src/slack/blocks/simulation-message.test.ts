import { describe, expect, it } from "vitest";
import type { SimulatedEvent, Simulation } from "../../simulate/simulation.js";
import { blockKitProblems } from "./block-kit-problems.js";
import { simulationMessage } from "./simulation-message.js";

const T0 = Date.UTC(2026, 11, 7, 13, 0, 0);

function event(i: number, over: Partial<SimulatedEvent> = {}): SimulatedEvent {
  return { at: T0 + i * 60_000, kind: "page", step: 1, email: "alice@example.com", name: "Alice", channel: "sms", rung: 1, attempt: 1, important: false, text: `SMS to Alice <${i}>.`, ...over };
}

function sim(events: SimulatedEvent[], groups = 1): Simulation {
  return {
    integration: "prod",
    integrationType: "alertmanager",
    at: T0,
    horizonMs: 86_400_000,
    groups: Array.from({ length: groups }, () => ({
      title: "Disk *full*",
      groupingKey: "k",
      alerts: 1,
      route: { index: null, label: "the default route", chain: "default", channel: "#alerts" },
      events,
      end: { reason: "chain_end" as const, at: T0 + 3_600_000, text: "The chain ended and every notification ladder finished." },
    })),
    assumptions: ["Nobody acknowledges."],
  };
}

describe("simulationMessage", () => {
  it("shows each event with its time in the asker's zone, its offset, step and kind, escaped", () => {
    const m = simulationMessage(sim([event(0), event(5, { kind: "held_back", text: "The SMS to Alice is held back." })]), "Europe/Berlin");
    expect(blockKitProblems(m.blocks)).toEqual([]);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain("`14:00 CET` (+0s) · step 1 · *SMS* · SMS to Alice &lt;0&gt;.");
    expect(text).toContain("`14:05 CET` (+5m) · step 1 · *HELD* · The SMS to Alice is held back.");
    expect(text).toContain("Disk *full*");
    expect(text).toContain("the default route → chain *default*, channel #alerts");
    expect(text).toContain("*End* (15:00 CET): The chain ended");
    expect(m.text).toBe("Simulated page for prod: 1 notification. Nothing was stored or sent.");
  });

  it("cuts a timeline too long for one message and says how much was left out", () => {
    const events = Array.from({ length: 2000 }, (_, i) => event(i, { text: `SMS to Alice, number ${i}, ${"x".repeat(60)}.` }));
    const m = simulationMessage(sim(events, 3), "UTC");
    expect(blockKitProblems(m.blocks)).toEqual([]);
    const shown = JSON.stringify(m.blocks).match(/number \d+,/g)!.length;
    const footer = JSON.stringify(m.blocks.at(-2));
    const left = Number(/(\d+) more lines/.exec(footer)![1]);
    // Every line of the first group is either shown or counted as left out; later groups are counted.
    expect(shown + left).toBe(2000);
    expect(footer).toContain("2 more groups left out");
  });
});
