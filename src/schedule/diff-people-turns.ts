import type { Turn } from "./plan-shift-dms.js";

/** How far ahead people are told of changes to their shifts. */
export const CHANGES_HORIZON_MS = 14 * 86_400_000;
/** Changes to one person's shifts are collected this long after the first is seen, then told in one message. */
export const CHANGES_BATCH_MS = 2 * 60_000;

/** What one person was last told of their turns over [from, to), and since when a change waits to be told. */
export interface ToldTurns {
  from: number;
  to: number;
  turns: Turn[];
  /** When an untold change was first seen; null when there is none. */
  pendingSince: number | null;
}

/** Per schedule: each person's {@link ToldTurns}, and the window of the last run (for people not listed: no turns). */
export interface PeopleTurns {
  from: number;
  to: number;
  people: Record<string, ToldTurns>;
}

/** What changed in one person's shifts: turns they no longer have, and turns they newly have. */
export interface TurnChanges {
  email: string;
  removed: Turn[];
  added: Turn[];
}

const same = (a: Turn, b: Turn) => a.start === b.start && a.end === b.end;

/**
 * The turns that appeared or disappeared for one person between what they were told and now,
 * looking only at what both saw: turns still to end after `now` and starting before both horizons
 * (a turn that merely came into view as time passed is no change). A turn whose times changed is
 * one removed and one added.
 */
export function diffTurns(told: { from: number; to: number; turns: Turn[] }, current: Turn[], now: number): { removed: Turn[]; added: Turn[] } {
  const to = Math.min(told.to, now + CHANGES_HORIZON_MS);
  const from = Math.max(told.from, now);
  const seen = (t: Turn) => t.end > from && t.start < to;
  const was = told.turns.filter(seen);
  const is = current.filter(seen);
  return { removed: was.filter((t) => !is.some((u) => same(t, u))), added: is.filter((t) => !was.some((u) => same(t, u))) };
}

/**
 * Which people to tell of changes to their shifts now, and what they are told from now on. Pure.
 * A person's changes wait {@link CHANGES_BATCH_MS} after the first is seen, so several changes made
 * one after another (a few overrides, edits saved twice) come in one message; a change undone
 * within that time is not told at all. `alreadyTold` drops what another DM says (a reminded shift
 * moved or cancelled). The first run (`before` null) records silently.
 */
export function decideChangeDms(
  before: PeopleTurns | null,
  current: Record<string, Turn[]>,
  now: number,
  alreadyTold: (email: string, turn: Turn, change: "removed" | "added") => boolean = () => false,
): { after: PeopleTurns; send: TurnChanges[]; nextAt: number | null } {
  const visible = (t: Turn) => t.end > now && t.start < now + CHANGES_HORIZON_MS;
  const fresh = (turns: Turn[]): ToldTurns => ({ from: now, to: now + CHANGES_HORIZON_MS, turns: turns.filter(visible), pendingSince: null });
  const after: PeopleTurns = { from: now, to: now + CHANGES_HORIZON_MS, people: {} };
  const send: TurnChanges[] = [];
  let nextAt: number | null = null;
  const keep = (email: string, v: ToldTurns) => {
    if (v.turns.length > 0 || v.pendingSince !== null) after.people[email] = v;
  };
  const emails = [...new Set([...Object.keys(before?.people ?? {}), ...Object.keys(current)])].sort();
  for (const email of emails) {
    const cur = current[email] ?? [];
    if (!before) {
      keep(email, fresh(cur));
      continue;
    }
    const told = before.people[email] ?? { from: before.from, to: before.to, turns: [], pendingSince: null };
    const d = diffTurns(told, cur, now);
    const removed = d.removed.filter((t) => !alreadyTold(email, t, "removed"));
    const added = d.added.filter((t) => !alreadyTold(email, t, "added"));
    if (removed.length === 0 && added.length === 0) {
      keep(email, fresh(cur));
      continue;
    }
    const since = told.pendingSince ?? now;
    if (now - since >= CHANGES_BATCH_MS) {
      send.push({ email, removed, added });
      keep(email, fresh(cur));
    } else {
      keep(email, { ...told, pendingSince: since });
      nextAt = Math.min(nextAt ?? Infinity, since + CHANGES_BATCH_MS);
    }
  }
  return { after, send, nextAt };
}
