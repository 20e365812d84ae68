import { DateTime } from "luxon";

// Tokens are spelled out, so the locale only matters for names; pin it so output
// never depends on the host.
const LOCALE = "en-US";
// Intl knows a zone's abbreviation only in locales where it is customary
// (CET in en-GB, EST in en-US, AEST in en-AU, IST in en-IN); ask them in turn.
const ABBREVIATION_LOCALES = ["en-US", "en-GB", "en-AU", "en-IN"] as const;

function inZone(at: Date, timezone: string): DateTime {
  const dt = DateTime.fromJSDate(at, { zone: timezone });
  // A bad zone is a config error caught elsewhere; showing UTC (labelled) beats "Invalid DateTime".
  return (dt.isValid ? dt : DateTime.fromJSDate(at, { zone: "UTC" })).setLocale(LOCALE);
}

/** `CET`, `EDT`, `UTC`; `UTC+9` / `UTC+5:30` where no abbreviation is customary. */
export function zoneAbbreviation(dt: DateTime): string {
  for (const locale of ABBREVIATION_LOCALES) {
    const name = dt.setLocale(locale).offsetNameShort;
    if (name && !/^(GMT|UTC)[+-−]/.test(name)) return name;
  }
  return dt.offset === 0 ? "UTC" : `UTC${dt.toFormat("Z")}`;
}

/** `14:03 CET`: wall-clock time in `timezone`. */
export function formatClock(at: Date, timezone: string): string {
  if (Number.isNaN(at.getTime())) return "unknown time";
  const dt = inZone(at, timezone);
  return `${dt.toFormat("HH:mm")} ${zoneAbbreviation(dt)}`;
}

/** `Tue 4 Mar, 14:03 CET`; the year is added when it differs from `reference`'s. */
export function formatDateTime(at: Date, timezone: string, reference: Date = at): string {
  if (Number.isNaN(at.getTime())) return "unknown time";
  const dt = inZone(at, timezone);
  const sameYear = Number.isNaN(reference.getTime()) || inZone(reference, timezone).year === dt.year;
  const day = dt.toFormat(sameYear ? "ccc d LLL" : "ccc d LLL yyyy");
  return `${day}, ${dt.toFormat("HH:mm")} ${zoneAbbreviation(dt)}`;
}

/**
 * The clock time alone when `at` falls on the same local day as `reference`
 * (`14:03 CET`), else with the date (`Wed 5 Mar, 02:00 CET`), so times next to an
 * alert's start read short but never ambiguous.
 */
export function formatTimeNear(at: Date, reference: Date, timezone: string): string {
  if (Number.isNaN(at.getTime()) || Number.isNaN(reference.getTime())) return formatDateTime(at, timezone);
  const a = inZone(at, timezone);
  const r = inZone(reference, timezone);
  return a.hasSame(r, "day") ? formatClock(at, timezone) : formatDateTime(at, timezone, reference);
}
