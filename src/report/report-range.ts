import { DateTime } from "luxon";
import { fail, ok, type Result } from "../shared/result.js";

const DAY = 86_400_000;
/** The longest report: a bit over a year. */
export const MAX_REPORT_DAYS = 400;

/**
 * A report's `--from` or `--to`, in `zone`: a month (`2026-03`), a day (`2026-03-31`) or an ISO time
 * (`2026-03-31T18:00`, with or without an offset). A month or day given as `--to` includes it: the
 * range ends when it does.
 */
export function parseReportDate(name: string, value: string | undefined, zone: string, end: boolean): Result<number> {
  const usage = `${name}: expected a month like 2026-03, a day like 2026-03-31 or an ISO time like 2026-03-31T18:00`;
  if (value === undefined || value.trim() === "") return fail(`${name} is required (${usage.slice(name.length + 2)})`);
  const v = value.trim();
  const month = /^(\d{4})-(\d{2})$/.exec(v);
  if (month) {
    const m = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]), day: 1 }, { zone });
    if (!m.isValid) return fail(`${name} ${v}: there is no such month (${usage.slice(name.length + 2)})`);
    return ok((end ? m.plus({ months: 1 }) : m).startOf("day").toMillis());
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = DateTime.fromISO(v, { zone });
    if (!d.isValid) return fail(`${name} ${v}: there is no such day (${usage.slice(name.length + 2)})`);
    return ok((end ? d.plus({ days: 1 }) : d).startOf("day").toMillis());
  }
  const t = DateTime.fromISO(v, { zone, setZone: true });
  return t.isValid && v.includes("T") ? ok(t.toMillis()) : fail(`${name} ${v}: ${usage.slice(name.length + 2)}`);
}

/**
 * `--from` and `--to` together: the second after the first, at most {@link MAX_REPORT_DAYS} apart.
 * `names`: how errors name the two (the web view's `from` and `to` fields).
 */
export function parseReportRange(fromText: string | undefined, toText: string | undefined, zone: string, names: { from: string; to: string } = { from: "--from", to: "--to" }): Result<{ from: number; to: number }> {
  const from = parseReportDate(names.from, fromText, zone, false);
  if (!from.ok) return from;
  const to = parseReportDate(names.to, toText, zone, true);
  if (!to.ok) return to;
  if (to.value <= from.value) return fail(`${names.to} must be after ${names.from} (a day given as ${names.to} is included)`);
  if (to.value - from.value > MAX_REPORT_DAYS * DAY) return fail(`the range is longer than ${MAX_REPORT_DAYS} days; run one report per year`);
  return ok({ from: from.value, to: to.value });
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** `March 2026`, in English whatever the machine's locale (the rest of the text is English). */
export function monthLabel(d: DateTime): string {
  return d.setLocale("en").toFormat("LLLL yyyy");
}

/** `march`, `Mar`, `sept`: the start (three letters at least) of a month's English name. */
export function isMonthName(word: string): boolean {
  const w = word.toLowerCase();
  return w.length >= 3 && MONTHS.some((m) => m.startsWith(w));
}

/**
 * The month `/oncall report` is about: `2026-03`, or a month's name (`march`, `mar`) for its latest
 * one that has begun; absent = the current month. Cut at `now`: what has happened so far.
 */
export function parseReportMonth(word: string | undefined, zone: string, now: number): Result<{ from: number; to: number; label: string }> {
  const today = DateTime.fromMillis(now, { zone });
  let start: DateTime;
  if (word === undefined) start = today.startOf("month");
  else if (/^\d{4}-\d{2}$/.test(word)) {
    start = DateTime.fromObject({ year: Number(word.slice(0, 4)), month: Number(word.slice(5)), day: 1 }, { zone });
    if (!start.isValid) return fail(`There is no month ${word}: write it like 2026-03.`);
  } else {
    const w = word.toLowerCase();
    const i = w.length >= 3 ? MONTHS.findIndex((m) => m.startsWith(w)) : -1;
    if (i === -1) return fail(`"${word}" is not a month: write it like 2026-03 or march.`);
    start = DateTime.fromObject({ year: today.year, month: i + 1, day: 1 }, { zone });
    if (start.toMillis() > now) start = start.minus({ years: 1 });
  }
  const from = start.startOf("day").toMillis();
  if (from > now) return fail(`${monthLabel(start)} has not begun yet.`);
  const to = Math.min(now, start.plus({ months: 1 }).startOf("day").toMillis());
  return ok({ from, to, label: monthLabel(start) });
}
