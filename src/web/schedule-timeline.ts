import { DateTime } from "luxon";
import type { Shift } from "../schedule/schedule-types.js";

export type TimelineView = "week" | "month";

/** One bar in a lane, placed by percent of its day. */
export interface TimelineBar {
  leftPct: number;
  widthPct: number;
  /** The people (or "Nobody on call"). */
  label: string;
  kind: "oncall" | "override" | "gap" | "event";
  /** Start–end in the viewer's zone, and why. */
  detail: string;
}

export interface TimelineLane {
  name: string;
  bars: TimelineBar[];
}

/** One day of the view in the viewer's zone (23 or 25 hours on a DST change). */
export interface TimelineDay {
  label: string;
  iso: string;
  lanes: TimelineLane[];
}

/** A row of the shift list under the chart. */
export interface ShiftRow {
  start: string;
  end: string;
  people: string;
  why: string;
  override: boolean;
}

export interface Timeline {
  view: TimelineView;
  zone: string;
  from: Date;
  to: Date;
  title: string;
  days: TimelineDay[];
  shifts: ShiftRow[];
  gaps: { start: string; end: string; hours: string }[];
  prevStart: string;
  nextStart: string;
  /** The lanes drawn under "On call": one per feed and level the window uses. */
  laneNames: string[];
}

/** The window a view shows: the week (Monday) or month holding `start`, in `zone`. */
export function timelineWindow(view: TimelineView, start: DateTime): { from: DateTime; to: DateTime } {
  const from = view === "week" ? start.startOf("day").minus({ days: start.weekday - 1 }) : start.startOf("month");
  return { from, to: view === "week" ? from.plus({ weeks: 1 }) : from.plus({ months: 1 }) };
}

function laneOf(source: "primary" | "overrides" | "slack", level: number, levels: Set<number>): { key: string; name: string; order: number } {
  if (source === "slack") return { key: "slack", name: "Slack overrides", order: 0 };
  if (source === "overrides") return { key: "overrides", name: "Overrides feed", order: 1 };
  const name = levels.size > 1 || level !== 0 ? `Calendar, level ${level}` : "Calendar";
  return { key: `primary:${level}`, name, order: 10 + (9 - level) };
}

/**
 * The final schedule of [from, to) laid out for the page, pure: a row per day in `zone` with the
 * "On call" lane (overrides marked, gaps as their own bars), a lane per feed and level that put
 * someone on call, and the shift and gap lists with times in `zone`.
 */
