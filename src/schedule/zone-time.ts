import { IANAZone } from "luxon";

/**
 * Zone math without the host's zone. A *wall time* is a local clock reading stored as the
 * epoch milliseconds it would have if that clock were UTC (`Date.UTC(y, m, d, h, mi, s)`);
 * converting between wall times and instants needs only a zone's offset function.
 */
export interface TimeZoneRules {
  readonly name: string;
  /** Minutes east of UTC in force at the instant `epochMs`. */
  offset(epochMs: number): number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const ianaCache = new Map<string, TimeZoneRules | null>();

/** The canonical spelling of an IANA zone (`europe/berlin` -> `Europe/Berlin`), or null if unknown. */
export function canonicalIanaZone(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "" || !IANAZone.isValidZone(trimmed)) return null;
  try {
    // ICU canonicalises to legacy spellings (Asia/Kolkata -> Asia/Calcutta); only borrow its letter case.
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === trimmed.toLowerCase() ? resolved : trimmed;
  } catch {
    return null;
  }
}

/** Offset rules of an IANA zone, or null when the runtime does not know the name. */
export function ianaRules(name: string): TimeZoneRules | null {
  const cached = ianaCache.get(name);
  if (cached !== undefined) return cached;
  const canonical = canonicalIanaZone(name);
  let rules: TimeZoneRules | null = null;
  if (canonical !== null) {
    const zone = IANAZone.create(canonical);
    rules = { name: canonical, offset: tabulatedOffsets((ms) => zone.offset(ms)) };
  }
  ianaCache.set(name, rules);
  return rules;
}

interface YearTable {
  starts: number[];
  offsets: number[];
}

/**
 * Wraps a slow exact offset function (luxon asks Intl, ~20µs a call) in per-year transition
 * tables: each year is sampled daily and every change located to the millisecond, then lookups
 * are a binary search. Exact as long as a zone changes offset at most once a day.
 */
function tabulatedOffsets(exact: (ms: number) => number): (ms: number) => number {
  const years = new Map<number, YearTable>();
  return (ms) => {
    const year = new Date(ms).getUTCFullYear();
    let table = years.get(year);
    if (!table) {
      table = buildYear(exact, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
      years.set(year, table);
    }
    const { starts, offsets } = table;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= ms) lo = mid;
      else hi = mid - 1;
    }
    return offsets[lo]!;
  };
}

function buildYear(exact: (ms: number) => number, from: number, to: number): YearTable {
  const starts = [from];
  const offsets = [exact(from)];
  let prev = from;
  for (let t = Math.min(from + DAY, to - 1); prev < to - 1; t = Math.min(t + DAY, to - 1)) {
    const o = exact(t);
    if (o !== offsets[offsets.length - 1]) {
      // First millisecond in (prev, t] with the new offset.
      let lo = prev;
      let hi = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (exact(mid) === o) hi = mid;
        else lo = mid;
      }
      starts.push(hi);
      offsets.push(o);
    }
    prev = t;
  }
  return { starts, offsets };
}

/** The wall time shown by `rules` at the instant `epochMs`. */
export function instantToWall(epochMs: number, rules: TimeZoneRules): number {
  return epochMs + rules.offset(epochMs) * MINUTE;
}

/**
 * The instant of a wall time (RFC 5545 §3.3.5): in a repeated hour (fall back) the first
 * occurrence; in a skipped hour (spring forward) the wall time is read with the offset in force
 * before the gap, so 02:30 on a spring-forward night becomes 03:30 new time. Depends only on the
 * zone's offsets, never on the host zone or the current time (unlike luxon's `fromObject`,
 * whose first guess uses `Date.now()`).
 */
export function wallToInstant(wallMs: number, rules: TimeZoneRules): number {
  const before = rules.offset(wallMs - DAY);
  const after = rules.offset(wallMs + DAY);
  const a = wallMs - before * MINUTE;
  const b = wallMs - after * MINUTE;
  const aOk = instantToWall(a, rules) === wallMs;
  const bOk = instantToWall(b, rules) === wallMs;
  if (aOk && bOk) return Math.min(a, b);
  if (aOk) return a;
  if (bOk) return b;
  return a;
}

/** Wall time from calendar fields (month 1-12). */
export function wallFromFields(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC maps years 0-99 to 1900-1999; iCalendar years are always literal.
  if (y >= 0 && y < 100) return new Date(ms).setUTCFullYear(y);
  return ms;
}

/** `YYYY-MM-DD` of a wall time. */
export function wallDateKey(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

/** Midnight (wall) of the day containing `wallMs`. */
export function wallMidnight(wallMs: number): number {
  return Math.floor(wallMs / DAY) * DAY;
}
