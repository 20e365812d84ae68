import { DateTime } from "luxon";

/**
 * Wall-clock questions the fairness report asks about real time, exact across DST: an hour is a
 * real hour, and "the night" of a day is whatever real time lies between that day's local 00:00 and
 * 06:00 (5 hours on the spring-forward night in Europe, 7 on the autumn one).
 */

/** Local night: from 00:00 to 06:00 in the person's zone. */
export const NIGHT_END_HOUR = 6;

/** Longest span these functions walk, day by day: bounds every loop (the CLI allows 400 days). */
const MAX_DAYS = 1200;

/** The instant a local day starts (its 00:00, or the first instant that exists when a DST jump skips midnight). */
function dayStart(t: number, zone: string): DateTime {
  return DateTime.fromMillis(t, { zone }).startOf("day");
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Milliseconds of [start, end) that fall in local nights (00:00–06:00 in `zone`) and on local weekends (Saturday and Sunday). */
export function nightAndWeekendMs(start: number, end: number, zone: string): { night: number; weekend: number } {
  let night = 0;
  let weekend = 0;
  let day = dayStart(start, zone);
  for (let i = 0; i < MAX_DAYS && day.toMillis() < end; i++) {
    const next = day.plus({ days: 1 }).startOf("day");
    const d0 = day.toMillis();
    const d1 = next.toMillis();
    const n1 = day.set({ hour: NIGHT_END_HOUR, minute: 0, second: 0, millisecond: 0 }).toMillis();
    night += overlap(start, end, d0, Math.min(n1, d1));
    if (day.weekday >= 6) weekend += overlap(start, end, d0, d1);
    day = next;
  }
  return { night, weekend };
}

/** Whether `t` is in the local night (00:00–06:00) of `zone`. */
export function isLocalNight(t: number, zone: string): boolean {
  return DateTime.fromMillis(t, { zone }).hour < NIGHT_END_HOUR;
}

/** One calendar month of a report, cut to the report's range. */
export interface MonthSpan {
  /** `2026-03` */
  month: string;
  from: number;
  to: number;
}

/** The calendar months (in `zone`) that [from, to) touches, each cut to the range; in order. */
export function monthsOf(from: number, to: number, zone: string): MonthSpan[] {
  const out: MonthSpan[] = [];
  let m = DateTime.fromMillis(from, { zone }).startOf("month");
  for (let i = 0; i < MAX_DAYS / 28 && m.toMillis() < to; i++) {
    const next = m.plus({ months: 1 }).startOf("month");
    out.push({ month: m.toFormat("yyyy-MM"), from: Math.max(from, m.toMillis()), to: Math.min(to, next.toMillis()) });
    m = next;
  }
  return out;
}
