import { isLocalNight, monthsOf, nightAndWeekendMs } from "./local-time.js";

/**
 * The fairness report (README "Fairness report"), pure: who carried how much of the on-call load
 * — hours on call, night and weekend hours in each person's own zone, pages, night pages,
 * acknowledgements and time to acknowledge — per person and month, with the team's spread and
 * the people far from its mean flagged. A plain data structure: the CLI, `/oncall report` and the
 * web view render the same thing.
 */

const HOUR = 3_600_000;

/** A person the report may name, with the zone their nights and weekends are counted in. */
export interface FairnessPerson {
  email: string;
  name: string;
  zone: string;
}

/** Someone on call from `start` to `end` (epoch ms); shifts of several schedules may overlap. */
export interface FairnessShift {
  start: number;
  end: number;
  users: string[];
}

/** One page (a Slack DM, SMS or call to one person for one alert group), as the store keeps it. */
export interface FairnessPage {
  id: string;
  groupId: string;
  userEmail: string;
  state: string;
  sentAt: number | null;
  createdAt: number;
  externalRef: string | null;
}

/** An alert group's acknowledgement: who (email, null when the actor is no calpage user) and when. */
export interface FairnessAck {
  groupId: string;
  /** The acknowledger as the group records them (a Slack id or a name). */
  actor: string;
  email: string | null;
  at: number;
}

/** When someone counts as far from the team's mean (see {@link DEFAULT_FLAG_RULE}). */
export interface FlagRule {
  /** Fraction of the mean, e.g. 0.3 = 30 % above or below it. */
  relative: number;
  /** …and at least this far from the mean in hours (hours, night and weekend hours). */
  minHours: number;
  /** …or in count (pages, night pages, acknowledgements). */
  minCount: number;
}

/**
 * More than 30 % above or below the team mean, and at least 4 hours or 2 pages away from it. A
 * relative rule rather than "beyond 1.5 standard deviations": in a team of three nobody can be
 * more than 1.41 standard deviations from the mean, however unfair the rota. The floor keeps
 * one page against a mean of one from being news.
 */
export const DEFAULT_FLAG_RULE: FlagRule = { relative: 0.3, minHours: 4, minCount: 2 };

export const METRICS = ["hours", "nightHours", "weekendHours", "pages", "nightPages", "acks"] as const;
export type Metric = (typeof METRICS)[number];
const HOUR_METRICS: ReadonlySet<Metric> = new Set(["hours", "nightHours", "weekendHours"]);

export interface FairnessInput {
  from: number;
  to: number;
  /** The zone months are cut in (the schedule's, else the config's). */
  zone: string;
  schedules: string[];
  /** Every person the report may name; anyone else (an email on a page only) gets `defaultZone`. */
  people: FairnessPerson[];
  defaultZone: string;
  shifts: FairnessShift[];
  /**
   * Every page of the groups paged in the range (earlier ones too: a ladder counts in the month of
   * its first delivery) and of the groups acknowledged in it (for time to acknowledge).
   */
  pages: FairnessPage[];
  acks: FairnessAck[];
  rule?: FlagRule;
}

/** How far one figure is from the team mean, when the rule flags it. */
export interface Flag {
  metric: Metric;
  direction: "high" | "low";
  value: number;
  mean: number;
  /** (value − mean) / mean, e.g. 0.45 = 45 % above. */
  fromMean: number;
}

export interface PersonFigures {
  email: string;
  name: string;
  zone: string;
  /** On call at some time of the whole range: part of the team whose spread is measured. */
  onRota: boolean;
  hours: number;
  nightHours: number;
  weekendHours: number;
  /** Alert groups that reached the person (a DM, SMS or call that went out); a ladder's several messages are one page. */
  pages: number;
  /** Of those, the ones that reached them at least once in their night. */
  nightPages: number;
  acks: number;
  /** Median seconds from the person's first page for a group to their acknowledgement; null when none was timed. */
  ackMedianSeconds: number | null;
  /** Acknowledgements that followed a page to the acknowledger (the ones timed). */
  ackTimed: number;
  flags: Flag[];
}

