import { expandCalendar } from "../../src/schedule/expand-calendar.js";
import { parseCalendar } from "../../src/schedule/parse-calendar.js";
import { ianaRules, instantToWall, wallToInstant } from "../../src/schedule/zone-time.js";

/**
 * Random valid calendars for differential testing (differential-expansion.test.ts): daily,
 * weekly, monthly and yearly rules with BYDAY/BYMONTHDAY/BYSETPOS/BYMONTH, COUNT and UNTIL,
 * several RRULEs, EXDATE, RDATE, moved and cancelled instances including RANGE=THISANDFUTURE,
 * timed events in IANA and Windows zones (quoted or not), UTC, floating and all-day events, with
 * X-WR-TIMEZONE or the schedule's zone, and series and shifts running across DST changes.
 *
 * Local times avoid 00:00-04:59: the hour a zone skips or repeats has no single answer (pytz and
 * RFC 5545 pick different sides of a repeated hour), and tests/fixtures covers those cases.
 * Instances named by EXDATE and RECURRENCE-ID are real instances of the series (found by
 * expanding the master alone), and never the same one twice.
 */
export interface RandomCase {
  id: string;
  ics: string;
  /** Window, ISO instants. */
  from: string;
  to: string;
  /** The schedule's zone. */
  zone: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const IANA = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "UTC"];
const WINDOWS: Record<string, string> = {
  "W. Europe Standard Time": "Europe/Berlin",
  "Eastern Standard Time": "America/New_York",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "Pacific Standard Time": "America/Los_Angeles",
  "GMT Standard Time": "Europe/London",
  "Tokyo Standard Time": "Asia/Tokyo",
};
const NAMES = ["Alice Andersen", "Bob Brown", "Carol Chen", "Dave Diaz", "Erin Evans"];
const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Form = "zoned" | "windows" | "utc" | "floating" | "allday";

