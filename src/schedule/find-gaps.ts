import type { Shift } from "./schedule-types.js";

/** Intervals of [from, to) covered by no shift (nobody on call), in time order. */
export function findGaps(shifts: Shift[], from: Date, to: Date): { start: Date; end: Date }[] {
  const gaps: { start: Date; end: Date }[] = [];
  const end = to.getTime();
  let cursor = from.getTime();
  const sorted = shifts.filter((s) => s.users.length > 0).sort((a, b) => a.start.getTime() - b.start.getTime());
  for (const s of sorted) {
    if (cursor >= end) break;
    const sStart = s.start.getTime();
    if (sStart > cursor) gaps.push({ start: new Date(cursor), end: new Date(Math.min(sStart, end)) });
    cursor = Math.max(cursor, s.end.getTime());
  }
  if (cursor < end) gaps.push({ start: new Date(cursor), end: new Date(end) });
  return gaps;
}
