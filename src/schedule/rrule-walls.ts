import * as rruleNs from "rrule";
import type { Options, Weekday } from "rrule";

// rrule's "main" is a webpack bundle: Node's ESM loader exposes it only as `default`, while
// CJS transpilers (esbuild, tsx in CJS mode) see the named exports. Accept both.
type RRuleModule = typeof rruleNs;
const rruleModule: RRuleModule = (rruleNs as unknown as { default?: RRuleModule }).default?.RRule
  ? (rruleNs as unknown as { default: RRuleModule }).default
  : rruleNs;
const { RRule } = rruleModule;

/**
 * An RRULE value read leniently and turned into rrule.js options. UNTIL is kept apart because its
 * meaning depends on the event's zone (UTC, local or DATE), which rrule.js gets wrong under TZID.
 */
export interface ParsedRrule {
  options: Partial<Options>;
  freq: number;
  interval: number;
  count: number | null;
  until: RruleUntil | null;
  /** Parts (or list entries) that were not understood and ignored, as written; empty for a clean rule. */
  ignored: string[];
}

/** UNTIL as written: an instant (`Z`), a local wall time, or a date. */
export type RruleUntil = { kind: "utc"; epochMs: number } | { kind: "local"; wall: number } | { kind: "date"; wall: number };

const FREQS: Record<string, number> = { YEARLY: 0, MONTHLY: 1, WEEKLY: 2, DAILY: 3, HOURLY: 4, MINUTELY: 5, SECONDLY: 6 };
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** Milliseconds of one FREQ period for frequencies of fixed length (weekly and finer). */
export const FIXED_PERIOD_MS: Record<number, number> = { 2: 7 * 86_400_000, 3: 86_400_000, 4: 3_600_000, 5: 60_000, 6: 1000 };

/** Reads a comma list item by item; items `read` rejects (returns null) are reported and dropped. */
function list<T>(key: string, value: string, read: (item: string) => T | null, ignored: string[]): T[] {
  const out: T[] = [];
  for (const part of value.split(",")) {
    const t = part.trim();
    if (t === "") continue;
    const v = read(t);
    if (v === null) ignored.push(`${key}=${t}`);
    else out.push(v);
  }
  return out;
}

function intReader(min: number, max: number, allowNegative: boolean): (t: string) => number | null {
  return (t) => {
    if (!/^[+-]?\d+$/.test(t)) return null;
    const n = Number(t);
    const abs = Math.abs(n);
    if ((n < 0 && !allowNegative) || abs < min || abs > max) return null;
    return n;
  };
}

function weekday(code: string): Weekday | null {
  const idx = DAYS.indexOf(code);
  if (idx < 0) return null;
  return [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU][idx]!;
}

function byday(t: string): Weekday | null {
  const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(t);
  if (!m) return null;
  const day = weekday(m[2]!);
  if (day === null || m[1] === undefined) return day;
  const n = Number(m[1]);
  if (n === 0 || Math.abs(n) > 53) return null;
  return day.nth(n);
}

/** Parses `YYYYMMDD` / `YYYYMMDDTHHMMSS[Z]` UNTIL values (also with `-`/`:` separators); null when unreadable. */
function parseUntil(value: string): RruleUntil | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?(Z)?)?$/.exec(value.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== Number(m[3])) return null;
  if (m[4] === undefined) return { kind: "date", wall };
  if (m[7] === "Z") return { kind: "utc", epochMs: wall };
  return { kind: "local", wall };
}

const SILENTLY_IGNORED = new Set(["RSCALE", "SKIP"]);

/**
 * Reads an RRULE value (`FREQ=WEEKLY;BYDAY=MO`) the way calendar apps do: leniently. A doubled
 * `RRULE:` prefix is dropped; an unknown or misspelled part, a part with an unreadable value, or
 * one bad entry of a list (`BYDAY=MO,XX`) is ignored and listed in `ignored`, and the rest of the
 * rule is kept. `X-` parts and RFC 7529's RSCALE/SKIP are ignored without a word. COUNT together
 * with UNTIL (forbidden by RFC 5545) keeps both: the series ends at whichever comes first.
 * Throws only when no rule is left: FREQ missing or not a frequency.
 */
