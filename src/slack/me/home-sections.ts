import type { KnownBlock } from "@slack/types";
import { ACTION_ACK } from "../blocks/action-ids.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { formatDateTime } from "../blocks/format-time.js";
import { SLACK_LIMITS, truncateMrkdwn } from "../blocks/truncate.js";
import { coverShiftValue } from "../schedule/cover-blocks.js";

/** Home tab button on one of your shifts: open the cover modal with that shift chosen. `value` = the cover modal's shift value (`schedule|start|end`). */
export const ACTION_HOME_REQUEST_COVER = "me_home_request_cover";

/** How far ahead the Home tab lists your shifts. */
export const HOME_SHIFT_DAYS = 14;
/**
 * At most this many shifts and this many groups are listed (one block each): the whole Home tab
 * then has at most 46 blocks, within even a message's 50 and well under a view's 100.
 */
export const HOME_MAX_SHIFTS = 15;
export const HOME_MAX_GROUPS = 15;

/** One of your turns on call. */
export interface HomeShift {
  schedule: string;
  start: number;
  end: number;
  /** The schedule has a channel, so a cover request can be posted. */
  canCover: boolean;
  /** The turn goes on past the last time calpage looked at (`end`). */
  openEnded?: boolean;
}

/** An open alert group that paged you. */
export interface HomeGroup {
  id: string;
  number: number;
  title: string;
  state: "firing" | "acknowledged" | "silenced";
  /** Who acknowledged it (a Slack user id, shown as a mention, or a name), when acknowledged. */
  acknowledgedBy: string | null;
}

/** What the Home tab shows of a calpage user's shifts and pages; times in `timezone` (theirs). */
export interface HomeExtras {
  timezone: string;
  shifts: HomeShift[];
  groups: HomeGroup[];
}

const section = (text: string, accessory?: Record<string, unknown>): KnownBlock =>
  ({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) }, ...(accessory ? { accessory } : {}) }) as KnownBlock;
const header = (text: string): KnownBlock => ({ type: "header", text: { type: "plain_text", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/** "Your next shifts (14 days)": one line per turn, times in the person's zone, each with **Request cover** where the schedule has a channel. */
export function shiftBlocks(x: HomeExtras, now: number): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: "divider" }, header(`Your next shifts (${HOME_SHIFT_DAYS} days)`)];
  if (x.shifts.length === 0) return [...blocks, section(`You are not on call in the next ${HOME_SHIFT_DAYS} days.`)];
  const ref = new Date(now);
  for (const s of x.shifts.slice(0, HOME_MAX_SHIFTS)) {
    const when = `${formatDateTime(new Date(s.start), x.timezone, ref)} → ${s.openEnded ? "beyond " : ""}${formatDateTime(new Date(s.end), x.timezone, ref)}`;
    const nowOn = s.start <= now ? " _(on call now)_" : "";
    const button = s.canCover ? { type: "button", action_id: ACTION_HOME_REQUEST_COVER, text: { type: "plain_text", text: "Request cover" }, value: coverShiftValue(s) } : undefined;
    blocks.push(section(`*${escapeMrkdwn(s.schedule)}*: ${when}${nowOn}`, button));
  }
  const more = x.shifts.length - HOME_MAX_SHIFTS;
  blocks.push(context(`${more > 0 ? `…and ${more} more; \`/oncall shifts\` lists them all. ` : ""}Times are in ${escapeMrkdwn(x.timezone)}.`));
  return blocks;
}

/** "Open alert groups that paged you": firing ones with **Acknowledge** (the alert message's own button, so the same access rules apply). */
export function groupBlocks(x: HomeExtras): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: "divider" }, header("Open alert groups that paged you")];
  if (x.groups.length === 0) return [...blocks, section("None. :tada:")];
  for (const g of x.groups.slice(0, HOME_MAX_GROUPS)) {
    const by = g.acknowledgedBy ? (/^[UW][A-Z0-9]+$/.test(g.acknowledgedBy) ? `<@${g.acknowledgedBy}>` : escapeMrkdwn(g.acknowledgedBy)) : null;
    const state = g.state === "acknowledged" ? `acknowledged${by ? ` by ${by}` : ""}` : g.state;
    const button = g.state === "firing" ? { type: "button", action_id: ACTION_ACK, text: { type: "plain_text", text: "Acknowledge" }, style: "primary", value: g.id } : undefined;
    blocks.push(section(`*#${g.number}* ${escapeMrkdwn(g.title)} — _${state}_`, button));
  }
  const more = x.groups.length - HOME_MAX_GROUPS;
  if (more > 0) blocks.push(context(`…and ${more} more; \`/oncall alerts\` lists them, \`/oncall ack mine\` acknowledges every firing one.`));
  return blocks;
}
