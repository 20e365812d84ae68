/**
 * iCalendar text -> {@link ParsedCalendar}, read the way Google Calendar and Outlook show it.
 *
 * Why not node-ical's parser: measured on node-ical 0.26.1, its results depend on the host zone
 * (DATE values and floating times become host-local midnight / host-local clock, X-WR-TIMEZONE is
 * ignored; `TZID=Customized Time Zone` without a VTIMEZONE becomes the host zone), one duplicate
 * DTSTART makes the whole file throw, custom VTIMEZONEs are matched to the first IANA zone with
 * the same January/July offsets (an EET-like Exchange zone became `Africa/Cairo`, whose DST
 * dates differ), RDATE is never expanded, and `expandRecurringEvent` drops moved instances whose
 * new time is in the window but original time is not, returns `STATUS:CANCELLED` instances and
 * skips occurrences already under way unless `expandOngoing`. So the lexing, zone resolution
 * and recurrence handling here are our own: luxon/Intl for IANA offsets, our VTIMEZONE rules for
 * Exchange zones, rrule.js only as a calendar-arithmetic engine on wall times (see rrule-walls.ts).
 *
 * Decisions (what a user looking at their calendar app would expect):
 * - **Unparseable bodies** (no VCALENDAR, e.g. an HTML login page; or a VCALENDAR never closed,
 *   i.e. a truncated download) give `problems: [{kind: "unparseable"}]` and no events, so the
 *   caller keeps its last good copy instead of silently losing shifts.
 * - **One bad event fails alone** (`bad_event`): no or unreadable DTSTART, end before start.
 *   An invalid RRULE keeps the event as a single occurrence and reports `bad_event`. A duplicate
 *   DTSTART keeps the first.
 * - **Zones**: the file's VTIMEZONE, then IANA names (also `/mozilla.org/.../Europe/Berlin`),
 *   Windows IDs (`W. Europe Standard Time`, quoted or not), Windows display names, then the
 *   schedule's `defaultZone` with an `unknown_zone` problem. Never the host's zone.
 *   An unknown TZID is therefore read in the schedule's zone (not X-WR-TIMEZONE): the schedule's
 *   zone is configuration the operator chose; a TZID we cannot read tells us nothing.
 * - **Floating times** (no TZID, no `Z`) are read in X-WR-TIMEZONE, else the schedule's zone. A
 *   floating EXDATE/RDATE/RECURRENCE-ID on a series with a TZID is read in the series' zone.
 * - **All-day events** (DATE values) run midnight to midnight in X-WR-TIMEZONE, else the schedule's
 *   zone. Exchange's DATE-TIME RECURRENCE-ID/EXDATE on an all-day series is matched by the date
 *   it names (its own wall date; a UTC value is first converted to the series' zone).
 * - **Durations** (DTEND or DURATION) are kept on the wall clock: a Monday 09:00 -> Monday 09:00
 *   shift ends at 09:00 local even across a DST change, as calendar apps display it.
 * - **Orphan RECURRENCE-ID**: an instance whose master is not in the feed (you were invited to
 *   one instance only) is shown as a standalone event; an instance whose RECURRENCE-ID the master
 *   never generates is still shown at its own time. Both report `orphan_override`. Cancelled
 *   orphans are dropped silently.
 * - **EXDATE and an override on the same instance**: the EXDATE wins and the instance is gone
 *   (the override is dropped and reported as `orphan_override`): no calendar UI can edit an
 *   excluded instance, so the override is a leftover of "edit, then delete this occurrence".
 * - **Duplicates** of a UID (or of a UID + RECURRENCE-ID): the highest SEQUENCE wins, then the
 *   latest LAST-MODIFIED/DTSTAMP, then the last in the file. Masters may come after their
 *   instances (Google writes overrides first).
 * - **Attendees** who declined (PARTSTAT=DECLINED) are not attendees. A RECURRENCE-ID instance
 *   is complete on its own (RFC 5545) except that a missing SUMMARY is taken from the master.
 * - `RANGE=THISANDFUTURE` is treated as this instance only (Google and Outlook split the series
 *   into a new UID instead of writing it).
 * - `DTSTART` always counts as the first occurrence, even when the RRULE would not generate it
 *   (RFC 5545 §3.8.5.3).
 */
