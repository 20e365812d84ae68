/** A stretch in which one person is on call (adjacent shifts merged), epoch ms. */
export interface Turn {
  start: number;
  end: number;
}

/** One person's view of a schedule, as {@link planShiftDms} needs it. */
export interface PersonTurns {
  email: string;
  /** Reminders before each turn (ms before its start); [] = none. */
  reminders: number[];
  /** The person's turns, whole (not cut at the edges of the window looked at), sorted. */
  turns: Turn[];
}

/** A message already sent (a `shift_messages` row). */
export interface SentShiftMessage {
  email: string;
  kind: string;
  key: string;
  shiftStart: number;
  shiftEnd: number;
}

/** What a person is told by DM about one of their shifts. */
export type ShiftDm =
  /** `before`: how long before the start this reminder is (the configured one; the text says the real time left). */
  | { kind: "reminder"; turn: Turn; before: number }
  | { kind: "moved"; from: Turn; to: Turn }
  | { kind: "cancelled"; turn: Turn }
  | { kind: "start"; turn: Turn }
  /**
   * The end of `turn` of `outgoing`: who takes over (may be nobody). `lead`: `outgoing` is the first
   * (by email) of the people going off at that moment, whose handoff also goes to the incoming
   * people and the channel (so they get one, not one per outgoing person).
   */
  | { kind: "handoff"; turn: Turn; outgoing: string; incoming: string[]; lead: boolean }
  /** Changes to the person's shifts in the next 14 days, batched (a moved turn: removed and added). */
  | { kind: "changes"; removed: Turn[]; added: Turn[] };

/** A `shift_messages` row to insert; the DM goes out only when the first claim of its plan is new. */
export interface ShiftClaim {
  kind: "reminder" | "moved" | "cancelled" | "start" | "handoff";
  key: string;
  shiftStart: number;
  shiftEnd: number;
}

export interface PlannedShiftDm {
  /** Whose shift it is (for a handoff: the outgoing person). */
  email: string;
  dm: ShiftDm;
  /** `claims[0]` makes the message itself; the others are recorded with it. */
  claims: ShiftClaim[];
}

const HOUR = 3_600_000;
/** A shift that ended this long ago still gets its handoff (calpage was down at its end). */
export const HANDOFF_GRACE_MS = 6 * HOUR;
/**
 * "On call now" is said up to this long after the turn started (calpage was down at its start);
 * a turn that had long started when calpage first saw it (a first deployment) is not announced.
 */
export const START_GRACE_MS = HOUR;
/** A shift moved to a turn that does not overlap it counts as moved only within this distance (else: cancelled). */
export const MOVE_MAX_MS = 24 * HOUR;
/** Planning runs again at least this often. */
export const PLAN_EVERY_MS = HOUR;

const turnKey = (t: Turn) => `${t.start}|${t.end}`;
const sameTurn = (a: Turn, b: Turn) => a.start === b.start && a.end === b.end;
const overlaps = (a: Turn, b: Turn) => a.start < b.end && b.start < a.end;

