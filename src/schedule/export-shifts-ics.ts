import { createHash } from "node:crypto";
import type { ScheduleUser, Shift } from "./schedule-types.js";

/** Options for {@link exportShiftsIcs}. */
export interface ExportShiftsIcsOptions {
  /** Schedule identity; with each shift's start it makes the stable UID. */
  scheduleName: string;
  /** Shown by calendar apps as the calendar's name (X-WR-CALNAME). */
  calendarName: string;
  /** DTSTAMP of every event (pure code takes `now` as a parameter). */
  now: Date;
  /** When given, SUMMARY shows names instead of emails. */
  users?: ScheduleUser[];
  /** UID of a shift; default {@link shiftUid} of `scheduleName` and the shift's start. */
  uid?: (shift: Shift) => string;
  /** SUMMARY of a shift; default `On call: <people>`. */
  summary?: (shift: Shift) => string;
  /** Events published before and gone since: written with `STATUS:CANCELLED` so subscribed calendars drop them. */
  cancelled?: CancelledExportEvent[];
}

/** An event an earlier export published and the schedule no longer has. */
export interface CancelledExportEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
}

/** The UID a shift of `scheduleName` starting at `start` gets: the same in every export. */
export function shiftUid(scheduleName: string, start: Date): string {
  const scheduleHash = createHash("sha256").update(scheduleName).digest("hex").slice(0, 16);
  return `${utcStamp(start)}-${scheduleHash}@calpage`;
}

/** `20260330T070000Z` */
function utcStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1). */
function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, "utf8");
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = "";
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

/**
 * The final schedule as an iCalendar feed (for `GET /ical/...ics`): one VEVENT per shift, times
 * in UTC, UID = hash of the schedule name + shift start (stable across exports, so calendar apps
 * update events in place), DTSTAMP = `now`. SUMMARY lists the people, DESCRIPTION the reasons.
 * `cancelled` events follow the shifts, with `STATUS:CANCELLED`.
 */
export function exportShiftsIcs(shifts: Shift[], opts: ExportShiftsIcsOptions): string {
  const names = new Map((opts.users ?? []).map((u) => [u.email.toLowerCase(), u.name]));
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//calpage//calpage on-call schedule//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(opts.calendarName)}`,
    "X-WR-TIMEZONE:UTC",
  ];
  for (const s of shifts) {
    const who = s.users.map((e) => names.get(e) ?? e);
    const why = s.reasons.map((r) => `${names.get(r.userEmail) ?? r.userEmail}: ${r.source} L${r.level} "${r.summary}"`);
    lines.push(
      "BEGIN:VEVENT",
      `UID:${opts.uid ? opts.uid(s) : shiftUid(opts.scheduleName, s.start)}`,
      `DTSTAMP:${utcStamp(opts.now)}`,
      `DTSTART:${utcStamp(s.start)}`,
      `DTEND:${utcStamp(s.end)}`,
      `SUMMARY:${escapeText(opts.summary ? opts.summary(s) : `On call: ${who.join(", ")}`)}`,
      ...(why.length > 0 ? [`DESCRIPTION:${escapeText(why.join("\n"))}`] : []),
      "STATUS:CONFIRMED",
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  for (const c of opts.cancelled ?? []) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${c.uid}`,
      `DTSTAMP:${utcStamp(opts.now)}`,
      `DTSTART:${utcStamp(c.start)}`,
      `DTEND:${utcStamp(c.end)}`,
      `SUMMARY:${escapeText(c.summary)}`,
      "STATUS:CANCELLED",
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}
