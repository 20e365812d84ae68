import { DateTime } from "luxon";
import { eventLabel, formatAfter } from "../simulate/format-simulation.js";
import type { Simulation } from "../simulate/simulation.js";
import { zoneAbbreviation } from "../slack/blocks/format-time.js";

/** `2026-12-05 09:00:00 CET` in `zone`. */
export function formatSimTime(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  return `${dt.toFormat("yyyy-MM-dd HH:mm:ss")} ${zoneAbbreviation(dt)}`;
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
