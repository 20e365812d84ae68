/** A shift reduced to what a swap changes: when, and who (sorted emails). */
export interface ShiftLike {
  start: number;
  end: number;
  users: string[];
}

/** One stretch of time whose people changed. */
export interface ShiftChange {
  start: number;
  end: number;
  before: string[];
  after: string[];
}

function usersAt(shifts: ShiftLike[], t: number): string[] {
  for (const s of shifts) if (s.start <= t && t < s.end) return s.users;
  return [];
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Where `after` puts other people on call than `before`, within [from, to): maximal stretches
 * with the same before/after people, in time order. Both lists are shifts as `finalSchedule`
 * returns them (sorted, non-overlapping); a gap counts as "nobody".
 */
export function diffShifts(before: ShiftLike[], after: ShiftLike[], from: number, to: number): ShiftChange[] {
  if (!(to > from)) return [];
  const edges = [...new Set([from, to, ...[...before, ...after].flatMap((s) => [s.start, s.end])])].filter((e) => e >= from && e <= to).sort((a, b) => a - b);
  const out: ShiftChange[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    const was = usersAt(before, a);
    const now = usersAt(after, a);
    if (same(was, now)) continue;
    const prev = out[out.length - 1];
    if (prev && prev.end === a && same(prev.before, was) && same(prev.after, now)) prev.end = b;
    else out.push({ start: a, end: b, before: [...was], after: [...now] });
  }
  return out;
}
