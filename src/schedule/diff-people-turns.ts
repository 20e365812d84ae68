import type { Turn } from "./plan-shift-dms.js";

/** How far ahead people are told of changes to their shifts. */
export const CHANGES_HORIZON_MS = 14 * 86_400_000;

/** Each person's turns (whole, sorted) overlapping [from, to). */
export interface PeopleTurns {
  from: number;
  to: number;
  turns: Record<string, Turn[]>;
}

/** What changed in one person's shifts: turns they no longer have, and turns they newly have. */
export interface TurnChanges {
  email: string;
  removed: Turn[];
  added: Turn[];
}

const same = (a: Turn, b: Turn) => a.start === b.start && a.end === b.end;

/**
 * Per person, the turns that appeared or disappeared between two snapshots, looking only at what
 * both saw: turns still to end after `now` and starting before both snapshots' horizons (a turn
 * that merely came into view as time passed is no change). A turn whose times changed is one
 * removed and one added. People without changes are left out; sorted by email.
 */
export function diffPeopleTurns(before: PeopleTurns, after: PeopleTurns, now: number): TurnChanges[] {
  const to = Math.min(before.to, after.to);
  const from = Math.max(before.from, after.from, now);
  const seen = (t: Turn) => t.end > from && t.start < to;
  const out: TurnChanges[] = [];
  for (const email of [...new Set([...Object.keys(before.turns), ...Object.keys(after.turns)])].sort()) {
    const was = (before.turns[email] ?? []).filter(seen);
    const is = (after.turns[email] ?? []).filter(seen);
    const removed = was.filter((t) => !is.some((u) => same(t, u)));
    const added = is.filter((t) => !was.some((u) => same(t, u)));
    if (removed.length > 0 || added.length > 0) out.push({ email, removed, added });
  }
  return out;
}
