import { formatDuration } from "../shared/duration.js";
import type { FairnessPeriod, FairnessReport, FlagRule, Metric, PersonFigures } from "./fairness-report.js";

/**
 * A fairness report period as a plain-text table (the CLI prints it; `/oncall report` puts it in a
 * code block): one row per person, then the team's mean and standard deviation. A figure the rule
 * flags carries ↑ (above the mean) or ↓ (below).
 */

/** The report's figures in the order every rendering shows them, with their column heads. */
export const COLUMNS: readonly { metric: Metric; head: string; hours: boolean }[] = [
  { metric: "hours", head: "hours", hours: true },
  { metric: "nightHours", head: "night h", hours: true },
  { metric: "weekendHours", head: "weekend h", hours: true },
  { metric: "pages", head: "pages", hours: false },
  { metric: "nightPages", head: "night pages", hours: false },
  { metric: "acks", head: "acks", hours: false },
];

/** A figure as every rendering writes it: hours to a tenth, counts whole (a mean to a tenth). */
export const num = (v: number, hours: boolean) => (hours ? v.toFixed(1) : Number.isInteger(v) ? String(v) : v.toFixed(1));

/** An ack median as the table writes it: `–` when none was timed, `<1s`, else `3m 20s`. */
export const ackMedianText = (seconds: number | null) => (seconds === null ? "–" : seconds < 1 ? "<1s" : formatDuration(seconds));

function cell(p: PersonFigures, metric: Metric, hours: boolean): string {
  const flag = p.flags.find((f) => f.metric === metric);
  return `${num(p[metric], hours)}${flag ? (flag.direction === "high" ? "↑" : "↓") : " "}`;
}

export function fairnessTable(period: FairnessPeriod, opts: { zones?: boolean; maxNameLength?: number } = {}): string[] {
  const max = opts.maxNameLength ?? 24;
  const clip = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const head = ["person", ...(opts.zones ? ["zone"] : []), ...COLUMNS.map((c) => c.head), "ack median"];
  const rows: string[][] = period.people.map((p) => [
    p.onRota ? clip(p.name) : `${clip(p.name)} (off rota)`,
    ...(opts.zones ? [p.zone] : []),
    ...COLUMNS.map((c) => cell(p, c.metric, c.hours)),
    ackMedianText(p.ackMedianSeconds),
  ]);
  const s = period.spread;
  if (s) {
    const stat = (label: string, k: "mean" | "stdev") => [label, ...(opts.zones ? [""] : []), ...COLUMNS.map((c) => `${num(Math.round(s[c.metric][k] * 10) / 10, true)} `), ""];
    rows.push(stat("team mean", "mean"), stat("std deviation", "stdev"));
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Names and zones to the left, figures to the right.
  const left = opts.zones ? 2 : 1;
  const line = (r: string[]) =>
    r
      .map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

/** The flag rule in words, for the footer of every rendering. */
export function flagRuleText(rule: FlagRule): string {
  return `↑/↓: more than ${Math.round(rule.relative * 100)} % above/below the team mean (people on the rota), and at least ${rule.minHours} h or ${rule.minCount} pages/acks away from it`;
}

/** The flagged figures of a period in words, e.g. `Nora Example: hours 336.0 (+40 % against 240.0)`. */
export function flagLines(period: FairnessPeriod): string[] {
  const out: string[] = [];
  for (const p of period.people) {
    for (const f of p.flags) {
      const c = COLUMNS.find((x) => x.metric === f.metric)!;
      const pct = Math.round(f.fromMean * 100);
      out.push(`${p.name}: ${c.head} ${num(f.value, c.hours)} (${pct > 0 ? "+" : ""}${pct} % against a mean of ${num(Math.round(f.mean * 10) / 10, true)})`);
    }
  }
  return out;
}

/** Acknowledgements nobody in calpage.yaml made, in words; null when there were none. */
export function unattributedText(report: FairnessReport): string | null {
  if (report.unattributedAcks.length === 0) return null;
  return `Acknowledgements by someone who is not a calpage user (not counted for anyone): ${report.unattributedAcks.map((a) => `${a.actor} ×${a.count}`).join(", ")}`;
}