export interface MetricSpread {
  mean: number;
  /** Population standard deviation. */
  stdev: number;
  min: number;
  max: number;
}

export interface FairnessPeriod {
  /** `2026-03`, or `total` for the whole range. */
  label: string;
  from: string;
  to: string;
  /** One row per person on the rota or paged, by name. */
  people: PersonFigures[];
  /** Over the people on the rota; null when nobody was. */
  spread: Record<Metric, MetricSpread> | null;
}

export interface FairnessReport {
  from: string;
  to: string;
  zone: string;
  schedules: string[];
  rule: FlagRule;
  months: FairnessPeriod[];
  total: FairnessPeriod;
  /** Acknowledgements by someone who is not a calpage user (e.g. an unknown Slack id), by actor. */
  unattributedAcks: { actor: string; count: number }[];
}

/** A page that reached its person: handed to Slack or Twilio (a failed call with a Twilio sid still rang). */
export function pageWentOut(p: FairnessPage): boolean {
  return ["sending", "sent", "delivered", "answered"].includes(p.state) || (p.state === "failed" && p.externalRef !== null);
}

const pageTime = (p: FairnessPage) => p.sentAt ?? p.createdAt;

/** Merges overlapping intervals (a person on two schedules at once is on call once). */
function union(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function spreadOf(values: number[]): MetricSpread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const stdev = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { mean, stdev, min: Math.min(...values), max: Math.max(...values) };
}

/** The flag for `value` against the team's `mean` under `rule`, or null when it is close enough. */
export function flagFor(metric: Metric, value: number, mean: number, rule: FlagRule): Flag | null {
  const diff = value - mean;
  const floor = HOUR_METRICS.has(metric) ? rule.minHours : rule.minCount;
  if (Math.abs(diff) < floor || mean <= 0 || Math.abs(diff) <= rule.relative * mean) return null;
  return { metric, direction: diff > 0 ? "high" : "low", value, mean, fromMean: diff / mean };
}

interface Tally {
  hoursMs: number;
  nightMs: number;
  weekendMs: number;
  pages: number;
  nightPages: number;
  acks: number;
  ackSeconds: number[];
}

const emptyTally = (): Tally => ({ hoursMs: 0, nightMs: 0, weekendMs: 0, pages: 0, nightPages: 0, acks: 0, ackSeconds: [] });

