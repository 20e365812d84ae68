import { expandCalendar } from "./expand-calendar.js";
import { matchUsers } from "./match-users.js";
import type { ParsedCalendar, ScheduleProblem, ScheduleUser, Shift, ShiftReason, SlackOverride } from "./schedule-types.js";

/** Input of {@link finalSchedule}. */
export interface FinalScheduleInput {
  primary: ParsedCalendar;
  overrides: ParsedCalendar | null;
  slackOverrides: SlackOverride[];
  users: ScheduleUser[];
  from: Date;
  to: Date;
  /** Passed to {@link expandCalendar}. */
  maxOccurrences?: number;
}

interface FeedItem {
  start: number;
  end: number;
  source: "primary" | "overrides";
  level: number;
  emails: string[];
  uid: string;
  summary: string;
}

interface SlackItem {
  start: number;
  end: number;
  id: string;
  userEmail: string;
  replacing: string | null;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The final schedule over [from, to): contiguous, non-overlapping shifts in time order, adjacent
 * shifts with the same people merged, gaps absent, everything clipped to the window.
 *
 * Precedence, per instant: Slack overrides > overrides feed > higher `[Ln]` level > lower level;
 * events at the winning level (within the winning feed) all count, so overlaps put everyone on call.
 * A Slack override without `replacing` takes over alone (several at once: all of them); one with
 * `replacing` swaps that person out where they are on call and does nothing where they are not.
 * An event naming no known user is reported (`unmatched_name`) and ignored for precedence: a
 * typo in an override must not silence the people underneath it.
 *
 * `problems` holds both feeds' parse problems, expansion caps and unmatched names (once per event
 * and name).
 */
