import { describeLadder } from "../../paging/settings/ladder-text.js";
import { maskPhone } from "../../paging/settings/phone-number.js";
import { describeQuietHours } from "../../paging/quiet-hours.js";
import type { Ladder, MySettings } from "../../paging/settings/user-settings-service.js";
import { formatDuration } from "../../shared/duration.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";

/*
 * How a person's phone and ladders read in Slack (ephemeral answers and the Home tab).
 * Pure: `now` is a parameter. Numbers are always masked to their last four digits.
 */

const LADDER_TITLE: Record<Ladder, string> = { default: "Default", important: "Important" };

/** `…5678 — verified in Slack` / `…0001 — from calpage.yaml` / `none`. */
export function phoneText(me: MySettings): string {
  if (me.phone === null) return "_none_ — SMS and call steps are skipped";
  return `${maskPhone(me.phone)} — ${me.phoneSource === "slack" ? "verified in Slack" : "from calpage.yaml"}`;
}

/** Extra lines about the phone: a number waiting for its code, texts stopped, Twilio missing. */
export function phoneNotes(me: MySettings, now: number): string[] {
  const notes: string[] = [];
  if (me.pending) {
    const minutes = Math.max(1, Math.ceil((me.pending.expiresAt - now) / 60_000));
    notes.push(`:hourglass_flowing_sand: ${maskPhone(me.pending.phone)} is waiting for its code (expires in ${minutes} min): answer \`/oncall me verify <code>\`. Until then calpage uses the number above.`);
  }
  if (me.smsOptOut) notes.push(`:no_bell: You replied STOP, so calpage does not text you. Text START${me.smsFrom ? ` to ${me.smsFrom}` : ""} to get texts again.`);
  if (!me.phoneEnabled) notes.push(":warning: Twilio is not configured in calpage: phone numbers cannot be verified, and SMS and call steps are skipped.");
  return notes;
}

/** `*Default:* Slack DM → wait 2m → SMS _(calpage.yaml)_` */
export function ladderLine(me: MySettings, k: Ladder): string {
  const source = me.ruleSources[k] === "slack" ? "set in Slack" : "calpage.yaml";
  return `*${LADDER_TITLE[k]}:* ${escapeMrkdwn(describeLadder(me.rules[k]))} _(${source})_`;
}

/** Lines about what the per-number paging limits would hold back of the ladders. */
export function ladderNotes(me: MySettings): string[] {
  return (me.limitNotes ?? []).map((n) => `:warning: ${escapeMrkdwn(n)}`);
}

const ZONE_SOURCE: Record<MySettings["zone"]["source"], string> = {
  Slack: "from your Slack profile",
  "calpage.yaml": "from calpage.yaml",
  default: "calpage's default; Slack has not told calpage yours",
};

/** `*Time zone:* Europe/Berlin (from your Slack profile)` */
export function zoneLine(me: MySettings): string {
  return `*Time zone:* ${escapeMrkdwn(me.zone.zone)} _(${ZONE_SOURCE[me.zone.source]})_`;
}

/** `*Quiet hours:* 22:00–07:00 (Europe/Berlin) — normal pages reach you by Slack DM only; important ones ring as always.` */
export function quietLine(me: MySettings): string {
  if (me.quiet === null) return "*Quiet hours:* _none_ — every page follows your ladder at any hour";
  const now = me.quietNow ? " _(quiet now)_" : "";
  return `*Quiet hours:* ${escapeMrkdwn(describeQuietHours(me.quiet, me.zone.zone))}${now} — normal pages reach you by Slack DM only (no SMS or call); important pages ring as always`;
}

/** The answer to `/oncall me quiet …`. */
export function quietSavedText(me: MySettings): string {
  return me.quiet === null
    ? ":white_check_mark: No quiet hours: from the next page on every page follows your ladder at any hour."
    : `:white_check_mark: Saved. ${quietLine(me)}.
Your time zone: ${escapeMrkdwn(me.zone.zone)} _(${ZONE_SOURCE[me.zone.source]})_.`;
}

/** The answer to `/oncall me`. */
export function meSummaryText(me: MySettings, now: number): string {
  return [
    `*Your notification settings* (${escapeMrkdwn(me.email)})`,
    `*Phone:* ${phoneText(me)}`,
    ...phoneNotes(me, now),
    ladderLine(me, "default"),
    ladderLine(me, "important"),
    ...ladderNotes(me),
    quietLine(me),
    zoneLine(me),
    remindersText(me.reminders),
    "",
    "Change them:",
    "• `/oncall me phone +4915112345678` — a new number, checked with a code sent by SMS · `/oncall me phone remove`",
    "• `/oncall me rules default slack_dm, wait 2m, sms, wait 3m, call` · `/oncall me rules important …` · `/oncall me rules reset`",
    "• `/oncall me quiet 22:00-07:00` — normal pages by Slack DM only during those hours · `/oncall me quiet off`",
    "• or use the buttons in calpage's Home tab.",
  ].join("\n");
}

/** The answer to `/oncall me phone <n>` once the code is on its way. */
export function codeSentText(phone: string): string {
  return `Code sent to ${maskPhone(phone)}; answer \`/oncall me verify <code>\`. calpage keeps using your current number until then.`;
}

/** The answer after a successful verification. */
export function verifiedText(phone: string): string {
  return `:white_check_mark: ${maskPhone(phone)} is verified: calpage texts and calls you there from the next page on.`;
}

/** The answer to `/oncall me phone remove`. */
export function phoneRemovedText(changed: boolean, me: MySettings): string {
  const now = me.phone === null ? "You have no phone number now, so SMS and call steps are skipped." : `calpage uses ${maskPhone(me.phone)} from calpage.yaml.`;
  return changed ? `Removed the number you set in Slack. ${now}` : `You had not set a number in Slack. ${now}`;
}

/** The answer after a ladder was saved (or reset). */
export function rulesSavedText(me: MySettings, changed: Ladder[], warnings: string[], heading = ":white_check_mark: Saved. From the next page on:"): string {
  return [heading, ...changed.map((k) => ladderLine(me, k)), ...warnings.map((w) => `:warning: ${w}`)].join("\n");
}

/** Ladder errors, one per line. */
export function ladderErrorsText(k: Ladder, errors: readonly string[]): string {
  return [`Your ${k} ladder was not changed:`, ...errors.map((e) => `• ${escapeMrkdwn(e)}`)].join("\n");
}

export const NOT_A_USER_TEXT = "You are not a calpage user, so you have no notification settings: ask whoever runs calpage to add your Slack email to `users` in calpage.yaml.";

/** One line on the person's shift reminders (ms before each shift; null: the schedules'). */
export function remindersText(reminders: number[] | null): string {
  if (reminders === null) return "*Shift reminders:* each schedule's (calpage.yaml; by default a day and an hour before). `/oncall me reminders 1d 1h` or `off` to choose your own.";
  if (reminders.length === 0) return "*Shift reminders:* off — calpage does not DM you before your shifts. `/oncall me reminders reset` for each schedule's.";
  return `*Shift reminders:* ${reminders.map((ms) => formatDuration(Math.round(ms / 1000))).join(" and ")} before each of your shifts. \`/oncall me reminders reset\` for each schedule's.`;
}