export function fairnessReport(input: FairnessInput): FairnessReport {
  const rule = input.rule ?? DEFAULT_FLAG_RULE;
  const { from, to } = input;
  const known = new Map(input.people.map((p) => [p.email, p]));
  const person = (email: string): FairnessPerson => known.get(email) ?? { email, name: email, zone: input.defaultZone };
  const months = monthsOf(from, to, input.zone);
  const monthIndex = (t: number) => months.findIndex((m) => t >= m.from && t < m.to);
  // tallies[email][month index]
  const tallies = new Map<string, Tally[]>();
  const tallyOf = (email: string, i: number): Tally => {
    let row = tallies.get(email);
    if (!row) tallies.set(email, (row = months.map(emptyTally)));
    return row[i]!;
  };

  // Hours: each person's on-call time, merged across schedules, cut to the range and to months.
  const spans = new Map<string, [number, number][]>();
  for (const s of input.shifts) {
    const a = Math.max(s.start, from);
    const b = Math.min(s.end, to);
    if (a >= b) continue;
    for (const u of s.users) {
      let l = spans.get(u);
      if (!l) spans.set(u, (l = []));
      l.push([a, b]);
    }
  }
  const onRota = new Set<string>();
  for (const [email, list] of spans) {
    const zone = person(email).zone;
    for (const [a, b] of union(list)) {
      months.forEach((m, i) => {
        const s = Math.max(a, m.from);
        const e = Math.min(b, m.to);
        if (s >= e) return;
        const t = tallyOf(email, i);
        const nw = nightAndWeekendMs(s, e, zone);
        t.hoursMs += e - s;
        t.nightMs += nw.night;
        t.weekendMs += nw.weekend;
        onRota.add(email);
      });
    }
  }

  // Pages: per person and group, the deliveries that went out. One page each, in the month of the first.
  const seenPage = new Set<string>();
  const delivered = new Map<string, FairnessPage[]>();
  for (const p of input.pages) {
    if (seenPage.has(p.id) || !pageWentOut(p)) continue;
    seenPage.add(p.id);
    const key = `${p.userEmail}\n${p.groupId}`;
    let l = delivered.get(key);
    if (!l) delivered.set(key, (l = []));
    l.push(p);
  }
  const firstPaged = new Map<string, number>();
  for (const [key, list] of delivered) {
    const times = list.map(pageTime).sort((a, b) => a - b);
    firstPaged.set(key, times[0]!);
    const email = list[0]!.userEmail;
    const i = monthIndex(times[0]!);
    if (i === -1) continue;
    const t = tallyOf(email, i);
    t.pages++;
    const zone = person(email).zone;
    if (times.some((x) => x >= from && x < to && isLocalNight(x, zone))) t.nightPages++;
  }

  // Acknowledgements, timed from the acknowledger's own first page for the group.
  const unattributed = new Map<string, number>();
  for (const a of input.acks) {
    const i = monthIndex(a.at);
    if (i === -1) continue;
    if (a.email === null) {
      unattributed.set(a.actor, (unattributed.get(a.actor) ?? 0) + 1);
      continue;
    }
    const t = tallyOf(a.email, i);
    t.acks++;
    const paged = firstPaged.get(`${a.email}\n${a.groupId}`);
    if (paged !== undefined && paged <= a.at) t.ackSeconds.push((a.at - paged) / 1000);
  }

  const emails = [...tallies.keys()].sort((x, y) => person(x).name.localeCompare(person(y).name) || x.localeCompare(y));
  const figures = (email: string, t: Tally): PersonFigures => {
    const p = person(email);
    return {
      email,
      name: p.name,
      zone: p.zone,
      onRota: onRota.has(email),
      hours: t.hoursMs / HOUR,
      nightHours: t.nightMs / HOUR,
      weekendHours: t.weekendMs / HOUR,
      pages: t.pages,
      nightPages: t.nightPages,
      acks: t.acks,
      ackMedianSeconds: median(t.ackSeconds),
      ackTimed: t.ackSeconds.length,
      flags: [],
    };
  };
  const period = (label: string, f: number, e: number, rows: PersonFigures[]): FairnessPeriod => {
    const team = rows.filter((r) => r.onRota);
    let spread: FairnessPeriod["spread"] = null;
    if (team.length > 0) {
      spread = Object.fromEntries(METRICS.map((m) => [m, spreadOf(team.map((r) => r[m]))])) as Record<Metric, MetricSpread>;
      if (team.length > 1) {
        for (const r of team) for (const m of METRICS) {
          const flag = flagFor(m, r[m], spread[m].mean, rule);
          if (flag) r.flags.push(flag);
        }
      }
    }
    return { label, from: new Date(f).toISOString(), to: new Date(e).toISOString(), people: rows, spread };
  };

  const monthPeriods = months.map((m, i) => period(m.month, m.from, m.to, emails.map((email) => figures(email, tallies.get(email)![i]!))));
  const totals = emails.map((email) => {
    const sum = tallies.get(email)!.reduce((acc, t) => ({
      hoursMs: acc.hoursMs + t.hoursMs,
      nightMs: acc.nightMs + t.nightMs,
      weekendMs: acc.weekendMs + t.weekendMs,
      pages: acc.pages + t.pages,
      nightPages: acc.nightPages + t.nightPages,
      acks: acc.acks + t.acks,
      ackSeconds: [...acc.ackSeconds, ...t.ackSeconds],
    }), emptyTally());
    return figures(email, sum);
  });
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    zone: input.zone,
    schedules: input.schedules,
    rule,
    months: monthPeriods,
    total: period("total", from, to, totals),
    unattributedAcks: [...unattributed].map(([actor, count]) => ({ actor, count })).sort((a, b) => b.count - a.count || a.actor.localeCompare(b.actor)),
  };
}
