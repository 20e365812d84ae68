import { DateTime } from "luxon";
import { formatDuration } from "../shared/duration.js";
import { zoneAbbreviation } from "../slack/blocks/format-time.js";
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

/** `2026-12-05 09:00:00 CET` in `zone`. */
export function formatSimTime(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  return `${dt.toFormat("yyyy-MM-dd HH:mm:ss")} ${zoneAbbreviation(dt)}`;
}

/** `+0s`, `+2m`, `+1h30m` after the alert. */
export function formatAfter(ms: number): string {
  return `+${formatDuration(Math.round(ms / 1000))}`;
}

/** The simulation as a plain-text table, times in `zone`: one block per alert group. */
export function formatSimulationTable(sim: Simulation, zone: string): string[] {
  const lines = [`Simulated page: ${sim.integration} (${sim.integrationType}), alert arriving ${formatSimTime(sim.at, zone)}.`];
  for (const g of sim.groups) {
    lines.push("");
    lines.push(`Group: ${g.title} (${g.alerts} alert${g.alerts === 1 ? "" : "s"}, grouping key ${g.groupingKey})`);
    lines.push(`Route: ${g.route.label} -> chain ${g.route.chain ?? "(none)"}, channel ${g.route.channel ?? "(none)"}`);
    if (g.events.length > 0) {
      const rows = g.events.map((e) => [formatSimTime(e.at, zone), formatAfter(e.at - sim.at), e.step === null ? "" : String(e.step), eventLabel(e), e.text]);
      const head = ["TIME", "AFTER", "STEP", "WHAT", ""];
      const widths = head.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (r: string[]) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd();
      lines.push(line(head));
      for (const r of rows) lines.push(line(r));
    }
    lines.push(`End ${formatSimTime(g.end.at, zone)} (${g.end.reason}): ${g.end.text}`);
  }
  lines.push("");
  lines.push(`Assumed: ${sim.assumptions.join(" ")}`);
  lines.push("Nothing was stored or sent.");
  return lines;
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
