import { formatDuration } from "../shared/duration.js";
import type { SimulatedEvent, Simulation } from "./simulation.js";

/** Short label of an event in the table's WHAT column. */
export function eventLabel(e: SimulatedEvent): string {
  switch (e.kind) {
    case "page":
      return e.channel === "slack_dm" ? "DM" : e.channel === "sms" ? "SMS" : "CALL";
    case "held_back":
      return "HELD";
    case "bundle":
      return "SMS";
    case "mention":
      return "@";
    case "webhook":
      return "HOOK";
    case "step":
      return "STEP";
    case "note":
      return "";
  }
}

/** `+0s`, `+2m`, `+1h30m` after the alert. */
export function formatAfter(ms: number): string {
  return `+${formatDuration(Math.round(ms / 1000))}`;
}

/** The simulation for `--format json`: times as ISO strings next to their epoch milliseconds. */
export function simulationJson(sim: Simulation): unknown {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    integration: sim.integration,
    integrationType: sim.integrationType,
    at: iso(sim.at),
    horizonSeconds: sim.horizonMs / 1000,
    groups: sim.groups.map((g) => ({
      ...g,
      events: g.events.map((e) => ({ ...e, at: iso(e.at), afterSeconds: (e.at - sim.at) / 1000 })),
      end: { ...g.end, at: iso(g.end.at) },
    })),
    assumptions: sim.assumptions,
  };
}
