import { customZone, isSnapshotZone } from "./custom-zone-rules.js";
import type { CustomZoneDefinition, ScheduleProblem } from "./schedule-types.js";
import { REPRESENTATIVE_ZONES, windowsDisplayNameToIana, windowsIdToIana } from "./windows-zones.js";
import { canonicalIanaZone, ianaRules, type TimeZoneRules } from "./zone-time.js";

/** A TZID resolved to the name recorded on events and the rules used for arithmetic. */
export interface ResolvedZone {
  name: string;
  rules: TimeZoneRules;
}

/** A VTIMEZONE block as found in the file. */
export interface VTimezoneBlock {
  def: CustomZoneDefinition;
  /** X-LIC-LOCATION (Google, Thunderbird): the IANA name the block was generated from. */
  location: string | null;
}

export interface ZoneResolverOptions {
  vtimezones: VTimezoneBlock[];
  /** Already validated IANA name used when nothing else works. */
  fallbackZone: string;
  /** Years the calendar's events use; VTIMEZONE rules are compared with IANA zones over them. */
  years: { from: number; to: number };
  problems: ScheduleProblem[];
  customZones: Record<string, CustomZoneDefinition>;
}

/** Resolves TZIDs; remembers answers and reports each unknown TZID once. */
export interface ZoneResolver {
  /** Never fails: unknown names fall back to the schedule's zone with an `unknown_zone` problem. */
  resolve(tzid: string, uid?: string): ResolvedZone;
  /** Null instead of falling back (for X-WR-TIMEZONE). */
  tryResolve(tzid: string): ResolvedZone | null;
}

const UTC_NAMES = /^(?:z|utc|gmt|ut|zulu|universal|etc\/utc|etc\/gmt|etc\/universal|etc\/zulu|greenwich|tzone:\/\/microsoft\/utc)$/i;
const WEEK = 7 * 86_400_000;

/** IANA name from a TZID spelled as IANA, possibly with a `/mozilla.org/20050126_1/` style prefix. */
function ianaFromName(tzid: string): string | null {
  if (UTC_NAMES.test(tzid)) return "UTC";
  const direct = canonicalIanaZone(tzid);
  if (direct !== null) return direct;
  const parts = tzid.split("/").filter((p) => p !== "");
  for (let n = Math.min(3, parts.length); n >= 2; n--) {
    const candidate = canonicalIanaZone(parts.slice(-n).join("/"));
    if (candidate !== null) return candidate;
  }
  return null;
}

function nameToIana(tzid: string): string | null {
  return ianaFromName(tzid) ?? windowsIdToIana(tzid) ?? windowsDisplayNameToIana(tzid);
}

/** Whether IANA `candidate` has the same offsets as a VTIMEZONE over [from, to). */
function sameOffsets(custom: ReturnType<typeof customZone>, candidate: TimeZoneRules, from: number, to: number): boolean {
  for (const t of custom.transitions) {
    if (t < from || t >= to) continue;
    if (custom.rules.offset(t) !== candidate.offset(t) || custom.rules.offset(t - 1) !== candidate.offset(t - 1)) return false;
  }
  for (let t = from; t < to; t += WEEK) if (custom.rules.offset(t) !== candidate.offset(t)) return false;
  return true;
}

/**
 * Zone resolution order: the file's VTIMEZONE, an IANA name, a Windows zone ID, a Windows
 * display name, then the schedule's zone (with an `unknown_zone` problem, never the host's).
 * A VTIMEZONE's rules are authoritative, but when an IANA zone has exactly the same offsets over
 * the calendar's years the event records that IANA name; only a VTIMEZONE no IANA zone matches
 * becomes a custom zone. A VTIMEZONE that merely snapshots offsets (no RRULE) for a TZID that is
 * itself a known name defers to that name, since it says nothing about other years.
 */
export function createZoneResolver(opts: ZoneResolverOptions): ZoneResolver {
  const cache = new Map<string, ResolvedZone | null>();
  const reported = new Set<string>();
  const from = Date.UTC(opts.years.from, 0, 1);
  const to = Date.UTC(opts.years.to + 1, 0, 1);

  function findBlock(tzid: string): VTimezoneBlock | undefined {
    return opts.vtimezones.find((b) => b.def.tzid === tzid) ?? opts.vtimezones.find((b) => b.def.tzid.toLowerCase() === tzid.toLowerCase());
  }

  function fromBlock(block: VTimezoneBlock, tzid: string): ResolvedZone | null {
    if (block.def.observances.length === 0) return null;
    const named = nameToIana(tzid) ?? (block.location ? nameToIana(block.location) : null);
    if (named !== null && isSnapshotZone(block.def)) return { name: named, rules: ianaRules(named)! };
    const custom = customZone(block.def);
    const preferred = [named, block.location ? nameToIana(block.location) : null, opts.fallbackZone].filter((z): z is string => z !== null);
    for (const name of preferred) {
      const rules = ianaRules(name);
      if (rules && sameOffsets(custom, rules, from, to)) return { name: rules.name, rules };
    }
    const probes = [from, from + 182 * 86_400_000, to - 200 * 86_400_000, to - 20 * 86_400_000];
    // Representative zones first, so Central European rules come out as Europe/Berlin, not Africa/Ceuta.
    for (const name of [...REPRESENTATIVE_ZONES, ...Intl.supportedValuesOf("timeZone")]) {
      const rules = ianaRules(name);
      if (!rules || probes.some((p) => rules.offset(p) !== custom.rules.offset(p))) continue;
      if (sameOffsets(custom, rules, from, to)) return { name: rules.name, rules };
    }
    opts.customZones[block.def.tzid] = block.def;
    return { name: block.def.tzid, rules: custom.rules };
  }

  function tryResolve(raw: string): ResolvedZone | null {
    const tzid = raw.replace(/"/g, "").trim();
    if (cache.has(tzid)) return cache.get(tzid)!;
    let result: ResolvedZone | null = null;
    const block = findBlock(tzid);
    if (block) result = fromBlock(block, tzid);
    if (result === null) {
      const name = nameToIana(tzid);
      if (name !== null) result = { name, rules: ianaRules(name)! };
    }
    cache.set(tzid, result);
    return result;
  }

  return {
    tryResolve,
    resolve(raw, uid) {
      const found = tryResolve(raw);
      if (found) return found;
      if (!reported.has(raw)) {
        reported.add(raw);
        opts.problems.push({
          kind: "unknown_zone",
          message: `Unknown time zone "${raw}": no VTIMEZONE, IANA or Windows name matches; read as ${opts.fallbackZone}`,
          ...(uid !== undefined ? { uid } : {}),
        });
      }
      return { name: opts.fallbackZone, rules: ianaRules(opts.fallbackZone)! };
    },
  };
}
