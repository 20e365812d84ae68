import type { Shift } from "./schedule-types.js";

/** Emails on call at `at` (a shift covers [start, end)); empty in a gap. */
export function whoIsOnCall(shifts: Shift[], at: Date): string[] {
  const t = at.getTime();
  const shift = shifts.find((s) => s.start.getTime() <= t && t < s.end.getTime());
  return shift ? [...shift.users] : [];
}

/**
 * The first instant after `at` at which {@link whoIsOnCall} may answer differently (a shift
 * starts or ends), or null when nothing changes within the shifts given. Shifts from
 * `finalSchedule` are clipped to its window, so the window's end counts as a change: widen the
 * window to see past it.
 */
export function nextShiftChange(shifts: Shift[], at: Date): Date | null {
  const t = at.getTime();
  const edges = [...new Set(shifts.flatMap((s) => [s.start.getTime(), s.end.getTime()]))].filter((e) => e > t).sort((a, b) => a - b);
  for (const edge of edges) {
    // finalSchedule merges adjacent shifts with the same people; hand-made lists may not.
    if (whoIsOnCall(shifts, new Date(edge - 1)).join(",") !== whoIsOnCall(shifts, new Date(edge)).join(",")) return new Date(edge);
  }
  return null;
}
