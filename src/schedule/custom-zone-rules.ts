import type { CustomZoneDefinition } from "./schedule-types.js";
import { iterateRruleWalls, parseRrule } from "./rrule-walls.js";
import type { TimeZoneRules } from "./zone-time.js";

const MINUTE = 60_000;
const LAST_WALL = Date.UTC(2100, 0, 1);
const MAX_ONSETS_PER_OBSERVANCE = 2000;

interface Transition {
  at: number;
  offsetTo: number;
  offsetFrom: number;
}

/** A VTIMEZONE turned into offset rules, with its transition instants (for comparing with IANA zones). */
export interface CustomZone {
  rules: TimeZoneRules;
  transitions: number[];
}

const cache = new WeakMap<CustomZoneDefinition, CustomZone>();

/** Parses the `YYYYMMDDTHHMMSS` wall times of VTIMEZONE observances. */
export function parseWallStamp(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?Z?$/.exec(value.trim());
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

/**
 * Offset rules of a VTIMEZONE (RFC 5545 §3.6.5): every onset of every STANDARD/DAYLIGHT block
 * (DTSTART, RRULE, RDATE, local time read with TZOFFSETFROM) becomes a transition to
 * TZOFFSETTO. Transitions are computed up to the year 2100.
 */
export function customZone(def: CustomZoneDefinition): CustomZone {
  const cached = cache.get(def);
  if (cached) return cached;
  const transitions: Transition[] = [];
  for (const obs of def.observances) {
    const startWall = parseWallStamp(obs.start);
    if (startWall === null) continue;
    const add = (wall: number) => transitions.push({ at: wall - obs.offsetFrom * MINUTE, offsetTo: obs.offsetTo, offsetFrom: obs.offsetFrom });
    add(startWall);
    for (const r of obs.rdates) {
      const w = parseWallStamp(r);
      if (w !== null) add(w);
    }
    if (obs.rrule) {
      try {
        const rule = parseRrule(obs.rrule);
        let untilWall: number | null = null;
        if (rule.until?.kind === "utc") untilWall = rule.until.epochMs + obs.offsetFrom * MINUTE;
        else if (rule.until) untilWall = rule.until.wall;
        let n = 0;
        iterateRruleWalls(rule, startWall, untilWall, (wall) => {
          if (wall > LAST_WALL || ++n > MAX_ONSETS_PER_OBSERVANCE) return false;
          if (wall !== startWall) add(wall);
          return true;
        });
      } catch {
        // A broken observance RRULE leaves only its DTSTART onset; the zone stays usable.
      }
    }
  }
  transitions.sort((a, b) => a.at - b.at);
  const first = transitions[0];
  const rules: TimeZoneRules = {
    name: def.tzid,
    offset(ms: number): number {
      if (!first || ms < first.at) return first ? first.offsetFrom : 0;
      let lo = 0;
      let hi = transitions.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (transitions[mid]!.at <= ms) lo = mid;
        else hi = mid - 1;
      }
      return transitions[lo]!.offsetTo;
    },
  };
  const zone = { rules, transitions: transitions.map((t) => t.at) };
  cache.set(def, zone);
  return zone;
}

/** True when the VTIMEZONE only snapshots offsets (no observance repeats), so it says nothing about other years. */
export function isSnapshotZone(def: CustomZoneDefinition): boolean {
  return def.observances.every((o) => o.rrule === null);
}