import { createZoneResolver, type ResolvedZone, type VTimezoneBlock, type ZoneResolver } from "./create-zone-resolver.js";
import { parseWallStamp } from "./custom-zone-rules.js";
import { recurrenceStarts } from "./expand-calendar.js";
import { parseIcsText, splitValues, unescapeText, type IcsComponent, type IcsProperty } from "./parse-ics-text.js";
import { parseRrule } from "./rrule-walls.js";
import type { CalendarEvent, CustomZoneDefinition, CustomZoneObservance, ParsedCalendar, ScheduleProblem } from "./schedule-types.js";
import { canonicalIanaZone, ianaRules, instantToWall, wallMidnight, wallToInstant, type TimeZoneRules } from "./zone-time.js";

/** Options for {@link parseCalendar}. */
export interface ParseCalendarOptions {
  /** The schedule's IANA zone: for floating times and all-day events without X-WR-TIMEZONE, and unknown TZIDs. */
  defaultZone: string;
}

const DAY = 86_400_000;
const UTC_ZONE: ResolvedZone = { name: "UTC", rules: ianaRules("UTC")! };

type DateValue = { kind: "date"; wall: number } | { kind: "datetime"; wall: number; utc: boolean; tzid: string | null };

/** How an event reads its own date values: zone, all-day or not, and its first start as a wall time. */
interface Frame {
  allDay: boolean;
  zone: ResolvedZone;
  startWall: number;
}

interface RawEvent {
  index: number;
  uid: string;
  recurrenceId: DateValue | null;
  /** `RECURRENCE-ID;RANGE=THISANDFUTURE`: also changes every later occurrence. */
  thisAndFuture: boolean;
  /** An instance whose end was before its start: it takes the series' length. */
  inheritsLength: boolean;
  sequence: number;
  stamp: number;
  event: CalendarEvent;
  frame: Frame;
  summaryGiven: boolean;
}

interface Ctx {
  resolver: ZoneResolver;
  floating: ResolvedZone;
  problems: ScheduleProblem[];
}

class BadEvent extends Error {}

/** What the first pass reads: VTIMEZONE blocks, X-WR-TIMEZONE, and events' DTSTART (for their years). */
const ZONE_PROPERTIES = new Set(["DTSTART", "TZID", "TZOFFSETFROM", "TZOFFSETTO", "RRULE", "RDATE", "X-LIC-LOCATION", "X-WR-TIMEZONE"]);

/** What the second pass reads from events; the lexer skips the rest (DESCRIPTION, VALARM contents...) unread. */
const EVENT_PROPERTIES = new Set([
  "ATTENDEE", "DTEND", "DTSTAMP", "DTSTART", "DURATION", "EXDATE", "LAST-MODIFIED", "RDATE", "RECURRENCE-ID", "RRULE", "SEQUENCE", "STATUS", "SUMMARY",
  "UID", "X-MICROSOFT-CDO-ALLDAYEVENT",
]);

/**
 * Parses an iCalendar feed. Never throws; see the module comment for every decision.
 * @param icsText the feed body as fetched
 * @param opts.defaultZone the schedule's IANA zone
 */
export function parseCalendar(icsText: string, opts: ParseCalendarOptions): ParsedCalendar {
  try {
    return parseOrThrow(icsText, opts);
  } catch (err) {
    return { events: [], problems: [{ kind: "unparseable", message: `Could not read the calendar: ${(err as Error).message}` }], calendarZone: null };
  }
}

