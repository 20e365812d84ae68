import { DateTime } from "luxon";
import { parseDuration } from "../../shared/duration.js";
import { fail, ok, type Result } from "../../shared/result.js";

/** Longest override `/oncall override` accepts. */
export const MAX_RANGE_MS = 31 * 86_400_000;

export const RANGE_HELP =
  "a range like `now 4h`, `today 18:00-22:00`, `tomorrow 09:00 8h` or `2026-11-22 09:00 2026-11-23 09:00` (times in your Slack time zone)";

const DAY_WORD = "(today|tomorrow|\\d{4}-\\d{2}-\\d{2})";
const CLOCK = "(\\d{1,2}:\\d{2})";

/** Wall time `day` + `clock` in `zone` -> epoch ms; null when not a real date/time. */
function wall(day: string, clock: string, zone: string, now: number): number | null {
  const base = DateTime.fromMillis(now, { zone });
  const today = base.isValid ? base : DateTime.fromMillis(now, { zone: "UTC" });
  const z = today.zoneName ?? "UTC";
  let y: number;
  let mo: number;
  let d: number;
  if (day === "today" || day === "tomorrow") {
    const dt = day === "today" ? today : today.plus({ days: 1 });
    y = dt.year;
    mo = dt.month;
    d = dt.day;
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) return null;
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  }
  const c = /^(\d{1,2}):(\d{2})$/.exec(clock);
  if (!c) return null;
  const hour = Number(c[1]);
  const minute = Number(c[2]);
  if (hour > 24 || minute > 59 || (hour === 24 && minute !== 0)) return null;
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: hour === 24 ? 0 : hour, minute }, { zone: z });
  if (!dt.isValid) return null;
  // A wall time that does not exist (a DST gap) is read as the one after it, as calendar apps do.
  return (hour === 24 ? dt.plus({ days: 1 }) : dt).toMillis();
}

/**
 * Reads the range of `/oncall override`, in the asker's zone:
 * `now 4h`, `today 18:00-22:00` (an end at or before the start is the next day), `tomorrow 09:00 8h`,
 * `2026-11-22 09:00-17:00`, `2026-11-22 09:00 2026-11-23 09:00`. Pure: `now` is a parameter.
 * A start in the past is moved to `now` (an override changes who is on call from now on).
 */
export function parseTimeRange(words: string[], zone: string, now: number): Result<{ start: number; end: number }> {
  const text = words.join(" ").trim().toLowerCase().replace(/\s*[-–]\s*(?=\d{1,2}:\d{2}$)/, "-");
  let start: number | null = null;
  let end: number | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^now\s+(\S+)$/.exec(text))) {
    const seconds = parseDuration(m[1]!);
    if (seconds === null || seconds <= 0) return fail(`"${m[1]}" is not a duration; use e.g. 30m, 4h or 2d.`);
    start = now;
    end = now + seconds * 1000;
  } else if ((m = new RegExp(`^${DAY_WORD}\\s+${CLOCK}-${CLOCK}$`).exec(text))) {
    start = wall(m[1]!, m[2]!, zone, now);
    end = wall(m[1]!, m[3]!, zone, now);
    if (start !== null && end !== null && end <= start) end = DateTime.fromMillis(end, { zone }).plus({ days: 1 }).toMillis();
  } else if ((m = new RegExp(`^${DAY_WORD}\\s+${CLOCK}\\s+${DAY_WORD}\\s+${CLOCK}$`).exec(text))) {
    start = wall(m[1]!, m[2]!, zone, now);
    end = wall(m[3]!, m[4]!, zone, now);
  } else if ((m = new RegExp(`^${DAY_WORD}\\s+${CLOCK}\\s+(\\S+)$`).exec(text))) {
    start = wall(m[1]!, m[2]!, zone, now);
    const seconds = parseDuration(m[3]!);
    if (seconds === null || seconds <= 0) return fail(`"${m[3]}" is not a duration; use e.g. 30m, 4h or 2d.`);
    end = start === null ? null : start + seconds * 1000;
  } else {
    return fail(`Expected ${RANGE_HELP}.`);
  }
  if (start === null || end === null) return fail(`That is not a real date and time; expected ${RANGE_HELP}.`);
  if (end <= start) return fail("The range ends before it starts.");
  if (end <= now) return fail("That range is already over.");
  if (end - start > MAX_RANGE_MS) return fail("An override can last at most 31 days.");
  return ok({ start: Math.max(start, now), end });
}

/**
 * Reads a moment for `/oncall explain`: nothing or `now`, `+2h` / `in 2h`, `14:00` (today),
 * `today 14:00`, `tomorrow 09:00`, `2026-11-22 09:00` (in `zone`), or an ISO time with a zone
 * (`2026-11-22T09:00:00Z`).
 */
export function parseMoment(words: string[], zone: string, now: number): Result<number> {
  const text = words.join(" ").trim().toLowerCase();
  if (text === "" || text === "now") return ok(now);
  let m: RegExpExecArray | null;
  if ((m = /^(?:\+|in\s+)(\S+)$/.exec(text))) {
    const seconds = parseDuration(m[1]!);
    return seconds === null ? fail(`"${m[1]}" is not a duration; use e.g. +2h.`) : ok(now + seconds * 1000);
  }
  if ((m = new RegExp(`^${CLOCK}$`).exec(text))) {
    const t = wall("today", m[1]!, zone, now);
    return t === null ? fail(`"${words.join(" ")}" is not a time.`) : ok(t);
  }
  if ((m = new RegExp(`^${DAY_WORD}\\s+${CLOCK}$`).exec(text))) {
    const t = wall(m[1]!, m[2]!, zone, now);
    return t === null ? fail(`"${words.join(" ")}" is not a real date and time.`) : ok(t);
  }
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const t = Date.parse(text.toUpperCase());
    if (!Number.isNaN(t)) return ok(t);
  }
  return fail("Expected a time like `now`, `+2h`, `14:00`, `tomorrow 09:00`, `2026-11-22 09:00` or `2026-11-22T09:00:00Z`.");
}
