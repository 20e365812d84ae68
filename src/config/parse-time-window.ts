import { IANAZone } from "luxon";
import { fail, ok, type Result } from "../shared/result.js";
import { Checker, describe, isEmpty, joinKey, suggest, unknownZoneMessage } from "./config-checker.js";
import { IF_TIME_WINDOW, keysOf } from "./config-shape.js";
import type { EscalationStep, Weekday } from "./config-types.js";

/** Week order; also the order `days` lists are returned in. */
export const WEEKDAYS: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/** A time-of-day window as written; `timezone` null when the text names none. */
export interface TimeWindow {
  /** `HH:MM`, 00:00 to 23:59. */
  from: string;
  /** `HH:MM`, 00:00 to 24:00; before `from` means the window runs overnight. */
  to: string;
  /** Days the window starts on, in week order; all seven when none are given. */
  days: Weekday[];
  timezone: string | null;
}

const TIME_EXAMPLE = '"09:00-17:00 mon-fri Europe/Berlin"';
const TIME_OF_DAY_EXPECTATION = "a time of day from 00:00 to 24:00 like 09:00";
const DAYS_EXPECTATION = "mon, tue, wed, thu, fri, sat or sun, alone or as ranges and lists like mon-fri or mon,wed,fri";

/** `9:00`, `09:00`, `24:00` -> `HH:MM`; null for anything else. */
export function parseTimeOfDay(text: string): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return null;
  return `${String(hours).padStart(2, "0")}:${m[2]}`;
}

/**
 * Days like `mon-fri`, `mon,wed,fri`, `sat-sun,wed` or `Monday` (case-insensitive; full names too).
 * A range may wrap around the week end (`fri-mon`). Returns the days in week order without repeats.
 */
export function parseWeekdays(text: string): Result<Weekday[], string> {
  const days = new Set<Weekday>();
  const errors: string[] = [];
  const pieces = text.split(",").map((piece) => piece.trim());
  for (const piece of pieces) {
    if (piece === "") {
      errors.push(`empty day in ${describe(text)}; expected ${DAYS_EXPECTATION}`);
      continue;
    }
    const ends = piece.split("-").map((end) => end.trim());
    if (ends.length > 2) {
      errors.push(`expected a day range like mon-fri, found ${describe(piece)}`);
      continue;
    }
    const indexes = ends.map((end) => dayIndex(end));
    const unknown = ends.filter((_, i) => indexes[i] === null);
    for (const name of unknown) errors.push(unknownDayMessage(name));
    if (unknown.length > 0) continue;
    const first = indexes[0]!;
    const last = indexes[ends.length - 1]!;
    for (let i = first; ; i = (i + 1) % 7) {
      days.add(WEEKDAYS[i]!);
      if (i === last) break;
    }
  }
  if (errors.length > 0) return fail(...errors);
  return ok(WEEKDAYS.filter((d) => days.has(d)));
}

/**
 * The string form of an `if_time` step: a time range, then optionally days and a time zone,
 * like `09:00-17:00`, `22:00-06:00 sat,sun` or `09:00-17:00 mon-fri Europe/Berlin`.
 * Spaces around `-` and `,` are allowed. Every problem is returned.
 */
export function parseTimeWindow(text: string): Result<TimeWindow, string> {
  const normalized = text.trim().replace(/\s*([-,])\s*/g, "$1");
  const tokens = normalized.split(/\s+/).filter((t) => t !== "");
  const errors: string[] = [];
  let range: { from: string; to: string } | null = null;
  let sawRange = false;
  let days: Set<Weekday> | null = null;
  let timezone: string | null = null;
  let sawZone = false;

  for (const token of tokens) {
    if (token.includes(":")) {
      if (sawRange) {
        errors.push(`more than one time range in ${describe(text)}; expected one, like ${TIME_EXAMPLE}`);
        continue;
      }
      sawRange = true;
      const parts = token.split("-");
      if (parts.length !== 2) {
        errors.push(`expected a time range like 09:00-17:00, found ${describe(token)}`);
        continue;
      }
      const from = parseTimeOfDay(parts[0]!);
      const to = parseTimeOfDay(parts[1]!);
      if (from === null) errors.push(`expected ${TIME_OF_DAY_EXPECTATION}, found ${describe(parts[0])}`);
      if (to === null) errors.push(`expected ${TIME_OF_DAY_EXPECTATION}, found ${describe(parts[1])}`);
      if (from !== null && to !== null) {
        const error = rangeError(from, to);
        if (error !== null) errors.push(error);
        else range = { from, to };
      }
    } else if (token.includes("/") || IANAZone.isValidZone(token)) {
      if (sawZone) {
        errors.push(`more than one time zone in ${describe(text)}; expected one, like ${TIME_EXAMPLE}`);
        continue;
      }
      sawZone = true;
      if (IANAZone.isValidZone(token)) timezone = token;
      else errors.push(unknownZoneMessage(token));
    } else if (/^[a-z,-]+$/i.test(token)) {
      const parsed = parseWeekdays(token);
      if (!parsed.ok) errors.push(...parsed.errors);
      else days = new Set([...(days ?? []), ...parsed.value]);
    } else {
      errors.push(`cannot read ${describe(token)}; expected a time window like ${TIME_EXAMPLE} (days and time zone are optional)`);
    }
  }
  if (!sawRange) errors.push(`expected a time window like ${TIME_EXAMPLE} (days and time zone are optional), found ${describe(text)}`);
  if (errors.length > 0 || range === null) return fail(...errors);
  return ok({ ...range, days: days === null ? [...WEEKDAYS] : WEEKDAYS.filter((d) => days.has(d)), timezone });
}

