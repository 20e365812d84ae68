import { createHash } from "node:crypto";
import { findGaps } from "./find-gaps.js";
import { nightHours, type NightHours } from "./night-hours.js";
import type { ScheduleProblem, Shift } from "./schedule-types.js";

/** What a schedule's owners should fix: names that match nobody, stretches with nobody on call, broken events, people on call in their own night. */
export interface ScheduleReport {
  /** `unmatched_name` problems, one per event and name. */
  unmatched: ScheduleProblem[];
  /** Stretches of [from, to) with nobody on call; `ongoing` when one is under way at `from`. */
  gaps: { start: number; end: number; ongoing: boolean }[];
  /** Other problems (bad events, unknown zones, capped expansions, orphan instances). */
  other: ScheduleProblem[];
  /** People on call between 00:00 and 06:00 in their own zone, with the hours; empty when no zones were given. Absent in reports stored before it existed. */
  nights?: NightHours[];
  /** Same report, same hash; what changes it is a name, a gap's bounds, a problem. */
  hash: string;
  empty: boolean;
}

/** Hash of a report with nothing in it. */
export const EMPTY_REPORT_HASH = "empty";

/**
 * The report over [from, to) (the next 14 days): from the final schedule's problems and shifts.
 * A gap under way at `from` is keyed by its end only, so the hash does not change as time passes.
 * With `zoneOf` (each person's time zone), night shifts too: the hours each person is on call
 * between 00:00 and 06:00 in their zone, keyed in the hash by person and whole hours.
 */
export function buildScheduleReport(problems: ScheduleProblem[], shifts: Shift[], from: number, to: number, zoneOf?: (email: string) => string): ScheduleReport {
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
  const nights = zoneOf ? nightHours(shifts, from, to, zoneOf) : [];
  const empty = unmatched.length === 0 && gaps.length === 0 && other.length === 0 && nights.length === 0;
  if (empty) return { unmatched, gaps, other, nights, hash: EMPTY_REPORT_HASH, empty };
  const h = createHash("sha256");
  for (const p of [...unmatched, ...other].map((x) => `${x.kind}|${x.uid ?? ""}|${x.message}`).sort()) h.update(p).update("\n");
  // A gap ending exactly at the window's edge grows as the window slides: key it as open-ended.
  for (const g of gaps) h.update(`gap|${g.ongoing ? "ongoing" : g.start}|${g.end >= to ? "open" : g.end}\n`);
  for (const n of nights) h.update(`night|${n.email}|${Math.round(n.hours)}\n`);
  return { unmatched, gaps, other, nights, hash: h.digest("hex").slice(0, 32), empty };
}
