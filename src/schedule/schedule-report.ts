import { createHash } from "node:crypto";
import { findGaps } from "./find-gaps.js";
import type { ScheduleProblem, Shift } from "./schedule-types.js";

/** What a schedule's owners should fix: names that match nobody, stretches with nobody on call, broken events. */
export interface ScheduleReport {
  /** `unmatched_name` problems, one per event and name. */
  unmatched: ScheduleProblem[];
  /** Stretches of [from, to) with nobody on call; `ongoing` when one is under way at `from`. */
  gaps: { start: number; end: number; ongoing: boolean }[];
  /** Other problems (bad events, unknown zones, capped expansions, orphan instances). */
  other: ScheduleProblem[];
  /** Same report, same hash; what changes it is a name, a gap's bounds, a problem. */
  hash: string;
  empty: boolean;
}

/** Hash of a report with nothing in it. */
export const EMPTY_REPORT_HASH = "empty";

/**
 * The report over [from, to) (the next 14 days): from the final schedule's problems and shifts.
 * A gap under way at `from` is keyed by its end only, so the hash does not change as time passes.
 */
export function buildScheduleReport(problems: ScheduleProblem[], shifts: Shift[], from: number, to: number): ScheduleReport {
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.kind}\u0000${p.uid ?? ""}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const unmatched = unique.filter((p) => p.kind === "unmatched_name");
  const other = unique.filter((p) => p.kind !== "unmatched_name");
  const gaps = findGaps(shifts, new Date(from), new Date(to)).map((g) => ({ start: g.start.getTime(), end: g.end.getTime(), ongoing: g.start.getTime() <= from }));
  const empty = unmatched.length === 0 && gaps.length === 0 && other.length === 0;
  if (empty) return { unmatched, gaps, other, hash: EMPTY_REPORT_HASH, empty };
  const h = createHash("sha256");
  for (const p of [...unmatched, ...other].map((x) => `${x.kind}|${x.uid ?? ""}|${x.message}`).sort()) h.update(p).update("\n");
  // A gap ending exactly at the window's edge grows as the window slides: key it as open-ended.
  for (const g of gaps) h.update(`gap|${g.ongoing ? "ongoing" : g.start}|${g.end >= to ? "open" : g.end}\n`);
  return { unmatched, gaps, other, hash: h.digest("hex").slice(0, 32), empty };
}
