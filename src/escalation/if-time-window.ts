import { IANAZone } from "luxon";
import type { Weekday } from "../config/config-types.js";

/** The window of an `if_time` step: local wall-clock time in `timezone`. */
export interface TimeWindow {
  /** `HH:MM`, 00:00–23:59. */
  from: string;
  /** `HH:MM`, 00:00–24:00 (`24:00` = end of the day). `to` <= `from` makes the window overnight (equal: 24 hours). */
  to: string;
  /** Days on which the window starts (for an overnight window, the day of its evening part). */
  days: readonly Weekday[];
  timezone: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SAMPLE = 6 * HOUR;
/** How far ahead the next start is looked for; every weekday occurs within 7 days, so 8 covers any valid window. */
export const TIME_WINDOW_SEARCH_DAYS = 8;

/** Index by `(dayNumber + 4) mod 7`: day 0 (1970-01-01) was a Thursday. */
const WEEKDAYS: readonly Weekday[] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const WEEK_ORDER: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_NAMES: Record<Weekday, string> = { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" };
const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

interface CompiledWindow {
  zone: IANAZone;
  fromMin: number;
  toMin: number;
  days: ReadonlySet<Weekday>;
}

/*
 * "Wall" times below are local date-times encoded as if they were UTC epoch ms
 * (wall = instant + offset), so day arithmetic never touches the host's zone.
 */

function parseClock(text: string, allowEndOfDay: boolean): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  if (h < 24) return h * 60 + min;
  return allowEndOfDay && h === 24 && min === 0 ? 24 * 60 : null;
}

function compile(w: TimeWindow): CompiledWindow | null {
  const fromMin = parseClock(w.from, false);
  const toMin = parseClock(w.to, true);
  if (fromMin === null || toMin === null || !IANAZone.isValidZone(w.timezone)) return null;
  const days = new Set(w.days.filter((d) => WEEKDAYS.includes(d)));
  if (days.size === 0) return null;
  return { zone: IANAZone.create(w.timezone), fromMin, toMin, days };
}

const offsetMs = (zone: IANAZone, at: number): number => zone.offset(at) * MINUTE;
const wallOf = (zone: IANAZone, at: number): number => at + offsetMs(zone, at);
const dayNumber = (wall: number): number => Math.floor(wall / DAY);
const weekdayOf = (day: number): Weekday => WEEKDAYS[(((day + 4) % 7) + 7) % 7]!;

/** The occurrence starting on local day `day`, as wall times [start, end). */
function occurrence(w: CompiledWindow, day: number): { start: number; end: number } {
  const start = day * DAY + w.fromMin * MINUTE;
  const end = w.fromMin < w.toMin ? day * DAY + w.toMin * MINUTE : (day + 1) * DAY + w.toMin * MINUTE;
  return { start, end };
}

function insideCompiled(w: CompiledWindow, at: number): boolean {
  const wall = wallOf(w.zone, at);
  const today = dayNumber(wall);
  // An occurrence lasts at most 24h from its start, so only today's and yesterday's can contain `wall`.
  for (const day of [today - 1, today]) {
    if (!w.days.has(weekdayOf(day))) continue;
    const { start, end } = occurrence(w, day);
    if (start <= wall && wall < end) return true;
  }
  return false;
}

/**
 * Whether the local wall-clock time at `at` lies inside the window. A time read
 * twice in the fall-back hour is inside whenever the clock shows it; a time
 * skipped by spring-forward is never shown, so the window is entered at the
 * first instant after the jump.
 */
export function isInTimeWindow(window: TimeWindow, at: number): boolean {
  const w = compile(window);
  return w !== null && insideCompiled(w, at);
}

/**
 * The earliest instant after `after` at which the window is open, or null when
 * it does not open within {@link TIME_WINDOW_SEARCH_DAYS} days (only possible for
 * an invalid window: bad time, unknown zone, no days).
 *
 * The window becomes open either when the clock reaches a start time (both
 * readings of a repeated hour are candidates; the first one that is open wins,
 * so a start in the fall-back hour uses its first occurrence) or when the
 * clock jumps at a DST change (a start skipped by spring-forward opens at the
 * first instant after the gap). Checking every such candidate with
 * {@link isInTimeWindow} keeps the two functions consistent: at the returned
 * instant the window is open.
 */
export function nextTimeWindowStart(window: TimeWindow, after: number): number | null {
  const w = compile(window);
  if (!w) return null;
  const limit = after + TIME_WINDOW_SEARCH_DAYS * DAY;
  const { offsets, changes } = offsetChanges(w.zone, after - 2 * DAY, limit + 2 * DAY);
  const candidates = [...changes];
  const firstDay = dayNumber(wallOf(w.zone, after)) - 1;
  for (let day = firstDay; day <= firstDay + TIME_WINDOW_SEARCH_DAYS + 2; day++) {
    if (!w.days.has(weekdayOf(day))) continue;
    const { start } = occurrence(w, day);
    for (const off of offsets) {
      const at = start - off;
      if (offsetMs(w.zone, at) === off) candidates.push(at);
    }
  }
  candidates.sort((a, b) => a - b);
  for (const at of candidates) {
    if (at <= after) continue;
    if (at > limit) break;
    if (insideCompiled(w, at)) return at;
  }
  return null;
}

/**
 * Every offset in effect between `from` and `to`, and the first instant of each
 * change. Sampled every 6 hours (no zone changes its offset twice within that
 * span), then narrowed to the millisecond.
 */
function offsetChanges(zone: IANAZone, from: number, to: number): { offsets: Set<number>; changes: number[] } {
  const offsets = new Set<number>();
  const changes: number[] = [];
  let prevAt = from;
  let prevOff = offsetMs(zone, from);
  offsets.add(prevOff);
  for (let at = from + SAMPLE; at <= to; at += SAMPLE) {
    const off = offsetMs(zone, at);
    if (off !== prevOff) {
      let lo = prevAt;
      let hi = at;
      while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetMs(zone, mid) === prevOff) lo = mid;
        else hi = mid;
      }
      changes.push(hi);
      offsets.add(off);
    }
    prevAt = at;
    prevOff = off;
  }
  return { offsets, changes };
}

