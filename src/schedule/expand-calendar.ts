import { customZone } from "./custom-zone-rules.js";
import { FIXED_PERIOD_MS, iterateRruleWalls, parseRrule, type ParsedRrule } from "./rrule-walls.js";
import type { CalendarEvent, FutureOverride, Occurrence, ParsedCalendar, ScheduleProblem } from "./schedule-types.js";
import { ianaRules, instantToWall, wallToInstant, type TimeZoneRules } from "./zone-time.js";

/** Options for {@link expandCalendar}. */
export interface ExpandCalendarOptions {
  /** Most occurrences generated per event, and most returned in total. Default 50,000. */
  maxOccurrences?: number;
  /** Recorded on every occurrence. Default `"primary"`. */
  source?: "primary" | "overrides";
  /** Receives `expansion_capped` (and `unknown_zone` for hand-built events) problems. */
  problems?: ScheduleProblem[];
}

const DAY = 86_400_000;
export const DEFAULT_MAX_OCCURRENCES = 50_000;

/** Offset rules for an event's `zone`: the calendar's custom VTIMEZONE zones first, then IANA. */
export function zoneRulesFor(zone: string, cal: Pick<ParsedCalendar, "customZones">): TimeZoneRules | null {
  const def = cal.customZones?.[zone];
  if (def) return customZone(def).rules;
  return ianaRules(zone);
}

/**
 * Calls `visit` with the start of every occurrence the series generates (DTSTART, RRULEs, RDATE;
 * before EXDATEs and overrides, possibly repeated, not in order across rules) that could overlap
 * [fromMs, toMs). Iterates at most `budget` RRULE occurrences in all, counting those before the window.
 *
 * DTSTART is the first occurrence (RFC 5545) unless every RRULE ends (UNTIL) before it: then the
 * series has no occurrences but its RDATEs, as calendar apps show it.
 *
 * Rules without COUNT and with a fixed-length FREQ (weekly or finer) are fast-forwarded to just
 * before the window by whole multiples of INTERVAL periods, which generates exactly the same
 * occurrences there: a daily rota started in 2015 costs the same as one started last week.
 */
export function recurrenceStarts(
  ev: CalendarEvent,
  rules: TimeZoneRules,
  fromMs: number,
  toMs: number,
  budget: number,
  visit: (startMs: number) => void,
): { capped: boolean } {
  const startMs = ev.start.getTime();
  const startWall = instantToWall(startMs, rules);
  const durWall = Math.max(0, instantToWall(ev.end.getTime(), rules) - startWall);
  const parsed: Array<{ rule: ParsedRrule; untilWall: number | null }> = [];
  for (const text of ev.rrules) {
    let rule: ParsedRrule;
    try {
      rule = parseRrule(text);
    } catch {
      continue;
    }
    let untilWall: number | null = null;
    if (rule.until?.kind === "utc") untilWall = instantToWall(rule.until.epochMs, rules);
    else if (rule.until?.kind === "local") untilWall = rule.until.wall;
    else if (rule.until?.kind === "date") untilWall = ev.allDay ? rule.until.wall : rule.until.wall + DAY - 1000;
    parsed.push({ rule, untilWall });
  }
  const live = parsed.filter((p) => p.untilWall === null || p.untilWall >= startWall);
  if (parsed.length === 0 || live.length > 0) visit(startMs);
  for (const d of ev.rdates) visit(d.getTime());

  const lowWall = fromMs - durWall - 2 * DAY;
  const highWall = toMs + 2 * DAY;
  let used = 0;
  let capped = false;
  for (const { rule, untilWall } of live) {
    if (capped) break;
    let anchor = startWall;
    const unit = FIXED_PERIOD_MS[rule.freq];
    if (rule.count === null && unit !== undefined && anchor < lowWall) {
      const period = unit * rule.interval;
      anchor += Math.floor((lowWall - anchor) / period) * period;
    }
    iterateRruleWalls(rule, anchor, untilWall, (wall) => {
      if (wall > highWall) return false;
      if (++used > budget) {
        capped = true;
        return false;
      }
      if (wall >= lowWall) visit(wallToInstant(wall, rules));
      return true;
    });
  }
  return { capped };
}

/** The `RANGE=THISANDFUTURE` instance that governs an occurrence originally at `ms`: the latest one at or before it. */
function futureOverrideAt(ev: CalendarEvent, ms: number): FutureOverride | null {
  let found: FutureOverride | null = null;
  for (const f of ev.futureOverrides ?? []) {
    if (f.from.getTime() <= ms) found = f;
    else break;
  }
  return found;
}