function parseOrThrow(icsText: string, opts: ParseCalendarOptions): ParsedCalendar {
  // Pass 1: the calendar's zones (VTIMEZONE, X-WR-TIMEZONE), which events may name before they
  // are defined, and the years events start in; events are dropped as soon as they are seen.
  let minYear = Infinity;
  let maxYear = -Infinity;
  const doc = parseIcsText(icsText, {
    keep: (name) => ZONE_PROPERTIES.has(name),
    onComponent: (c) => {
      if (c.name !== "VEVENT") return c.name !== "VTIMEZONE";
      const m = /^(\d{4})/.exec(firstValue(c, "DTSTART") ?? "");
      if (m) {
        minYear = Math.min(minYear, Number(m[1]));
        maxYear = Math.max(maxYear, Number(m[1]));
      }
      return true;
    },
  });
  if (doc.calendars.length === 0) {
    const hint = /<html|<!doctype/i.test(icsText.slice(0, 500)) ? " (got an HTML page)" : "";
    return { events: [], problems: [{ kind: "unparseable", message: `No BEGIN:VCALENDAR found${hint}` }], calendarZone: null };
  }
  if (!doc.complete) {
    return { events: [], problems: [{ kind: "unparseable", message: "END:VCALENDAR missing: the feed looks truncated" }], calendarZone: null };
  }

  const problems: ScheduleProblem[] = [];
  let fallbackZone = canonicalIanaZone(opts.defaultZone);
  if (fallbackZone === null) {
    problems.push({ kind: "unknown_zone", message: `The schedule's zone "${opts.defaultZone}" is not an IANA zone; using UTC` });
    fallbackZone = "UTC";
  }

  const vtimezones: VTimezoneBlock[] = [];
  let wrTimezone: string | null = null;
  for (const cal of doc.calendars) {
    wrTimezone ??= firstValue(cal, "X-WR-TIMEZONE");
    for (const c of cal.components) {
      if (c.name !== "VTIMEZONE") continue;
      const block = readVTimezone(c);
      if (block) vtimezones.push(block);
    }
  }

  const customZones: Record<string, CustomZoneDefinition> = {};
  const resolver = createZoneResolver({ vtimezones, fallbackZone, years: eventYears(minYear, maxYear), problems, customZones });

  let calendarZone: string | null = null;
  let floating: ResolvedZone = { name: fallbackZone, rules: ianaRules(fallbackZone)! };
  if (wrTimezone !== null && wrTimezone.trim() !== "") {
    const z = resolver.tryResolve(wrTimezone);
    if (z) {
      floating = z;
      calendarZone = z.name;
    } else {
      problems.push({ kind: "unknown_zone", message: `X-WR-TIMEZONE "${wrTimezone}" is not a known zone; floating and all-day times use ${fallbackZone}` });
    }
  }

  const ctx: Ctx = { resolver, floating, problems };
  const raws: RawEvent[] = [];
  // Pass 2: each event is read as soon as its END:VEVENT is seen, and its text let go: a 20 MB
  // feed never exists as a whole tree of properties.
  let index = 0;
  parseIcsText(icsText, {
    keep: (name) => EVENT_PROPERTIES.has(name),
    onComponent: (comp) => {
      if (comp.name !== "VEVENT") return true;
      const uid = firstValue(comp, "UID")?.trim() || `calpage-no-uid-${index}`;
      try {
        raws.push(readEvent(comp, uid, index, ctx));
      } catch (err) {
        if (!(err instanceof BadEvent)) throw err;
        problems.push({ kind: "bad_event", uid, message: err.message });
      }
      index++;
      return true;
    },
  });

  const events = assemble(raws, ctx);
  const result: ParsedCalendar = { events, problems, calendarZone };
  if (Object.keys(customZones).length > 0) result.customZones = customZones;
  return result;
}

function firstProp(comp: IcsComponent, name: string): IcsProperty | undefined {
  return comp.properties.find((p) => p.name === name);
}

function firstValue(comp: IcsComponent, name: string): string | null {
  return firstProp(comp, name)?.value ?? null;
}

function allProps(comp: IcsComponent, name: string): IcsProperty[] {
  return comp.properties.filter((p) => p.name === name);
}

