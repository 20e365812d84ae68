import type { Shift, ShiftReason } from "./schedule-types.js";

/**
 * A final schedule packed into typed arrays and one string, so a worker thread can hand a year of
 * shifts to the main thread by transferring buffers: receiving it costs the main thread nothing,
 * where a structured clone of the same `Shift[]` takes tens of milliseconds for a busy calendar.
 */
export interface PackedShifts {
  count: number;
  /** Every distinct string (emails, UIDs, summaries), concatenated. */
  text: string;
  /** Start offset of string k in `text`; k+1 entries. */
  textOff: Int32Array;
  /** start, end (epoch ms) of each shift. */
  times: Float64Array;
  /** Shift i's users are `users[userOff[i]..userOff[i+1])` (string indexes). */
  userOff: Int32Array;
  users: Int32Array;
  /** Shift i's reasons are `reasons[5*reasonOff[i]..5*reasonOff[i+1])`: email, source, level, uid, summary. */
  reasonOff: Int32Array;
  reasons: Int32Array;
}

const SOURCES: ShiftReason["source"][] = ["primary", "overrides", "slack"];

/** Packs shifts (sorted, non-overlapping, as `finalSchedule` returns them). */
export function packShifts(shifts: Shift[]): PackedShifts {
  const index = new Map<string, number>();
  const parts: string[] = [];
  const offsets: number[] = [0];
  let length = 0;
  const intern = (s: string) => {
    let k = index.get(s);
    if (k === undefined) {
      k = parts.length;
      index.set(s, k);
      parts.push(s);
      length += s.length;
      offsets.push(length);
    }
    return k;
  };
  const times = new Float64Array(shifts.length * 2);
  const userOff = new Int32Array(shifts.length + 1);
  const reasonOff = new Int32Array(shifts.length + 1);
  const users: number[] = [];
  const reasons: number[] = [];
  shifts.forEach((s, i) => {
    times[2 * i] = s.start.getTime();
    times[2 * i + 1] = s.end.getTime();
    for (const u of s.users) users.push(intern(u));
    userOff[i + 1] = users.length;
    for (const r of s.reasons) reasons.push(intern(r.userEmail), SOURCES.indexOf(r.source), r.level, intern(r.uid), intern(r.summary));
    reasonOff[i + 1] = reasons.length / 5;
  });
  return { count: shifts.length, text: parts.join(""), textOff: Int32Array.from(offsets), times, userOff, users: Int32Array.from(users), reasonOff, reasons: Int32Array.from(reasons) };
}

/** The buffers to transfer with `postMessage`. */
export function packedTransferList(p: PackedShifts): ArrayBuffer[] {
  return [p.textOff, p.times, p.userOff, p.users, p.reasonOff, p.reasons].map((a) => a.buffer as ArrayBuffer);
}

/** Read access to packed shifts: lookups by time without unpacking the rest. */
export class ShiftTable {
  constructor(private readonly p: PackedShifts) {}

  static of(shifts: Shift[]): ShiftTable {
    return new ShiftTable(packShifts(shifts));
  }

  get length(): number {
    return this.p.count;
  }

  private str(k: number): string {
    return this.p.text.slice(this.p.textOff[k], this.p.textOff[k + 1]);
  }

  start(i: number): number {
    return this.p.times[2 * i]!;
  }

  end(i: number): number {
    return this.p.times[2 * i + 1]!;
  }

  users(i: number): string[] {
    const out: string[] = [];
    for (let j = this.p.userOff[i]!; j < this.p.userOff[i + 1]!; j++) out.push(this.str(this.p.users[j]!));
    return out;
  }

  shift(i: number): Shift {
    const reasons: ShiftReason[] = [];
    for (let j = this.p.reasonOff[i]!; j < this.p.reasonOff[i + 1]!; j++) {
      const r = this.p.reasons;
      reasons.push({ userEmail: this.str(r[5 * j]!), source: SOURCES[r[5 * j + 1]!]!, level: r[5 * j + 2]!, uid: this.str(r[5 * j + 3]!), summary: this.str(r[5 * j + 4]!) });
    }
    return { start: new Date(this.start(i)), end: new Date(this.end(i)), users: this.users(i), reasons };
  }

  /** Index of the first shift ending after `t` (the one under way at `t`, or the next); `length` when none. */
  firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.p.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.end(mid) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the shift covering `t` ([start, end)), or -1 in a gap. */
  indexAt(t: number): number {
    const i = this.firstEndingAfter(t);
    return i < this.p.count && this.start(i) <= t ? i : -1;
  }

  /** Who is on call at `t`; [] in a gap. */
  whoAt(t: number): string[] {
    const i = this.indexAt(t);
    return i === -1 ? [] : this.users(i);
  }

  /** Shifts overlapping [from, to), whole (not cut). */
  overlapping(from: number, to: number): Shift[] {
    const out: Shift[] = [];
    for (let i = this.firstEndingAfter(from); i < this.p.count && this.start(i) < to; i++) out.push(this.shift(i));
    return out;
  }

  /** Shifts overlapping [from, to), cut to it. */
  range(from: number, to: number): Shift[] {
    const out: Shift[] = [];
    for (let i = this.firstEndingAfter(from); i < this.p.count && this.start(i) < to; i++) {
      const s = this.shift(i);
      if (s.start.getTime() < from) s.start = new Date(from);
      if (s.end.getTime() > to) s.end = new Date(to);
      out.push(s);
    }
    return out;
  }

  /** The first instant after `t` at which who is on call changes, or null when none is known. */
  nextChange(t: number): number | null {
    let i = this.firstEndingAfter(t);
    let current = this.whoAt(t).join(",");
    // Each step moves to a later edge; bounded by the number of shifts.
    while (i < this.p.count) {
      const edge = this.start(i) > t ? this.start(i) : this.end(i);
      const after = this.whoAt(edge).join(",");
      if (after !== current) return edge;
      current = after;
      if (this.start(i) > t) t = this.start(i);
      else {
        t = this.end(i);
        i++;
      }
    }
    return null;
  }
}