export function parseRrule(value: string): ParsedRrule {
  const options: Partial<Options> = {};
  const ignored: string[] = [];
  let freq: number | undefined;
  let badFreq: string | null = null;
  let interval = 1;
  let count: number | null = null;
  let until: RruleUntil | null = null;
  const body = value.trim().replace(/^(?:RRULE\s*:\s*)+/i, "");
  // The property name already ended at its colon: `RRULE:RRULE:FREQ=...` repeats it.
  if (body !== value.trim()) ignored.push(value.trim().slice(0, value.trim().length - body.length).trim());
  /** Each part as last written: a part given twice keeps its last value, and the earlier one is reported. */
  const seen = new Map<string, string>();
  for (const part of body.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      ignored.push(part.trim());
      continue;
    }
    const key = part.slice(0, eq).trim().toUpperCase();
    const val = part.slice(eq + 1).trim().toUpperCase();
    const earlier = seen.get(key);
    if (earlier !== undefined && !key.startsWith("X-")) ignored.push(`${earlier} (${key} is given again; the last one is used)`);
    seen.set(key, `${key}=${val}`);
    const single = <T>(read: (t: string) => T | null): T | null => {
      const v = read(val);
      if (v === null) ignored.push(`${key}=${val}`);
      return v;
    };
    const many = <T>(read: (t: string) => T | null): T[] | undefined => {
      const items = list(key, val, read, ignored);
      return items.length > 0 ? items : undefined;
    };
    switch (key) {
      case "FREQ": {
        const f = FREQS[val];
        if (f === undefined) badFreq = val;
        else freq = f;
        break;
      }
      case "INTERVAL":
        interval = single(intReader(1, 100000, false)) ?? interval;
        break;
      case "COUNT":
        count = single(intReader(1, 10_000_000, false)) ?? count;
        break;
      case "UNTIL":
        until = single(parseUntil) ?? until;
        break;
      case "BYSECOND":
        setList(options, "bysecond", many(intReader(0, 60, false)));
        break;
      case "BYMINUTE":
        setList(options, "byminute", many(intReader(0, 59, false)));
        break;
      case "BYHOUR":
        setList(options, "byhour", many(intReader(0, 23, false)));
        break;
      case "BYMONTHDAY":
        setList(options, "bymonthday", many(intReader(1, 31, true)));
        break;
      case "BYYEARDAY":
        setList(options, "byyearday", many(intReader(1, 366, true)));
        break;
      case "BYWEEKNO":
        setList(options, "byweekno", many(intReader(1, 53, true)));
        break;
      case "BYMONTH":
        setList(options, "bymonth", many(intReader(1, 12, false)));
        break;
      case "BYSETPOS":
        setList(options, "bysetpos", many(intReader(1, 366, true)));
        break;
      case "WKST": {
        const d = single(weekday);
        if (d !== null) options.wkst = d;
        break;
      }
      case "BYDAY":
        setList(options, "byweekday", many(byday));
        break;
      default:
        if (!key.startsWith("X-") && !SILENTLY_IGNORED.has(key)) ignored.push(part.trim());
        break;
    }
  }
  if (freq === undefined) throw new Error(badFreq !== null ? `bad FREQ: ${badFreq}` : "RRULE without FREQ");
  // RFC 5545: a number before a BYDAY day (1MO, -1FR) only counts with MONTHLY or YEARLY; rrule drops it otherwise.
  const numbered = freq === FREQS.MONTHLY || freq === FREQS.YEARLY ? [] : ((options.byweekday as Weekday[] | undefined) ?? []).filter((d) => d.n !== undefined && d.n !== 0);
  if (numbered.length > 0) {
    ignored.push(`the numbers of BYDAY=${numbered.map((d) => `${d.n}${DAYS[d.weekday]}`).join(",")} (they only count with FREQ=MONTHLY or YEARLY; every such weekday is used)`);
  }
  options.freq = freq;
  options.interval = interval;
  if (count !== null) options.count = count;
  return { options, freq, interval, count, until, ignored };
}

function setList<K extends "bysecond" | "byminute" | "byhour" | "bymonthday" | "byyearday" | "byweekno" | "bymonth" | "bysetpos" | "byweekday">(
  options: Partial<Options>,
  key: K,
  values: Options[K] | undefined,
): void {
  if (values !== undefined) options[key] = values;
}

/**
 * Calls `visit` with each occurrence (as a wall time) of `rule` anchored at `dtstartWall`, in
 * order, until `visit` returns false. rrule.js is used with no TZID at all and with wall times
 * dressed as UTC, so its arithmetic is pure calendar arithmetic and independent of the host zone.
 */
export function iterateRruleWalls(rule: ParsedRrule, dtstartWall: number, untilWall: number | null, visit: (wall: number) => boolean): void {
  const opts: Partial<Options> = { ...rule.options, dtstart: new Date(Math.floor(dtstartWall / 1000) * 1000), tzid: null };
  if (untilWall !== null) opts.until = new Date(untilWall);
  const r = new RRule(opts);
  r.all((d) => visit(d.getTime()));
}