function eventYears(min: number, max: number): { from: number; to: number } {
  if (!Number.isFinite(min)) return { from: 2000, to: 2040 };
  const from = Math.max(1970, min);
  return { from, to: Math.max(from, max) + 10 };
}

function parseOffset(value: string | null): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec((value ?? "").trim());
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

function readVTimezone(comp: IcsComponent): VTimezoneBlock | null {
  const tzid = firstValue(comp, "TZID")?.replace(/"/g, "").trim();
  if (!tzid) return null;
  const observances: CustomZoneObservance[] = [];
  for (const sub of comp.components) {
    if (sub.name !== "STANDARD" && sub.name !== "DAYLIGHT") continue;
    const start = firstValue(sub, "DTSTART")?.trim();
    const offsetFrom = parseOffset(firstValue(sub, "TZOFFSETFROM"));
    const offsetTo = parseOffset(firstValue(sub, "TZOFFSETTO"));
    if (!start || parseWallStamp(start) === null || offsetTo === null) continue;
    const rdates = allProps(sub, "RDATE").flatMap((p) => splitValues(p.value)).filter((v) => parseWallStamp(v) !== null);
    observances.push({ kind: sub.name, start, offsetFrom: offsetFrom ?? offsetTo, offsetTo, rrule: firstValue(sub, "RRULE"), rdates });
  }
  const location = firstValue(comp, "X-LIC-LOCATION")?.trim() || null;
  return { def: { tzid, observances }, location };
}

/** Parses a DATE or DATE-TIME value (also tolerating `YYYY-MM-DDTHH:MM:SS` and missing seconds). */
function parseDateValue(raw: string, params: Record<string, string>): DateValue | null {
  const value = raw.trim().toUpperCase();
  const d = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  if (d || params.VALUE?.toUpperCase() === "DATE") {
    const m = d ?? /^(\d{4})(\d{2})(\d{2})/.exec(value);
    if (!m) return null;
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return validDate(wall, m) ? { kind: "date", wall } : null;
  }
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2})(?::?(\d{2}))?(?:\.\d+)?(Z)?$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (!validDate(wall, m) || Number(m[4]) > 24 || Number(m[5]) > 59) return null;
  const tzid = params.TZID?.trim() || null;
  return { kind: "datetime", wall, utc: m[7] === "Z", tzid: m[7] === "Z" ? null : tzid };
}

function validDate(wall: number, m: RegExpExecArray): boolean {
  const dt = new Date(wall);
  return dt.getUTCFullYear() === Number(m[1]) && dt.getUTCMonth() === Number(m[2]) - 1 && dt.getUTCDate() === Number(m[3]);
}

/** Nominal duration (RFC 5545 §3.3.6) in wall-clock milliseconds. */
function parseDuration(raw: string): number | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(raw.trim().toUpperCase());
  if (!m || raw.trim().toUpperCase().replace(/^[+-]/, "") === "P" || /T$/.test(raw.trim())) return null;
  const ms = ((Number(m[2] ?? 0) * 7 + Number(m[3] ?? 0)) * 86400 + Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0)) * 1000;
  return m[1] === "-" ? -ms : ms;
}

function zoneOfValue(v: Extract<DateValue, { kind: "datetime" }>, ctx: Ctx, uid: string, floating: ResolvedZone): ResolvedZone {
  if (v.utc) return UTC_ZONE;
  if (v.tzid !== null) return ctx.resolver.resolve(v.tzid, uid);
  return floating;
}

/**
 * The occurrence start that a RECURRENCE-ID, EXDATE or RDATE value names, in the frame of the
 * series it belongs to (see the module comment for DATE vs DATE-TIME on all-day series).
 */
function occurrenceInstant(v: DateValue, frame: Frame, ctx: Ctx, uid: string): number {
  const rules = frame.zone.rules;
  if (frame.allDay) {
    let wallDate: number;
    if (v.kind === "date") wallDate = v.wall;
    else if (v.utc) wallDate = wallMidnight(instantToWall(v.wall, rules));
    else wallDate = wallMidnight(v.wall);
    return wallToInstant(wallDate, rules);
  }
  if (v.kind === "date") return wallToInstant(v.wall + (frame.startWall - wallMidnight(frame.startWall)), rules);
  return wallToInstant(v.wall, zoneOfValue(v, ctx, uid, frame.zone).rules);
}