/**
 * Validates an `if_time` step value: the string form (see {@link parseTimeWindow}) or
 * `{from: "09:00", to: "17:00", days: [mon, tue], timezone: Europe/Berlin}`.
 * Without a time zone, `defaultZone` (the top-level timezone) applies.
 */
export function validateTimeWindow(c: Checker, v: unknown, p: string, defaultZone: string): Extract<EscalationStep, { type: "if_time" }> | null {
  if (typeof v === "string") {
    const s = c.text(v, p, true, `a time window like ${TIME_EXAMPLE}`);
    if (s === null) return null;
    const parsed = parseTimeWindow(s);
    if (!parsed.ok) {
      for (const error of parsed.errors) c.report(p, error);
      return null;
    }
    const { from, to, days, timezone } = parsed.value;
    return { type: "if_time", from, to, days, timezone: timezone ?? defaultZone };
  }
  const obj = c.object(v, p, keysOf(IF_TIME_WINDOW), `a time window like ${TIME_EXAMPLE} or {from: "09:00", to: "17:00", days: [mon, tue]}`);
  if (obj === null) return null;
  const from = timeOfDay(c, obj.from, joinKey(p, "from"));
  const to = timeOfDay(c, obj.to, joinKey(p, "to"));
  const days = validateDays(c, obj.days, joinKey(p, "days"));
  const timezone = c.zone(obj.timezone, joinKey(p, "timezone"));
  const zoneGood = isEmpty(obj.timezone) || timezone !== null;
  if (from === null || to === null) return null;
  const error = rangeError(from, to);
  if (error !== null) {
    c.report(joinKey(p, from === "24:00" ? "from" : "to"), error);
    return null;
  }
  if (days === null || !zoneGood) return null;
  return { type: "if_time", from, to, days, timezone: timezone ?? defaultZone };
}

function timeOfDay(c: Checker, v: unknown, p: string): string | null {
  const s = c.text(v, p, true, `${TIME_OF_DAY_EXPECTATION} (quoted)`);
  if (s === null) return null;
  const time = parseTimeOfDay(s);
  if (time === null) c.report(p, `expected ${TIME_OF_DAY_EXPECTATION}, found ${describe(s)}`);
  return time;
}

function validateDays(c: Checker, v: unknown, p: string): Weekday[] | null {
  if (isEmpty(v)) return [...WEEKDAYS];
  const entries: { text: unknown; path: string }[] = [];
  if (typeof v === "string") entries.push({ text: v, path: p });
  else {
    const items = c.list(v, p, false, `a list of days like [mon, tue] or a range like mon-fri`);
    if (items === null) return null;
    if (items.length === 0) {
      c.report(p, "expected at least one day, like [mon, tue] (leave days out for every day)");
      return null;
    }
    items.forEach((text, i) => entries.push({ text, path: `${p}[${i}]` }));
  }
  const days = new Set<Weekday>();
  let good = true;
  for (const entry of entries) {
    const s = c.text(entry.text, entry.path, true, `a day like mon or a range like mon-fri`);
    const parsed = s === null ? null : parseWeekdays(s);
    if (parsed === null) good = false;
    else if (!parsed.ok) {
      for (const error of parsed.errors) c.report(entry.path, error);
      good = false;
    } else for (const day of parsed.value) days.add(day);
  }
  return good ? WEEKDAYS.filter((d) => days.has(d)) : null;
}

function rangeError(from: string, to: string): string | null {
  // 24:00 only ends a day: a window "from 24:00" would belong to the day after the one it names.
  if (from === "24:00") return "a window cannot start at 24:00; start it at 00:00";
  if (from === to) {
    return `the window starts and ends at ${from}; use two different times (00:00-24:00 is the whole day, 22:00-06:00 runs overnight)`;
  }
  return null;
}

function dayIndex(name: string): number | null {
  const lower = name.toLowerCase();
  const short = WEEKDAYS.indexOf(lower as Weekday);
  if (short >= 0) return short;
  const full = FULL_NAMES.indexOf(lower);
  return full >= 0 ? full : null;
}

function unknownDayMessage(name: string): string {
  const suggestion = name === "" ? null : suggest(name.toLowerCase(), WEEKDAYS);
  const shown = name === "" ? "an empty day" : `unknown day ${describe(name)}`;
  return `${shown}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected ${DAYS_EXPECTATION}`;
}
