import type { AuditRecord } from "../store/repositories/audit-repository.js";

const COLUMNS = ["time (UTC)", "actor", "surface", "action", "target", "outcome"] as const;

function row(e: AuditRecord): string[] {
  const actor = e.actorName === e.actorId ? e.actorId : `${e.actorName} (${e.actorId})`;
  const outcome = e.reason ? `${e.outcome}: ${e.reason}` : e.outcome;
  return [new Date(e.at).toISOString().replace("T", " ").slice(0, 19), actor, e.surface, e.action, e.target, outcome];
}

/** The audit trail as an aligned text table, oldest first (the last column is not padded). */
export function formatAuditTable(entries: readonly AuditRecord[]): string {
  const rows = [...entries].reverse().map(row);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(COLUMNS), ...rows.map(line)].join("\n");
}

/** One JSON object per entry, oldest first (for jq). */
export function formatAuditJson(entries: readonly AuditRecord[]): string {
  return JSON.stringify(
    [...entries].reverse().map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    null,
    2,
  );
}