export function finalSchedule(input: FinalScheduleInput): { shifts: Shift[]; problems: ScheduleProblem[] } {
  const { from, to, users } = input;
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const problems: ScheduleProblem[] = [...input.primary.problems, ...(input.overrides?.problems ?? [])];
  if (!(toMs > fromMs)) return { shifts: [], problems };

  const expandOpts = { problems, ...(input.maxOccurrences !== undefined ? { maxOccurrences: input.maxOccurrences } : {}) };
  const occurrences = [
    ...expandCalendar(input.primary, from, to, { ...expandOpts, source: "primary" }),
    ...(input.overrides ? expandCalendar(input.overrides, from, to, { ...expandOpts, source: "overrides" }) : []),
  ];

  const reported = new Set<string>();
  const feed: FeedItem[] = [];
  for (const o of occurrences) {
    const m = matchUsers(o.summary, o.attendees, users);
    for (const name of m.unmatched) {
      const key = `${o.uid}\u0000${name.toLowerCase()}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push({ kind: "unmatched_name", uid: o.uid, message: `"${name}" in "${o.summary}" matches no user` });
    }
    if (m.emails.length === 0) {
      const key = `${o.uid}\u0000`;
      if (m.unmatched.length === 0 && !reported.has(key)) {
        reported.add(key);
        problems.push({ kind: "unmatched_name", uid: o.uid, message: `"${o.summary}" names no user and has no user as attendee` });
      }
      continue;
    }
    const start = Math.max(o.start.getTime(), fromMs);
    const end = Math.min(o.end.getTime(), toMs);
    if (end <= start) continue;
    feed.push({ start, end, source: o.source, level: m.level, emails: m.emails, uid: o.uid, summary: o.summary });
  }

  const slack: SlackItem[] = [];
  for (const s of input.slackOverrides) {
    const start = Math.max(s.start.getTime(), fromMs);
    const end = Math.min(s.end.getTime(), toMs);
    if (end <= start) continue;
    slack.push({ start, end, id: s.id, userEmail: s.userEmail.trim().toLowerCase(), replacing: s.replacing ? s.replacing.trim().toLowerCase() : null });
  }

  const bounds = [...new Set([...feed, ...slack].flatMap((i) => [i.start, i.end]))].sort((a, b) => a - b);
  // Sweep: every item starts and ends on a boundary, so it covers whole segments only.
  feed.sort((x, y) => x.start - y.start);
  slack.sort((x, y) => x.start - y.start || cmp(x.id, y.id));
  let activeFeed: FeedItem[] = [];
  let activeSlack: SlackItem[] = [];
  let nextFeed = 0;
  let nextSlack = 0;
  const shifts: Shift[] = [];
  // Reasons of the shift being built, deduplicated by key as segments merge into it; sorted once when it is done.
  let seen = new Set<string>();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i]!;
    const b = bounds[i + 1]!;
    activeFeed = activeFeed.filter((f) => f.end > a);
    activeSlack = activeSlack.filter((s) => s.end > a);
    while (nextFeed < feed.length && feed[nextFeed]!.start <= a) activeFeed.push(feed[nextFeed++]!);
    while (nextSlack < slack.length && slack[nextSlack]!.start <= a) activeSlack.push(slack[nextSlack++]!);
    const seg = resolveSegment(activeFeed, activeSlack);
    if (seg.size === 0) continue;
    const usersHere = [...seg.keys()].sort(cmp);
    const prev = shifts[shifts.length - 1];
    let target: Shift;
    if (prev && prev.end.getTime() === a && sameList(prev.users, usersHere)) {
      prev.end = new Date(b);
      target = prev;
    } else {
      if (prev) prev.reasons = sortReasons(prev.reasons);
      target = { start: new Date(a), end: new Date(b), users: usersHere, reasons: [] };
      shifts.push(target);
      seen = new Set();
    }
    for (const list of seg.values()) {
      for (const r of list) {
        const key = reasonKey(r);
        if (seen.has(key)) continue;
        seen.add(key);
        target.reasons.push(r);
      }
    }
  }
  const last = shifts[shifts.length - 1];
  if (last) last.reasons = sortReasons(last.reasons);
  return { shifts, problems };
}

/** Who is on call in one elementary segment, with why: email -> reasons. */
function resolveSegment(feed: FeedItem[], slack: SlackItem[]): Map<string, ShiftReason[]> {
  const out = new Map<string, ShiftReason[]>();
  const fromOverrides = feed.filter((f) => f.source === "overrides");
  const tier = fromOverrides.length > 0 ? fromOverrides : feed;
  const level = tier.reduce((max, f) => Math.max(max, f.level), -1);
  for (const f of tier) {
    if (f.level !== level) continue;
    for (const email of f.emails) {
      const list = out.get(email) ?? [];
      list.push({ userEmail: email, source: f.source, level: f.level, uid: f.uid, summary: f.summary });
      out.set(email, list);
    }
  }

  const slackLevel = Math.max(level, 0);
  const takeovers = slack.filter((s) => s.replacing === null);
  if (takeovers.length > 0) {
    out.clear();
    for (const s of takeovers) {
      const list = out.get(s.userEmail) ?? [];
      list.push({ userEmail: s.userEmail, source: "slack", level: slackLevel, uid: s.id, summary: "Slack override" });
      out.set(s.userEmail, list);
    }
  }
  for (const s of slack) {
    if (s.replacing === null || !out.has(s.replacing) || s.replacing === s.userEmail) continue;
    const replaced = out.get(s.replacing)!;
    out.delete(s.replacing);
    const list = out.get(s.userEmail) ?? [];
    list.push({ userEmail: s.userEmail, source: "slack", level: replaced[0]?.level ?? slackLevel, uid: s.id, summary: `Covering ${s.replacing}` });
    out.set(s.userEmail, list);
  }
  return out;
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function reasonKey(r: ShiftReason): string {
  return `${r.userEmail}\u0000${r.source}\u0000${r.uid}\u0000${r.level}\u0000${r.summary}`;
}

function sortReasons(reasons: ShiftReason[]): ShiftReason[] {
  return reasons.sort((x, y) => cmp(x.userEmail, y.userEmail) || cmp(x.source, y.source) || cmp(x.uid, y.uid) || cmp(x.summary, y.summary));
}
