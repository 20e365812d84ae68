import type { ScheduleNotice } from "../../schedule/after-refresh.js";
import type { ShiftChange } from "../../schedule/diff-shifts.js";
import type { ScheduleReport } from "../../schedule/schedule-report.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { formatDateTime } from "../blocks/format-time.js";

/** Renders a person (by email) as mrkdwn: a `<@U…>` mention when their Slack id is known, else their name, escaped. */
export type PersonRenderer = (email: string) => string;

/** Lines listed in one message before "and N more". */
const MAX_LINES = 15;

const list = (people: string[], who: PersonRenderer) => (people.length ? people.map(who).join(", ") : "_nobody_");
const at = (ms: number, zone: string, ref: number) => formatDateTime(new Date(ms), zone, new Date(ref));
const range = (start: number, end: number, zone: string, ref: number) => `${at(start, zone, ref)} → ${at(end, zone, ref)}`;
const sched = (name: string) => `*${escapeMrkdwn(name)}*`;

function capped(lines: string[]): string[] {
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES), `…and ${lines.length - MAX_LINES} more`];
}

/** What an on-call change announcement says. */
export interface AnnouncementView {
  schedule: string;
  timezone: string;
  now: number;
  users: string[];
  /** The next change: when, and who is on call from then; null when none is known. */
  next: { at: number; users: string[] } | null;
}

/** `*primary*: now on call: <@U1>. Next: <@U2> at Mon 9 Mar, 09:00 CET.` */
export function announcementText(v: AnnouncementView, who: PersonRenderer): string {
  const now = v.users.length ? `:calendar: ${sched(v.schedule)}: now on call: ${list(v.users, who)}.` : `:calendar: ${sched(v.schedule)}: now on call: _nobody_ — this is a gap in the schedule.`;
  if (!v.next) return now;
  const next = v.next.users.length ? `Next: ${list(v.next.users, who)} at ${at(v.next.at, v.timezone, v.now)}.` : `Next: nobody is on call from ${at(v.next.at, v.timezone, v.now)}.`;
  return `${now} ${next}`;
}

/** The text of a notice decided after a refresh. */
export function noticeText(schedule: string, timezone: string, n: ScheduleNotice, now: number, who: PersonRenderer): string {
  switch (n.kind) {
    case "feed_failing": {
      const why = n.failures.map((f) => `${f.kind === "overrides" ? "overrides feed" : "feed"}: ${escapeMrkdwn(f.message)}`).join("; ");
      const serving =
        n.lastGoodAt !== null
          ? `calpage keeps using the last good copy (fetched ${at(n.lastGoodAt, timezone, now)}), so who is on call may be out of date.`
          : "There is no good copy stored yet, so calpage does not know who is on call.";
      return `:warning: The calendar feed of ${sched(schedule)} is failing (${why}). ${serving} There will be one more message when the feed recovers.`;
    }
    case "feed_recovered":
      return `:white_check_mark: The calendar feed of ${sched(schedule)} works again; calpage is using the fresh copy.`;
    case "report":
      return reportText(schedule, timezone, n.report, now, n.weekly, who);
    case "report_cleared":
      return `:white_check_mark: ${sched(schedule)}: every name in the calendar matches a user and nobody-on-call gaps in the next 14 days are gone.`;
    case "calendar_change":
      return calendarChangeText(schedule, timezone, n.changes, now, who);
  }
}

/** Unmatched names, gaps in the next 14 days, broken events and night shifts, one per line. */
export function reportText(schedule: string, timezone: string, r: ScheduleReport, now: number, weekly: boolean, who?: PersonRenderer): string {
  const lines: string[] = [];
  if (r.unmatched.length) {
    lines.push("*Names that match no user* (add them as `aliases` in calpage.yaml, or fix the event):");
    lines.push(...capped(r.unmatched.map((p) => `• ${escapeMrkdwn(p.message)}`)));
  }
  if (r.gaps.length) {
    lines.push("*Nobody on call* (next 14 days):");
    lines.push(...capped(r.gaps.map((g) => `• ${g.ongoing ? `now → ${at(g.end, timezone, now)}` : range(g.start, g.end, timezone, now)}`)));
  }
  if (r.other.length) {
    lines.push("*Events calpage could not read fully:*");
    lines.push(...capped(r.other.map((p) => `• ${escapeMrkdwn(p.message)}`)));
  }
  if (r.nights?.length) {
    lines.push("*On call at night* (00:00–06:00 in their own time zone, next 14 days):");
    lines.push(...capped(r.nights.map((n) => `• ${who ? who(n.email) : escapeMrkdwn(n.email)}: ${hoursText(n.hours)} (${escapeMrkdwn(n.zone)})`)));
  }
  const head = weekly ? `:mag: Weekly calendar check for ${sched(schedule)}:` : `:mag: Calendar check for ${sched(schedule)} after the calendar changed:`;
  return [head, ...lines].join("\n");
}

/** `6 h`, `1.5 h`: whole hours as they are, else to the half hour (never 0 for a positive time). */
function hoursText(hours: number): string {
  const rounded = Math.max(0.5, Math.round(hours * 2) / 2);
  return `${rounded} h`;
}

/** Stretches of the next 7 days whose people changed in the calendar. */
export function calendarChangeText(schedule: string, timezone: string, changes: ShiftChange[], now: number, who: PersonRenderer): string {
  const lines = changes.map((c) => `• ${range(c.start, c.end, timezone, now)}: ${list(c.after, who)} (was ${list(c.before, who)})`);
  return [`:repeat: Shift change in the calendar of ${sched(schedule)}:`, ...capped(lines)].join("\n");
}

/** Said once when a shift has nobody on call and the schedule's user group cannot follow. */
export function userGroupEmptyText(schedule: string, group: string, kept: string[]): string {
  const members = kept.length ? kept.map((id) => `<@${escapeMrkdwn(id)}>`).join(", ") : "_its current members_";
  return `:warning: Nobody is on call in ${sched(schedule)} right now. Slack does not allow an empty user group, so @${escapeMrkdwn(group)} keeps ${members} until someone is on call again.`;
}

/** Said once when the configured user group does not exist in Slack. */
export function userGroupMissingText(schedule: string, group: string): string {
  return `:warning: ${sched(schedule)} should keep the Slack user group @${escapeMrkdwn(group)} equal to who is on call, but Slack has no such group. Create it (or fix \`user_group\` in calpage.yaml).`;
}

/** Ephemeral/DM lines about a cover request. */
export function coverTakenTexts(v: { schedule: string; taker: string; requester: string; start: number; end: number; timezone: string; now: number }): { taker: string; requester: string } {
  const when = range(v.start, v.end, v.timezone, v.now);
  return {
    taker: `:white_check_mark: You are covering ${v.requester} in ${sched(v.schedule)}: ${when}. Thank you!`,
    requester: `:white_check_mark: ${v.taker} is covering your shift in ${sched(v.schedule)}: ${when}.`,
  };
}
