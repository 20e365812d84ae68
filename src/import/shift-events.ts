import { DateTime, type DurationLikeObject } from "luxon";
import type { OncallShift } from "./grafana-oncall-types.js";

/**
 * Grafana OnCall on-call shifts (calendar- and web-type schedules) as iCal events calpage reads:
 * one event per person, with the RRULE OnCall itself would put in its iCal export
 * (engine/apps/schedules/models/custom_on_call_shift.py, `convert_to_ical`).
 */

export interface ShiftEvent {
  uid: string;
  /** In the shift's zone. */
  start: DateTime;
  end: DateTime;
  rrule: string | null;
  summary: string;
}

const FREQ: Record<string, { rule: string; unit: keyof DurationLikeObject }> = {
  hourly: { rule: "HOURLY", unit: "hours" },
  daily: { rule: "DAILY", unit: "days" },
  weekly: { rule: "WEEKLY", unit: "weeks" },
  monthly: { rule: "MONTHLY", unit: "months" },
};
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
/** Most events one rotation may become (daily rotations on chosen weekdays repeat after lcm(groups × interval, days) days). */
const MAX_PATTERN = 400;
/** Bound on walking a rotation forward to its rotation_start. */
const MAX_STEPS = 100_000;

/**
 * The events of one shift. `person` gives the SUMMARY text of an OnCall user id (null: unknown).
 * Problems (what could not be carried and why) go to `report`.
 */