function readAttendees(comp: IcsComponent): string[] {
  const out = new Set<string>();
  for (const p of allProps(comp, "ATTENDEE")) {
    if (p.params.PARTSTAT?.toUpperCase() === "DECLINED") continue;
    const email = (p.params.EMAIL ?? p.value.replace(/^mailto:/i, "")).trim().toLowerCase();
    if (/^[^\s@]+@[^\s@]+$/.test(email)) out.add(email);
  }
  return [...out].sort();
}

function readEvent(comp: IcsComponent, uid: string, index: number, ctx: Ctx): RawEvent {
  const dtstarts = allProps(comp, "DTSTART");
  const dtstart = dtstarts[0];
  if (!dtstart) throw new BadEvent("Event has no DTSTART");
  if (dtstarts.length > 1) ctx.problems.push({ kind: "bad_event", uid, message: "Event has several DTSTARTs; the first is used" });
  const sv = parseDateValue(dtstart.value, dtstart.params);
  if (!sv) throw new BadEvent(`Unreadable DTSTART "${dtstart.value}"`);

  const msAllDay = firstValue(comp, "X-MICROSOFT-CDO-ALLDAYEVENT")?.trim().toUpperCase() === "TRUE";
  const frame: Frame =
    sv.kind === "date"
      ? { allDay: true, zone: ctx.floating, startWall: sv.wall }
      : { allDay: false, zone: zoneOfValue(sv, ctx, uid, ctx.floating), startWall: sv.wall };
  const rules = frame.zone.rules;
  const start = wallToInstant(frame.startWall, rules);
  // Keep the wall time as the zone shows it (a 02:30 start on a spring-forward night shows as 03:30).
  frame.startWall = instantToWall(start, rules);

  const ridProp = firstProp(comp, "RECURRENCE-ID");
  let recurrenceId: DateValue | null = null;
  if (ridProp) {
    recurrenceId = parseDateValue(ridProp.value, ridProp.params);
    if (!recurrenceId) throw new BadEvent(`Unreadable RECURRENCE-ID "${ridProp.value}"`);
  }

  let end = readEnd(comp, frame, start, rules, ctx, uid);
  let inheritsLength = false;
  if (end === null) {
    // An instance of a series that ends before it starts is still moved (its RECURRENCE-ID says the
    // original time is gone) and keeps the series' length; a single event cannot be read.
    if (!recurrenceId) throw new BadEvent("Event ends before it starts");
    ctx.problems.push({ kind: "bad_event", uid, message: `Instance ${ridProp!.value.trim()} ends before it starts; it keeps the series' length` });
    inheritsLength = true;
    end = start;
  }

  const rrules: string[] = [];
  for (const p of allProps(comp, "RRULE")) {
    const text = p.value.trim();
    try {
      const parsed = parseRrule(text);
      if (parsed.ignored.length > 0) {
        ctx.problems.push({ kind: "bad_event", uid, message: `RRULE "${text}": ignored ${parsed.ignored.map((x) => `"${x}"`).join(", ")}; the rest of the rule is used` });
      }
      if (!rrules.includes(text)) rrules.push(text);
    } catch (err) {
      ctx.problems.push({ kind: "bad_event", uid, message: `Invalid RRULE "${text}" (${(err as Error).message}); ignored` });
    }
  }

  const exdates: Date[] = [];
  for (const p of allProps(comp, "EXDATE")) {
    for (const v of splitValues(p.value)) {
      const dv = parseDateValue(v, p.params);
      if (dv) exdates.push(new Date(occurrenceInstant(dv, frame, ctx, uid)));
      else ctx.problems.push({ kind: "bad_event", uid, message: `Unreadable EXDATE "${v}" ignored` });
    }
  }

  const summaryProp = firstProp(comp, "SUMMARY");
  const event: CalendarEvent = {
    uid,
    summary: summaryProp ? unescapeText(summaryProp.value).trim() : "",
    attendees: readAttendees(comp),
    start: new Date(start),
    end: new Date(end),
    allDay: frame.allDay || msAllDay,
    zone: frame.zone.name,
    rrules,
    exdates,
    rdates: [],
    overrides: new Map(),
    cancelled: firstValue(comp, "STATUS")?.trim().toUpperCase() === "CANCELLED",
  };

  for (const p of allProps(comp, "RDATE")) {
    for (const v of splitValues(p.value)) {
      const [first, second] = v.split("/");
      const dv = parseDateValue(first ?? "", p.params.VALUE?.toUpperCase() === "PERIOD" ? { ...p.params, VALUE: "DATE-TIME" } : p.params);
      if (!dv) {
        ctx.problems.push({ kind: "bad_event", uid, message: `Unreadable RDATE "${v}" ignored` });
        continue;
      }
      const at = occurrenceInstant(dv, frame, ctx, uid);
      event.rdates.push(new Date(at));
      if (second !== undefined) {
        const periodEnd = readPeriodEnd(second, dv, at, frame, ctx, uid);
        if (periodEnd !== null && periodEnd >= at) {
          event.overrides.set(new Date(at).toISOString(), { ...event, start: new Date(at), end: new Date(periodEnd), rrules: [], exdates: [], rdates: [], overrides: new Map() });
        }
      }
    }
  }

  const seq = Number(firstValue(comp, "SEQUENCE") ?? 0);
  const stampProp = firstProp(comp, "LAST-MODIFIED") ?? firstProp(comp, "DTSTAMP");
  const stampValue = stampProp ? parseDateValue(stampProp.value, {}) : null;
  return {
    index,
    uid,
    recurrenceId,
    thisAndFuture: ridProp?.params.RANGE?.trim().toUpperCase() === "THISANDFUTURE",
    inheritsLength,
    sequence: Number.isFinite(seq) ? seq : 0,
    stamp: stampValue?.wall ?? 0,
    event,
    frame,
    summaryGiven: summaryProp !== undefined,
  };
}