/**
 * Every occurrence overlapping [from, to) — including ones that started before `from` and are
 * still running — with EXDATEs removed, RECURRENCE-ID instances applied (moved ones appear at
 * their new time, cancelled ones not at all; an EXDATE beats an override) and cancelled events
 * skipped. Occurrences keep their wall-clock duration. Sorted by start, end, uid.
 *
 * Never hangs: each event generates at most `maxOccurrences`, and at most that many are returned;
 * hitting either limit reports `expansion_capped` into `opts.problems`.
 */
export function expandCalendar(cal: ParsedCalendar, from: Date, to: Date, opts: ExpandCalendarOptions = {}): Occurrence[] {
  const max = opts.maxOccurrences ?? DEFAULT_MAX_OCCURRENCES;
  const source = opts.source ?? "primary";
  const report = (p: ScheduleProblem) => opts.problems?.push(p);
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const out: Occurrence[] = [];
  if (!(toMs > fromMs)) return out;

  for (const ev of cal.events) {
    if (ev.cancelled) continue;
    let rules = zoneRulesFor(ev.zone, cal);
    if (!rules) {
      report({ kind: "unknown_zone", uid: ev.uid, message: `Event zone "${ev.zone}" is unknown; expanded in UTC` });
      rules = ianaRules("UTC")!;
    }
    const zoneRules = rules;
    const excluded = new Set(ev.exdates.map((d) => d.getTime()));
    const seen = new Set<number>();
    const startWall = instantToWall(ev.start.getTime(), zoneRules);
    const durWall = Math.max(0, instantToWall(ev.end.getTime(), zoneRules) - startWall);

    // A THISANDFUTURE instance moves later occurrences: look that much further for their originals.
    let reach = 0;
    for (const f of ev.futureOverrides ?? []) {
      if (f.event === "cancelled") continue;
      const shift = instantToWall(f.event.start.getTime(), zoneRules) - instantToWall(f.from.getTime(), zoneRules);
      const length = instantToWall(f.event.end.getTime(), zoneRules) - instantToWall(f.event.start.getTime(), zoneRules);
      reach = Math.max(reach, Math.abs(shift) + Math.max(0, length));
    }

    const { capped } = recurrenceStarts(ev, zoneRules, fromMs - reach, toMs + reach, max, (ms) => {
      if (seen.has(ms)) return;
      seen.add(ms);
      if (excluded.has(ms) || ev.overrides.has(new Date(ms).toISOString())) return;
      const future = futureOverrideAt(ev, ms);
      if (future?.event === "cancelled") return;
      let occ = { summary: ev.summary, attendees: ev.attendees, start: ms, end: wallToInstant(instantToWall(ms, zoneRules) + durWall, zoneRules) };
      if (future) {
        const f = future.event;
        const fStartWall = instantToWall(f.start.getTime(), zoneRules);
        const startWallMoved = instantToWall(ms, zoneRules) + (fStartWall - instantToWall(future.from.getTime(), zoneRules));
        const length = Math.max(0, instantToWall(f.end.getTime(), zoneRules) - fStartWall);
        occ = { summary: f.summary, attendees: f.attendees, start: wallToInstant(startWallMoved, zoneRules), end: wallToInstant(startWallMoved + length, zoneRules) };
      }
      if (occ.start < toMs && occ.end > fromMs) {
        out.push({ uid: ev.uid, summary: occ.summary, attendees: occ.attendees, start: new Date(occ.start), end: new Date(occ.end), source });
      }
    });
    if (capped) {
      report({ kind: "expansion_capped", uid: ev.uid, message: `"${ev.summary}" generates more than ${max} occurrences before ${to.toISOString()}; later ones are ignored` });
    }

    for (const [key, ov] of ev.overrides) {
      if (ov === "cancelled" || ov.cancelled || excluded.has(Date.parse(key))) continue;
      if (ov.start.getTime() < toMs && ov.end.getTime() > fromMs) {
        out.push({ uid: ev.uid, summary: ov.summary, attendees: ov.attendees, start: ov.start, end: ov.end, source });
      }
    }

    if (out.length > max) {
      out.length = max;
      report({ kind: "expansion_capped", message: `More than ${max} occurrences between ${from.toISOString()} and ${to.toISOString()}; the rest are ignored` });
      break;
    }
  }

  return out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.end.getTime() - b.end.getTime() || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}