export function shiftEvents(shift: OncallShift, zone: string, person: (userId: string) => string | null, report: (message: string) => void): ShiftEvent[] {
  const what = `shift "${shift.name ?? shift.id}" (${shift.id})`;
  const start = DateTime.fromISO(shift.start, { zone: shift.time_zone ?? zone });
  if (!start.isValid) {
    report(`${what}: its start ${JSON.stringify(shift.start)} is not a date and time; not carried over`);
    return [];
  }
  if (!(shift.duration > 0)) {
    report(`${what}: its duration ${JSON.stringify(shift.duration)} is not a positive number of seconds; not carried over`);
    return [];
  }
  const level = Math.max(0, Math.trunc(shift.level ?? 0));
  if (level > 9 && shift.type !== "override") report(`${what}: level ${level} is written as [L9], calpage's highest level`);
  const prefix = shift.type === "override" || level === 0 ? "" : `[L${Math.min(level, 9)}] `;
  const duration = { seconds: shift.duration };
  const until = shift.until ? DateTime.fromISO(shift.until, { zone: "UTC" }) : null;

  const names = (ids: readonly string[]): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      const name = person(id);
      if (name === null) report(`${what}: user ${id} is not among the users read; left out of the shift`);
      else out.push(name);
    }
    return out;
  };
  const events = (groupStart: DateTime, people: string[], rrule: string | null, tag: string): ShiftEvent[] =>
    people.map((summary, j) => ({
      uid: `${shift.id}-${tag}-U${j + 1}@grafana-oncall-import`,
      start: groupStart,
      end: until !== null && rrule === null ? DateTime.min(groupStart.plus(duration), until.setZone(groupStart.zone)) : groupStart.plus(duration),
      rrule,
      summary: `${prefix}${summary}`,
    }));

  if (shift.type === "single_event" || shift.type === "override") {
    const people = names(shift.users ?? []);
    if (people.length === 0) report(`${what}: nobody on it; not carried over`);
    return events(start, people, null, "E1");
  }
  if (shift.type !== "recurrent_event" && shift.type !== "rolling_users") {
    report(`${what}: unknown shift type ${JSON.stringify(shift.type)}; not carried over`);
    return [];
  }
  if (shift.frequency === null || shift.frequency === undefined) {
    // Without a frequency OnCall shows it once (a rotation: its first group only).
    const people = names(shift.type === "rolling_users" ? (shift.rolling_users?.[Math.trunc(shift.start_rotation_from_user_index ?? 0)] ?? shift.rolling_users?.[0] ?? []) : (shift.users ?? []));
    if (people.length === 0) report(`${what}: nobody on it; not carried over`);
    return events(start, people, null, "E1");
  }
  const freq = FREQ[shift.frequency];
  if (freq === undefined) {
    report(`${what}: unknown frequency ${JSON.stringify(shift.frequency)}; not carried over`);
    return [];
  }
  const interval = Math.max(1, Math.trunc(shift.interval ?? 1));
  const byDay = (shift.by_day ?? []).filter((d) => DAYS.includes(d));
  const rule = (freqRule: string, every: number, days: readonly string[]) =>
    [
      `FREQ=${freqRule}`,
      ...(every > 1 ? [`INTERVAL=${every}`] : []),
      ...(days.length > 0 ? [`BYDAY=${days.join(",")}`] : []),
      ...(shift.by_month?.length ? [`BYMONTH=${shift.by_month.join(",")}`] : []),
      ...(shift.by_monthday?.length ? [`BYMONTHDAY=${shift.by_monthday.join(",")}`] : []),
      ...(freqRule === "WEEKLY" && shift.week_start && DAYS.includes(shift.week_start) ? [`WKST=${shift.week_start}`] : []),
      ...(until !== null ? [`UNTIL=${until.toFormat("yyyyMMdd'T'HHmmss'Z'")}`] : []),
    ].join(";");

  if (shift.type === "recurrent_event") {
    const people = names(shift.users ?? []);
    if (people.length === 0) report(`${what}: nobody on it; not carried over`);
    return events(start, people, rule(freq.rule, interval, byDay), "E1");
  }

  // rolling_users: group k takes every n-th rotation, starting at the k-th.
  const rolling = shift.rolling_users ?? [];
  const from = Math.trunc(shift.start_rotation_from_user_index ?? 0) % Math.max(1, rolling.length);
  const queue = [...rolling.slice(from), ...rolling.slice(0, from)];
  const n = queue.length;
  if (n === 0) {
    report(`${what}: nobody on the rotation; not carried over`);
    return [];
  }
  const rotationStart = shift.rotation_start ? DateTime.fromISO(shift.rotation_start, { zone: start.zone }) : null;
  /** Moves a group's first event forward by whole cycles until it ends after rotation_start (OnCall does not show earlier ones). */
  const fromRotationStart = (first: DateTime, cycle: DurationLikeObject): DateTime => {
    let s = first;
    for (let i = 0; rotationStart !== null && i < MAX_STEPS && s.plus(duration) <= rotationStart; i++) s = s.plus(cycle);
    return s;
  };
  const out: ShiftEvent[] = [];

  if (freq.rule === "DAILY" && byDay.length > 0) {
    // Every chosen day is the next group's (OnCall's `_daily_by_day_to_ical`): the pattern repeats after
    // lcm(n × interval, days per week) such days, i.e. every that many / days-per-week weeks.
    const pattern = lcm(n * interval, byDay.length);
    if (pattern > MAX_PATTERN) {
      report(`${what}: a daily rotation of ${n} groups on ${byDay.length} weekdays repeats only after ${pattern} days; not carried over`);
      return [];
    }
    const weeks = pattern / byDay.length;
    let day = start;
    for (let j = 0, guard = 0; j < pattern && guard < pattern * 7 + 7; guard++, day = day.plus({ days: 1 })) {
      const weekday = DAYS[day.weekday - 1]!;
      if (!byDay.includes(weekday)) continue;
      const group = Math.floor(j / interval) % n;
      const people = names(queue[group]!);
      out.push(...events(fromRotationStart(day, { weeks }), people, rule("WEEKLY", weeks, [weekday]), `G${group + 1}D${j + 1}`));
      j++;
    }
    return out;
  }

  const step = (k: number): DurationLikeObject => ({ [freq.unit]: k * interval });
  // A weekly rotation on chosen days hands over at the start of the week (WKST), like OnCall.
  const weekStart = DAYS.indexOf(shift.week_start ?? "SU") + 1;
  const weekBegin = (d: DateTime) => d.minus({ days: (d.weekday - weekStart + 7) % 7 });
  const firstChosenDay = (d: DateTime) => {
    let s = d;
    for (let i = 0; i < 7 && byDay.length > 0 && !byDay.includes(DAYS[s.weekday - 1]!); i++) s = s.plus({ days: 1 });
    return s;
  };
  for (let k = 0; k < n; k++) {
    let groupStart: DateTime = start.plus(step(k));
    if (freq.rule === "WEEKLY" && byDay.length > 0) groupStart = firstChosenDay(k === 0 ? start : weekBegin(start).plus(step(k)));
    groupStart = fromRotationStart(groupStart, step(n));
    if (until !== null && groupStart > until) continue;
    out.push(...events(groupStart, names(queue[k]!), rule(freq.rule, n * interval, byDay), `G${k + 1}`));
  }
  return out;
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

/** An iCalendar text (RFC 5545) with these events; times are written in their zone (UTC as `…Z`). */
export function writeIcs(calendarName: string, zone: string, events: readonly ShiftEvent[], now: Date): string {
  const stamp = DateTime.fromJSDate(now, { zone: "UTC" }).toFormat("yyyyMMdd'T'HHmmss'Z'");
  const time = (name: string, d: DateTime) =>
    d.zone.name === "UTC" || d.zone.name === "Etc/UTC" ? `${name}:${d.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}` : `${name};TZID=${d.zone.name}:${d.toFormat("yyyyMMdd'T'HHmmss")}`;
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calpage//import grafana-oncall//EN", "CALSCALE:GREGORIAN", `X-WR-CALNAME:${escapeText(calendarName)}`, `X-WR-TIMEZONE:${zone}`];
  for (const e of events) {
    lines.push("BEGIN:VEVENT", `UID:${e.uid}`, `DTSTAMP:${stamp}`, time("DTSTART", e.start), time("DTEND", e.end));
    if (e.rrule !== null) lines.push(`RRULE:${e.rrule}`);
    lines.push(`SUMMARY:${escapeText(e.summary)}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}

function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

function fold(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, "utf8");
    if (octets + size > (out.length === 0 ? 75 : 74)) {
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
