import { parseTimeOfDay } from "../config/parse-time-window.js";
import { isInTimeWindow } from "../escalation/if-time-window.js";
import { fail, ok, type Result } from "../shared/result.js";

/**
 * PURE: a person's quiet hours. During them a normal page reaches the person by Slack DM only:
 * the SMS and call rungs of their default ladder are skipped (not delayed), and the group's thread
 * says so. Important pages ring as always. Decided at each rung's send time from `now`, the
 * person's time zone and the window, so a ladder that runs into (or out of) quiet hours follows.
 */

/** Local wall-clock times `HH:MM` in the person's zone; `to` before `from` runs overnight (22:00–07:00). */
export interface QuietHours {
  from: string;
  to: string;
}

/** Quiet hours in force now: until when (local `HH:MM`) and in which zone. */
export interface QuietNow {
  until: string;
  zone: string;
}

const EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/**
 * Whether `now` is inside the quiet hours in `zone`. A window crossing midnight covers both
 * evenings' and mornings' parts; on DST days the wall clock decides (a time shown twice in the
 * fall-back hour is quiet whenever the window covers it; a start skipped by spring-forward starts
 * the quiet hours at the first instant after the jump).
 */
export function quietHoursAt(quiet: QuietHours | null, zone: string, now: number): QuietNow | null {
  if (quiet === null) return null;
  return isInTimeWindow({ from: quiet.from, to: quiet.to, days: EVERY_DAY, timezone: zone }, now) ? { until: quiet.to, zone } : null;
}

/** `quiet hours until 07:00 (Europe/Berlin)`: why a rung was held back. */
export function quietHoldReason(q: QuietNow): string {
  return `quiet hours until ${q.until} (${q.zone})`;
}

/** `22:00–07:00 (Europe/Berlin)`. */
export function describeQuietHours(quiet: QuietHours, zone: string): string {
  return `${quiet.from}–${quiet.to} (${zone})`;
}

const OFF_WORDS = new Set(["off", "none", "remove", "clear", "reset", "no"]);
const EXAMPLE = "`22:00-07:00`";

/**
 * What someone typed after `/oncall me quiet`: `22:00-07:00` (spaces and an en dash allowed), or
 * `off`. Null value = no quiet hours. Errors name what was wrong.
 */
export function parseQuietHours(text: string): Result<QuietHours | null, string> {
  const t = text.trim();
  if (OFF_WORDS.has(t.toLowerCase())) return ok(null);
  const parts = t.split(/\s*[-–—]\s*|\s+to\s+/i);
  if (parts.length !== 2) return fail(`Expected quiet hours like ${EXAMPLE} (from-to, local time in your time zone) or \`off\`, found "${t}".`);
  const from = parseTimeOfDay(parts[0]!);
  const to = parseTimeOfDay(parts[1]!);
  const errors: string[] = [];
  if (from === null || from === "24:00") errors.push(`"${parts[0]}" is not a start time from 00:00 to 23:59.`);
  if (to === null) errors.push(`"${parts[1]}" is not an end time from 00:00 to 24:00.`);
  if (errors.length > 0) return fail(...errors);
  if (from === to) return fail(`Quiet hours that start and end at ${from} are empty; use two different times, like ${EXAMPLE}.`);
  return ok({ from: from!, to: to! });
}
