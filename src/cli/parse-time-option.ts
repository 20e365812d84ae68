import { DateTime } from "luxon";
import { fail, ok, type Result } from "../shared/result.js";

/** An ISO time option (`--at 2026-11-21T09:00:00Z`); missing = `fallback`. */
export function parseTimeOption(name: string, value: string | undefined, fallback: Date): Result<Date> {
  if (value === undefined) return ok(fallback);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fail(`${name} ${value}: expected an ISO time like 2026-11-21T09:00:00Z`) : ok(d);
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