/** Turns of one person in shifts (`users` lists who is on call), adjacent shifts merged. */
export function turnsIn(shifts: readonly { start: number; end: number; users: readonly string[] }[], email: string): Turn[] {
  const out: Turn[] = [];
  for (const s of shifts) {
    if (!s.users.includes(email)) continue;
    const last = out[out.length - 1];
    if (last && last.end === s.start) last.end = s.end;
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

/**
 * Which shift DMs are due at `now`, given each person's turns and what was already sent. Pure:
 * the shell claims each plan's rows in one transaction with the DM's job, so replicas and
 * restarts send each once.
 *
 * - Reminder: at each of the person's reminder times before a turn that has not started. When
 *   several fall due at once (a turn added late, calpage down), one reminder (the nearest) says it.
 * - Moved / cancelled: a turn the person was reminded of that is gone before it started. The
 *   person's new turn overlapping it (or of the same length within a day) is where it moved,
 *   and counts as reminded; otherwise it was cancelled.
 * - Start: "you are on call now", once per turn, at its start (up to {@link START_GRACE_MS} late).
 * - Handoff: when a turn has ended (up to {@link HANDOFF_GRACE_MS} late), to the outgoing person and
 *   whoever came on at that moment.
 *
 * `nextAt`: when something may next fall due (a reminder time, a turn's start or end), at most
 * {@link PLAN_EVERY_MS} ahead.
 */
export function planShiftDms(input: { now: number; people: PersonTurns[]; sent: SentShiftMessage[]; onCallAt: (t: number) => string[] }): { dms: PlannedShiftDm[]; nextAt: number } {
  const { now } = input;
  const dms: PlannedShiftDm[] = [];
  let nextAt = now + PLAN_EVERY_MS;
  const later = (t: number) => {
    if (t > now && t < nextAt) nextAt = t;
  };

  for (const p of input.people) {
    const sent = input.sent.filter((m) => m.email === p.email);
    const has = (kind: string, key: string) => sent.some((m) => m.kind === kind && m.key === key);
    const closed = (t: Turn) => has("moved", turnKey(t)) || has("cancelled", turnKey(t));
    // Turns reminded of (or moved to) that have not started and were not closed since.
    const reminded: Turn[] = [];
    for (const m of sent) {
      const t = { start: m.shiftStart, end: m.shiftEnd };
      if (m.kind === "reminder" && t.start > now && !closed(t) && !reminded.some((r) => sameTurn(r, t))) reminded.push(t);
    }
    const isReminded = (t: Turn) => reminded.some((r) => sameTurn(r, t));
    const upcoming = p.turns.filter((t) => t.start > now);
    const movedTo = new Set<Turn>();

    for (const old of reminded) {
      if (upcoming.some((t) => sameTurn(t, old))) continue;
      const candidates = upcoming.filter((t) => !isReminded(t) && !movedTo.has(t));
      const to =
        candidates.find((t) => overlaps(t, old)) ??
        candidates.filter((t) => t.end - t.start === old.end - old.start && Math.abs(t.start - old.start) <= MOVE_MAX_MS).sort((a, b) => Math.abs(a.start - old.start) - Math.abs(b.start - old.start))[0];
      if (to) {
        movedTo.add(to);
        // The new turn counts as reminded at every reminder time already past, and as told of (`moved`).
        const claims: ShiftClaim[] = [{ kind: "moved", key: turnKey(old), shiftStart: old.start, shiftEnd: old.end }];
        claims.push({ kind: "reminder", key: `${turnKey(to)}|moved`, shiftStart: to.start, shiftEnd: to.end });
        for (const r of p.reminders) if (to.start - r <= now) claims.push({ kind: "reminder", key: `${turnKey(to)}|${r}`, shiftStart: to.start, shiftEnd: to.end });
        dms.push({ email: p.email, dm: { kind: "moved", from: old, to }, claims });
      } else {
        dms.push({ email: p.email, dm: { kind: "cancelled", turn: old }, claims: [{ kind: "cancelled", key: turnKey(old), shiftStart: old.start, shiftEnd: old.end }] });
      }
    }

    for (const t of upcoming) {
      later(t.start);
      if (movedTo.has(t)) continue;
      const due = p.reminders.filter((r) => t.start - r <= now && !has("reminder", `${turnKey(t)}|${r}`));
      for (const r of p.reminders) later(t.start - r);
      if (due.length === 0) continue;
      const nearest = Math.min(...due);
      const claims = [nearest, ...due.filter((r) => r !== nearest)].map((r): ShiftClaim => ({ kind: "reminder", key: `${turnKey(t)}|${r}`, shiftStart: t.start, shiftEnd: t.end }));
      dms.push({ email: p.email, dm: { kind: "reminder", turn: t, before: nearest }, claims });
    }

    for (const t of p.turns) {
      if (t.start <= now && now < t.end) {
        later(t.end);
        if (now - t.start >= START_GRACE_MS) continue;
        // Keyed by the start alone: a running turn that is extended or shortened is not a new start.
        if (!has("start", String(t.start))) dms.push({ email: p.email, dm: { kind: "start", turn: t }, claims: [{ kind: "start", key: String(t.start), shiftStart: t.start, shiftEnd: t.end }] });
      }
      if (t.end <= now && now - t.end < HANDOFF_GRACE_MS && !has("handoff", turnKey(t))) {
        const was = input.onCallAt(t.end - 1);
        const is = input.onCallAt(t.end);
        const incoming = is.filter((e) => e !== p.email && !was.includes(e));
        const lead = [...was.filter((e) => !is.includes(e)), p.email].sort()[0] === p.email;
        dms.push({ email: p.email, dm: { kind: "handoff", turn: t, outgoing: p.email, incoming, lead }, claims: [{ kind: "handoff", key: turnKey(t), shiftStart: t.start, shiftEnd: t.end }] });
      }
    }
  }
  return { dms, nextAt };
}
