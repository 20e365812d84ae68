import { parseMoment } from "../schedule/parse-time-range.js";

export const SIMULATE_USAGE = "`/oncall simulate <integration> [label=value …] [time]` — what an alert would page: route, chain, each step and rung with its time (changes nothing)";

export type SimulateCommand =
  | { kind: "simulate"; integration: string; labels: Record<string, string>; at: number }
  | { kind: "error"; message: string };

const LABEL = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * `/oncall simulate prod`, `/oncall simulate prod team=db severity=critical tomorrow 03:00`:
 * the integration, then labels the alert carries (they choose the route), then when it arrives
 * (as `/oncall explain` reads times, in `zone`; default now).
 */
export function parseSimulateCommand(args: readonly string[], zone: string, now: number): SimulateCommand {
  const [integration, ...rest] = args;
  if (!integration) return { kind: "error", message: `Usage: ${SIMULATE_USAGE}.` };
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  const words: string[] = [];
  for (const word of rest) {
    const m = LABEL.exec(word);
    if (m && words.length === 0) labels[m[1]!] = m[2]!.replace(/^["'“”]|["'“”]$/g, "");
    else if (word.includes("=")) return { kind: "error", message: `"${word}" is not a label: write labels as name=value before the time, e.g. \`team=db\`.` };
    else words.push(word);
  }
  const at = parseMoment(words, zone, now);
  if (!at.ok) return { kind: "error", message: at.errors[0]! };
  return { kind: "simulate", integration, labels, at: at.value };
}
