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
 * An RRULE value validated and turned into rrule.js options. UNTIL is kept apart because its
 * meaning depends on the event's zone (UTC, local or DATE), which rrule.js gets wrong under TZID.
 */
export interface ParsedRrule {
  options: Partial<Options>;
  freq: number;
  interval: number;
  count: number | null;
  until: RruleUntil | null;
}

/** UNTIL as written: an instant (`Z`), a local wall time, or a date. */
export type RruleUntil = { kind: "utc"; epochMs: number } | { kind: "local"; wall: number } | { kind: "date"; wall: number };

const FREQS: Record<string, number> = { YEARLY: 0, MONTHLY: 1, WEEKLY: 2, DAILY: 3, HOURLY: 4, MINUTELY: 5, SECONDLY: 6 };
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** Milliseconds of one FREQ period for frequencies of fixed length (weekly and finer). */
export const FIXED_PERIOD_MS: Record<number, number> = { 2: 7 * 86_400_000, 3: 86_400_000, 4: 3_600_000, 5: 60_000, 6: 1000 };

function intList(value: string, min: number, max: number, allowNegative: boolean): number[] {
  const out: number[] = [];
  for (const part of value.split(",")) {
    const t = part.trim();
    if (!/^[+-]?\d+$/.test(t)) throw new Error(`not a number: ${t}`);
    const n = Number(t);
    const abs = Math.abs(n);
    if ((n < 0 && !allowNegative) || abs < min || abs > max) throw new Error(`out of range: ${t}`);
    out.push(n);
  }
  return out;
}

function weekday(code: string): Weekday {
  const idx = DAYS.indexOf(code);
  if (idx < 0) throw new Error(`not a weekday: ${code}`);
  const day = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU][idx]!;
  return day;
}

/** Parses `YYYYMMDD` / `YYYYMMDDTHHMMSS[Z]` UNTIL values. */
function parseUntil(value: string): RruleUntil {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?$/.exec(value.trim());
  if (!m) throw new Error(`bad UNTIL: ${value}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (m[4] === undefined) return { kind: "date", wall };
  if (m[7] === "Z") return { kind: "utc", epochMs: wall };
  return { kind: "local", wall };
}

/**
 * Validates an RRULE value (`FREQ=WEEKLY;BYDAY=MO`). Throws with a readable message on
 * anything a calendar app would reject; unknown `X-` parts and RSCALE/SKIP are ignored.
 */
export function parseRrule(value: string): ParsedRrule {
  const options: Partial<Options> = {};
  let freq: number | undefined;
  let interval = 1;
  let count: number | null = null;
  let until: RruleUntil | null = null;
  for (const part of value.trim().replace(/^RRULE:/i, "").split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) throw new Error(`bad RRULE part: ${part}`);
    const key = part.slice(0, eq).trim().toUpperCase();
    const val = part.slice(eq + 1).trim().toUpperCase();
    switch (key) {
      case "FREQ":
        freq = FREQS[val];
        if (freq === undefined) throw new Error(`bad FREQ: ${val}`);
        break;
      case "INTERVAL":
        interval = intList(val, 1, 100000, false)[0]!;
        break;
      case "COUNT":
        count = intList(val, 1, 10_000_000, false)[0]!;
        break;
      case "UNTIL":
        until = parseUntil(val);
        break;
      case "BYSECOND":
        options.bysecond = intList(val, 0, 60, false);
        break;
      case "BYMINUTE":
        options.byminute = intList(val, 0, 59, false);
        break;
      case "BYHOUR":
        options.byhour = intList(val, 0, 23, false);
        break;
      case "BYMONTHDAY":
        options.bymonthday = intList(val, 1, 31, true);
        break;
      case "BYYEARDAY":
        options.byyearday = intList(val, 1, 366, true);
        break;
      case "BYWEEKNO":
        options.byweekno = intList(val, 1, 53, true);
        break;
      case "BYMONTH":
        options.bymonth = intList(val, 1, 12, false);
        break;
      case "BYSETPOS":
        options.bysetpos = intList(val, 1, 366, true);
        break;
      case "WKST":
        options.wkst = weekday(val);
        break;
      case "BYDAY":
        options.byweekday = val.split(",").map((d) => {
          const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(d.trim());
          if (!m) throw new Error(`bad BYDAY: ${d}`);
          const day = weekday(m[2]!);
          if (m[1] === undefined) return day;
          const n = Number(m[1]);
          if (n === 0 || Math.abs(n) > 53) throw new Error(`bad BYDAY: ${d}`);
          return day.nth(n);
        });
        break;
      default:
        // X-names, RSCALE, SKIP (RFC 7529): calendar apps without support ignore them too.
        break;
    }
  }
  if (freq === undefined) throw new Error("RRULE without FREQ");
  if (count !== null && until !== null) throw new Error("RRULE with both COUNT and UNTIL");
  options.freq = freq;
  options.interval = interval;
  if (count !== null) options.count = count;
  return { options, freq, interval, count, until };
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
