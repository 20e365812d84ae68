import { DateTime, IANAZone } from "luxon";
import type { Shift } from "./schedule-types.js";

/** A person's night, local time in their zone: from 00:00 to 06:00. */
export const NIGHT_START_HOUR = 0;
export const NIGHT_END_HOUR = 6;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Hours one person is on call in their own night over a window. */
export interface NightHours {
  email: string;
  /** Their zone, as used. */
  zone: string;
  /** Hours (fractions kept; rounding is for display) between 00:00 and 06:00 local. */
  hours: number;
}

/**
 * PURE: for every person in `shifts`, how long they are on call between 00:00 and 06:00 in their
 * own zone (`zoneOf`) within [from, to). Nights are found on the wall clock with luxon, so on
 * DST nights the night is as long as the clock says (5 or 7 hours when the change falls inside
 * it). People with none are left out; the rest come most hours first, then by email.
 */
export function nightHours(shifts: readonly Shift[], from: number, to: number, zoneOf: (email: string) => string): NightHours[] {
  const totals = new Map<string, NightHours>();
  const nightsCache = new Map<string, { start: number; end: number }[]>();
  const nightsOf = (zone: string) => {
    let nights = nightsCache.get(zone);
    if (!nights) {
      nights = nightsIn(zone, from, to);
      nightsCache.set(zone, nights);
    }
    return nights;
  };
  for (const s of shifts) {
    const start = Math.max(s.start.getTime(), from);
    const end = Math.min(s.end.getTime(), to);
    if (end <= start) continue;
    for (const email of s.users) {
      const zone = validZone(zoneOf(email));
      let ms = 0;
      for (const n of nightsOf(zone)) ms += Math.max(0, Math.min(end, n.end) - Math.max(start, n.start));
      if (ms <= 0) continue;
      const t = totals.get(email) ?? { email, zone, hours: 0 };
      t.hours += ms / HOUR;
      totals.set(email, t);
    }
  }
  return [...totals.values()].sort((a, b) => b.hours - a.hours || a.email.localeCompare(b.email));
}

const validZone = (zone: string) => (IANAZone.isValidZone(zone) ? zone : "UTC");

/** The nights (as instants) that touch [from, to) in `zone`; one per local day, so the loop is bounded by the window's days. */
function nightsIn(zone: string, from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf("day").minus({ days: 1 });
  const days = Math.ceil((to - from) / DAY) + 3;
  for (let i = 0; i < days; i++) {
    const start = day.set({ hour: NIGHT_START_HOUR }).toMillis();
    const end = day.set({ hour: NIGHT_END_HOUR }).toMillis();
    if (end > from && start < to) out.push({ start, end });
    day = day.plus({ days: 1 });
  }
  return out;
}