/** `09:00–17:00 Mon–Fri (Europe/Berlin)`, `22:00–06:00 every day (UTC)`. */
export function describeTimeWindow(window: TimeWindow): string {
  return `${window.from}–${window.to} ${describeDays(window.days)} (${window.timezone})`;
}

/** `Mon–Fri`, `Sat, Sun`, `Fri–Mon`, `Mon, Wed, Fri`, `every day`, `no days`. */
export function describeDays(days: readonly Weekday[]): string {
  const set = new Set(days);
  const included = WEEK_ORDER.map((d) => set.has(d));
  const count = included.filter(Boolean).length;
  if (count === 7) return "every day";
  if (count === 0) return "no days";
  // Start on Monday's side, except that a run across the weekend (Fri–Mon) stays whole and comes first.
  let first = included.indexOf(true);
  if (included[0] && included[6]) {
    first = 6;
    while (included[first - 1]) first--;
  }
  const runs: string[] = [];
  let i = 0;
  while (i < 7) {
    const idx = (first + i) % 7;
    if (!included[idx]) {
      i++;
      continue;
    }
    let len = 1;
    while (i + len < 7 && included[(first + i + len) % 7]) len++;
    const a = DAY_NAMES[WEEK_ORDER[idx]!];
    const b = DAY_NAMES[WEEK_ORDER[(idx + len - 1) % 7]!];
    runs.push(len === 1 ? a : len === 2 ? `${a}, ${b}` : `${a}–${b}`);
    i += len;
  }
  return runs.join(", ");
}

/** Locales tried, in order, for a zone abbreviation such as CET, EST, AEDT, NZDT, IST. */
const ABBREVIATION_LOCALES = ["en-US", "en-GB", "en-AU", "en-NZ", "en-IN", "en-CA", "en-IE", "en-ZA"];

/**
 * `Mon 23 Nov 09:00 CET`: local time in `timezone`, English names, the zone's
 * usual abbreviation when one exists (else `GMT+9`-style). Independent of the
 * host's zone and locale.
 */
export function formatLocalTime(at: number, timezone: string): string {
  const zone = IANAZone.isValidZone(timezone) ? IANAZone.create(timezone) : IANAZone.create("UTC");
  const d = new Date(wallOf(zone, at));
  const two = (n: number) => String(n).padStart(2, "0");
  const weekday = DAY_NAMES[WEEKDAYS[d.getUTCDay()]!];
  const month = MONTH_NAMES[d.getUTCMonth()]!;
  return `${weekday} ${d.getUTCDate()} ${month} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ${zoneAbbreviation(zone, at)}`;
}

function zoneAbbreviation(zone: IANAZone, at: number): string {
  let fallback: string | null = null;
  for (const locale of ABBREVIATION_LOCALES) {
    const name = zone.offsetName(at, { format: "short", locale });
    if (!name) continue;
    if (!/^(GMT|UTC)[+\-\u2212]/.test(name)) return name;
    fallback ??= name;
  }
  return fallback ?? zone.name;
}