interface Rand {
  next: () => number;
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function rand(seed: number): Rand {
  const next = prng(seed);
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function stamp(wall: number, withTime: boolean): string {
  const d = new Date(wall);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return withTime ? `${date}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}` : date;
}

/** How one event writes its date values. */
interface Writer {
  form: Form;
  /** Zone its walls are in (IANA), for UNTIL in UTC. */
  zone: string;
  tzParam: string;
  value(wall: number): string;
  /** `NAME;params:value` for a date property. */
  prop(name: string, walls: number[], extraParams?: string): string;
  until(wall: number): string;
}

function writer(r: Rand, form: Form, floatingZone: string): Writer {
  let zone = floatingZone;
  let tzParam = "";
  if (form === "zoned") {
    zone = r.pick(IANA);
    tzParam = `;TZID=${zone}`;
  } else if (form === "windows") {
    const name = r.pick(Object.keys(WINDOWS));
    zone = WINDOWS[name]!;
    tzParam = r.chance(0.5) ? `;TZID="${name}"` : `;TZID=${name}`;
  } else if (form === "utc") {
    zone = "UTC";
  }
  const value = (wall: number) => (form === "allday" ? stamp(wall, false) : form === "utc" ? `${stamp(wall, true)}Z` : stamp(wall, true));
  return {
    form,
    zone,
    tzParam,
    value,
    prop: (name, walls, extraParams = "") => `${name}${form === "allday" ? ";VALUE=DATE" : tzParam}${extraParams}:${walls.map(value).join(",")}`,
    until(wall) {
      if (form === "allday") return stamp(wall, false);
      if (form === "floating") return stamp(wall, true);
      return `${stamp(wallToInstant(wall, ianaRules(zone)!), true)}Z`;
    },
  };
}

function localHour(r: Rand, form: Form): number {
  return form === "utc" ? r.int(0, 23) : r.int(5, 19);
}

function randomRule(r: Rand, startWall: number, w: Writer): string {
  const weekday = DAYS[(new Date(startWall).getUTCDay() + 6) % 7]!;
  const parts: string[] = [];
  const freq = r.pick(["DAILY", "WEEKLY", "WEEKLY", "MONTHLY", "MONTHLY", "YEARLY"] as const);
  parts.push(`FREQ=${freq}`);
  if (r.chance(0.4)) parts.push(`INTERVAL=${r.int(2, 3)}`);
  if (freq === "WEEKLY" && r.chance(0.6)) {
    const days = new Set([weekday]);
    for (let i = r.int(0, 2); i > 0; i--) days.add(r.pick(DAYS));
    parts.push(`BYDAY=${[...days].join(",")}`);
  } else if (freq === "MONTHLY") {
    const v = r.int(0, 3);
    if (v === 1) parts.push(`BYMONTHDAY=${[...new Set([r.int(1, 28), r.pick([-1, r.int(1, 28)])])].join(",")}`);
    else if (v === 2) parts.push(`BYDAY=${r.pick(["1", "2", "3", "4", "-1", "-2"])}${r.pick(DAYS)}`);
    else if (v === 3) parts.push(`BYDAY=${r.pick(["MO,TU,WE,TH,FR", "SA,SU", "TU,TH"])}`, `BYSETPOS=${r.pick(["1", "-1", "2", "1,-1"])}`);
  } else if (freq === "YEARLY" && r.chance(0.5)) {
    parts.push(`BYMONTH=${r.int(1, 12)}`);
    parts.push(r.chance(0.5) ? `BYMONTHDAY=${r.int(1, 28)}` : `BYDAY=${r.pick(["1", "2", "-1"])}${r.pick(DAYS)}`);
  }
  const end = r.next();
  if (end < 0.4) parts.push(`COUNT=${r.int(1, 25)}`);
  else if (end < 0.7) {
    const days = freq === "DAILY" ? r.int(3, 90) : freq === "YEARLY" ? r.int(400, 1500) : r.int(20, 400);
    parts.push(`UNTIL=${w.until(startWall + days * DAY + r.pick([0, 0, -HOUR, HOUR]))}`);
  }
  return parts.join(";");
}

/** Instance starts (as walls in the event's zone) of a master alone, in order, at most 80. */
function instancesOf(masterLines: string[], w: Writer, floatingZone: string, xwr: string | null): number[] {
  const text = ["BEGIN:VCALENDAR", "VERSION:2.0", ...(xwr ? [`X-WR-TIMEZONE:${xwr}`] : []), ...masterLines, "END:VCALENDAR"].join("\r\n");
  const cal = parseCalendar(text, { defaultZone: floatingZone });
  const ev = cal.events[0];
  if (!ev) return [];
  const occ = expandCalendar(cal, new Date(ev.start.getTime() - DAY), new Date(ev.start.getTime() + 1500 * DAY), { maxOccurrences: 80 });
  const rules = ianaRules(w.form === "allday" || w.form === "floating" ? floatingZone : w.zone)!;
  return occ.map((o) => instantToWall(o.start.getTime(), rules));
}

/** One random calendar and window; the same `seed` always gives the same case. */
export function randomCalendar(seed: number): RandomCase {
  const r = rand(seed);
  const zone = r.pick(IANA);
  const xwr = r.chance(0.4) ? r.pick(IANA) : null;
  const floatingZone = xwr ?? zone;
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calpage//random-calendar//EN", ...(xwr ? [`X-WR-TIMEZONE:${xwr}`] : [])];
  const firstDay = Date.UTC(2025, 9, 1) + r.int(0, 500) * DAY;
  const nEvents = r.int(1, 3);
  for (let e = 0; e < nEvents; e++) {
    const uid = `ev${e}-${seed}@random.example`;
    const form = r.pick(["zoned", "zoned", "windows", "utc", "floating", "allday"] as const);
    const w = writer(r, form, floatingZone);
    const allDay = form === "allday";
    const startWall = firstDay + r.int(0, 60) * DAY + (allDay ? 0 : localHour(r, form) * HOUR + r.pick([0, 30]) * 60_000);
    const length = allDay ? r.int(1, 7) * DAY : r.pick([r.int(1, 10) * 30 * 60_000, r.int(1, 7) * DAY]);
    const master = ["BEGIN:VEVENT", `UID:${uid}`, "DTSTAMP:20250101T000000Z", `SUMMARY:${r.pick(NAMES)}`, w.prop("DTSTART", [startWall]), w.prop("DTEND", [startWall + length])];
    const recurring = r.chance(0.85);
    if (recurring) {
      master.push(`RRULE:${randomRule(r, startWall, w)}`);
      if (r.chance(0.1)) master.push(`RRULE:${randomRule(r, startWall, w)}`);
    }
    const instances = instancesOf([...master, "END:VEVENT"], w, floatingZone, xwr);
    const dates = new Set(instances.map((x) => Math.floor(x / DAY)));
    if (recurring && r.chance(0.2)) {
      const rdates: number[] = [];
      for (let i = r.int(1, 2); i > 0; i--) {
        const wall = startWall + r.int(1, 120) * DAY + (allDay ? 0 : (localHour(r, form) - new Date(startWall).getUTCHours()) * HOUR);
        if (!dates.has(Math.floor(wall / DAY))) {
          rdates.push(wall);
          dates.add(Math.floor(wall / DAY));
        }
      }
      if (rdates.length > 0) master.push(w.prop("RDATE", rdates));
    }
    const overrides: string[][] = [];
    if (recurring && instances.length > 1) {
      const pool = [...instances];
      const take = () => pool.splice(r.int(0, pool.length - 1), 1)[0]!;
      if (r.chance(0.25)) {
        const ex: number[] = [];
        for (let i = r.int(1, 2); i > 0 && pool.length > 0; i--) ex.push(take());
        master.push(w.prop("EXDATE", ex));
      }
      let rangeUsed = false;
      for (let i = r.chance(0.4) ? r.int(1, 2) : 0; i > 0 && pool.length > 0; i--) {
        const rid = take();
        const thisAndFuture: boolean = !rangeUsed && r.chance(0.3);
        rangeUsed ||= thisAndFuture;
        const newStart = allDay
          ? rid + r.int(-2, 2) * DAY
          : Math.floor(rid / DAY) * DAY + r.int(-2, 2) * DAY + localHour(r, form) * HOUR + r.pick([0, 30]) * 60_000;
        const newLength = allDay ? r.int(1, 3) * DAY : r.int(1, 9) * 30 * 60_000;
        overrides.push([
          "BEGIN:VEVENT",
          `UID:${uid}`,
          "DTSTAMP:20250101T000000Z",
          w.prop("RECURRENCE-ID", [rid], thisAndFuture ? ";RANGE=THISANDFUTURE" : ""),
          w.prop("DTSTART", [newStart]),
          w.prop("DTEND", [newStart + newLength]),
          `SUMMARY:${r.pick(NAMES)}`,
          ...(r.chance(0.15) ? ["STATUS:CANCELLED"] : []),
          "END:VEVENT",
        ]);
      }
    }
    master.push("END:VEVENT");
    // Google writes instances before their master; others after.
    if (r.chance(0.5)) lines.push(...master, ...overrides.flat());
    else lines.push(...overrides.flat(), ...master);
  }
  lines.push("END:VCALENDAR");
  const from = firstDay + r.int(-10, 200) * DAY;
  const to = from + r.int(7, 120) * DAY;
  return { id: String(seed), ics: `${lines.join("\r\n")}\r\n`, from: new Date(from).toISOString(), to: new Date(to).toISOString(), zone };
}