/** The end instant, or null when it is before the start. */
function readEnd(comp: IcsComponent, frame: Frame, start: number, rules: TimeZoneRules, ctx: Ctx, uid: string): number | null {
  const dtend = firstProp(comp, "DTEND");
  const durationProp = firstProp(comp, "DURATION");
  let end: number;
  if (dtend) {
    const ev = parseDateValue(dtend.value, dtend.params);
    if (!ev) throw new BadEvent(`Unreadable DTEND "${dtend.value}"`);
    if (ev.kind === "date") end = wallToInstant(ev.wall, rules);
    else end = wallToInstant(ev.wall, zoneOfValue(ev, ctx, uid, frame.zone).rules);
  } else if (durationProp) {
    const ms = parseDuration(durationProp.value);
    if (ms === null) throw new BadEvent(`Unreadable DURATION "${durationProp.value}"`);
    end = wallToInstant(frame.startWall + ms, rules);
  } else {
    end = frame.allDay ? wallToInstant(frame.startWall + DAY, rules) : start;
  }
  if (end < start) return null;
  if (frame.allDay && end === start) end = wallToInstant(frame.startWall + DAY, rules);
  return end;
}

function readPeriodEnd(second: string, startValue: DateValue, at: number, frame: Frame, ctx: Ctx, uid: string): number | null {
  const dur = parseDuration(second);
  if (dur !== null) return wallToInstant(instantToWall(at, frame.zone.rules) + dur, frame.zone.rules);
  const ev = parseDateValue(second, {});
  if (!ev || ev.kind !== "datetime") return null;
  const zone = ev.utc ? UTC_ZONE : startValue.kind === "datetime" && startValue.tzid ? ctx.resolver.resolve(startValue.tzid, uid) : frame.zone;
  return wallToInstant(ev.wall, zone.rules);
}

