import { DateTime } from "luxon";
import { fail, ok, type Result } from "../shared/result.js";

/** A time of day with a zone at the end: `…T09:00Z`, `…T10:00:00+01:00`. */
const WITH_ZONE_RE = /[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([zZ]|[+-]\d{2}(:?\d{2})?)$/;

/**
 * A time option: an ISO time with a zone (`--at 2026-11-21T09:00:00Z`), or a local date or time
 * (`2026-11-21`, `2026-11-21T10:00`, `2026-11-21 10:00`) read in `zone` — the schedule's, as
 * `explain` reads times — never in the machine's own zone. Dates that do not exist are refused.
 * Missing = `fallback`.
 */
export function parseTimeOption(name: string, value: string | undefined, fallback: Date, zone: string): Result<Date> {
  if (value === undefined) return ok(fallback);
  const text = value.trim().replace(" ", "T");
  const dt = /^\d{4}-\d{2}-\d{2}/.test(text) ? (WITH_ZONE_RE.test(text) ? DateTime.fromISO(text, { setZone: true }) : DateTime.fromISO(text, { zone })) : null;
  if (!dt || !dt.isValid) return fail(`${name} ${value}: expected an ISO time like 2026-11-21T09:00:00Z, or a local time like 2026-11-21T10:00 (read in ${zone})`);
  return ok(dt.toJSDate());
}

/** An ISO time with a zone, or `YYYY-MM-DD HH:MM` / `YYYY-MM-DDTHH:MM` read in `zone`; `now` for nothing or "now"; null when neither. */
export function parseWhen(words: string[], zone: string, now: Date): Date | null {
  const text = words.join(" ").trim();
  if (text === "" || text === "now") return now;
  if (/([zZ]|[+-]\d{2}:?\d{2})$/.test(text)) {
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const dt = DateTime.fromISO(text.replace(" ", "T"), { zone });
  return dt.isValid ? dt.toJSDate() : null;
}