export function buildTimeline(input: {
  schedule: string;
  view: TimelineView;
  start: DateTime;
  zone: string;
  shifts: Shift[];
  gaps: { start: Date; end: Date }[];
  name: (email: string) => string;
}): Timeline {
  const { view, zone, name } = input;
  const { from, to } = timelineWindow(view, input.start.setZone(zone));
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL HH:mm");
  const people = (emails: string[]) => emails.map(name).join(", ");
  const levels = new Set(input.shifts.flatMap((s) => s.reasons.filter((r) => r.source === "primary").map((r) => r.level)));

  // Intervals per lane, merging a reason that carries on into the next shift.
  const laneItems = new Map<string, { name: string; order: number; items: { start: number; end: number; emails: string[]; why: string }[] }>();
  const finalItems: { start: number; end: number; label: string; kind: TimelineBar["kind"]; why: string }[] = [];
  for (const s of input.shifts) {
    const start = s.start.getTime();
    const end = s.end.getTime();
    const override = s.reasons.some((r) => r.source !== "primary");
    const why = [...new Set(s.reasons.map((r) => reasonText(r.source, r.level, r.summary)))].join("; ");
    finalItems.push({ start, end, label: people(s.users), kind: override ? "override" : "oncall", why });
    const byLane = new Map<string, { lane: ReturnType<typeof laneOf>; emails: string[]; summary: string }>();
    for (const r of s.reasons) {
      const lane = laneOf(r.source, r.level, levels);
      const entry = byLane.get(lane.key) ?? { lane, emails: [], summary: r.summary };
      entry.emails.push(r.userEmail);
      byLane.set(lane.key, entry);
    }
    for (const [key, { lane, emails, summary }] of byLane) {
      const l = laneItems.get(key) ?? { name: lane.name, order: lane.order, items: [] };
      const last = l.items[l.items.length - 1];
      const sorted = [...new Set(emails)].sort();
      if (last && last.end === start && last.emails.join() === sorted.join()) last.end = end;
      else l.items.push({ start, end, emails: sorted, why: summary });
      laneItems.set(key, l);
    }
  }
  for (const g of input.gaps) finalItems.push({ start: g.start.getTime(), end: g.end.getTime(), label: "Nobody on call", kind: "gap", why: "a gap: no event covers this time" });
  finalItems.sort((a, b) => a.start - b.start);
  const lanes = [...laneItems.values()].sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : 1));

  const days: TimelineDay[] = [];
  for (let d = from, i = 0; d < to && i < 32; d = d.plus({ days: 1 }), i++) {
    const dayStart = d.toMillis();
    const dayEnd = d.plus({ days: 1 }).toMillis();
    const place = (start: number, end: number) => {
      const a = Math.max(start, dayStart);
      const b = Math.min(end, dayEnd);
      if (!(b > a)) return null;
      const len = dayEnd - dayStart;
      return { leftPct: round(((a - dayStart) / len) * 100), widthPct: round(((b - a) / len) * 100), detail: `${fmt(a)} – ${fmt(b)}` };
    };
    const finalBars: TimelineBar[] = [];
    for (const it of finalItems) {
      const p = place(it.start, it.end);
      if (p) finalBars.push({ ...p, label: it.label, kind: it.kind, detail: `${p.detail}: ${it.label} (${it.why})` });
    }
    const dayLanes: TimelineLane[] = [{ name: "On call", bars: finalBars }];
    for (const l of lanes) {
      const bars: TimelineBar[] = [];
      for (const it of l.items) {
        const p = place(it.start, it.end);
        const label = people(it.emails);
        if (p) bars.push({ ...p, label, kind: l.order < 10 ? "override" : "event", detail: `${p.detail}: ${label} (${l.name}: ${it.why})` });
      }
      dayLanes.push({ name: l.name, bars });
    }
    days.push({ label: d.toFormat("ccc d LLL"), iso: d.toISODate()!, lanes: dayLanes });
  }

  const shifts = input.shifts.map((s) => ({
    start: fmt(s.start.getTime()),
    end: fmt(s.end.getTime()),
    people: people(s.users),
    why: [...new Set(s.reasons.map((r) => `${name(r.userEmail)}: ${reasonText(r.source, r.level, r.summary)}`))].join("; "),
    override: s.reasons.some((r) => r.source !== "primary"),
  }));
  const gaps = input.gaps.map((g) => ({ start: fmt(g.start.getTime()), end: fmt(g.end.getTime()), hours: hoursText(g.end.getTime() - g.start.getTime()) }));
  const title = view === "week" ? `Week of ${from.toFormat("d LLL yyyy")}` : from.toFormat("LLLL yyyy");
  const step = view === "week" ? { weeks: 1 } : { months: 1 };
  return {
    view,
    zone,
    from: from.toJSDate(),
    to: to.toJSDate(),
    title,
    days,
    shifts,
    gaps,
    prevStart: from.minus(step).toISODate()!,
    nextStart: from.plus(step).toISODate()!,
    laneNames: lanes.map((l) => l.name),
  };
}

function reasonText(source: "primary" | "overrides" | "slack", level: number, summary: string): string {
  if (source === "slack") return "Slack override";
  if (source === "overrides") return `overrides feed: ${summary}`;
  return `calendar${level ? ` [L${level}]` : ""}: ${summary}`;
}

function hoursText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h${m ? ` ${m} min` : ""}` : `${m} min`;
}

const round = (n: number) => Math.round(n * 100) / 100;