/** Later SEQUENCE, then later LAST-MODIFIED/DTSTAMP, then later in the file. */
function newer(a: RawEvent, b: RawEvent): boolean {
  if (a.sequence !== b.sequence) return a.sequence > b.sequence;
  if (a.stamp !== b.stamp) return a.stamp > b.stamp;
  return a.index > b.index;
}

function assemble(raws: RawEvent[], ctx: Ctx): CalendarEvent[] {
  const masters = new Map<string, RawEvent>();
  const instances: RawEvent[] = [];
  for (const r of raws) {
    if (r.recurrenceId) {
      instances.push(r);
      continue;
    }
    const prev = masters.get(r.uid);
    if (!prev || newer(r, prev)) masters.set(r.uid, r);
  }

  const chosen = new Map<string, { raw: RawEvent; key: string }>();
  const standalone: RawEvent[] = [];
  for (const inst of instances) {
    const master = masters.get(inst.uid);
    if (!master) {
      if (inst.inheritsLength) {
        ctx.problems.push({ kind: "bad_event", uid: inst.uid, message: `Moved/changed instance "${inst.event.summary}" ends before it starts and has no recurring event in the feed; ignored` });
      } else if (!inst.event.cancelled) {
        ctx.problems.push({ kind: "orphan_override", uid: inst.uid, message: `Moved/changed instance "${inst.event.summary}" has no recurring event in the feed; shown as a single event` });
        standalone.push(inst);
      }
      continue;
    }
    const key = new Date(occurrenceInstant(inst.recurrenceId!, master.frame, ctx, inst.uid)).toISOString();
    const id = `${inst.uid}\u0000${key}`;
    const prev = chosen.get(id);
    if (!prev || newer(inst, prev.raw)) chosen.set(id, { raw: inst, key });
  }

  for (const { raw: inst, key } of chosen.values()) {
    const masterRaw = masters.get(inst.uid)!;
    const master = masterRaw.event;
    if (inst.inheritsLength) {
      const rules = masterRaw.frame.zone.rules;
      const length = instantToWall(master.end.getTime(), rules) - instantToWall(master.start.getTime(), rules);
      inst.event.end = new Date(wallToInstant(instantToWall(inst.event.start.getTime(), rules) + length, rules));
    }
    const override: CalendarEvent | "cancelled" = inst.event.cancelled
      ? "cancelled"
      : { ...inst.event, rrules: [], exdates: [], rdates: [], overrides: new Map(), ...(inst.summaryGiven ? {} : { summary: master.summary }) };
    if (inst.thisAndFuture) {
      master.futureOverrides = [...(master.futureOverrides ?? []), { from: new Date(key), event: override }].sort((a, b) => a.from.getTime() - b.from.getTime());
    }
    const excluded = master.exdates.some((d) => d.getTime() === Date.parse(key));
    if (excluded) {
      if (!inst.event.cancelled) {
        ctx.problems.push({ kind: "orphan_override", uid: inst.uid, message: `Instance ${key} is both changed and excluded (EXDATE); the EXDATE wins and the instance is off` });
      }
      continue;
    }
    master.overrides.set(key, override);
    if (override === "cancelled") continue;
    if (!generates(master, masterRaw.frame.zone.rules, Date.parse(key))) {
      ctx.problems.push({ kind: "orphan_override", uid: inst.uid, message: `RECURRENCE-ID ${key} is not an occurrence of the series; the instance is shown at its own time` });
    }
  }

  const events = [...masters.values()].sort((a, b) => a.index - b.index).map((r) => r.event);
  for (const s of standalone) events.push({ ...s.event, rrules: [], exdates: [], rdates: [], overrides: new Map() });
  return events;
}

/** Whether the series produces an occurrence starting exactly at `at` (ignoring EXDATEs). */
function generates(master: CalendarEvent, rules: TimeZoneRules, at: number): boolean {
  let found = false;
  recurrenceStarts(master, rules, at, at + 1, 50_000, (ms) => {
    if (ms === at) found = true;
  });
  return found;
}
