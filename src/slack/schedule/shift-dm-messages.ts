import type { KnownBlock } from "@slack/types";
import type { HandoffSummary } from "../../schedule/handoff-summary.js";
import type { ShiftDm } from "../../schedule/plan-shift-dms.js";
import { formatDuration } from "../../shared/duration.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { formatDateTime } from "../blocks/format-time.js";
import { truncatePlain } from "../blocks/truncate.js";
import { coverShiftValue } from "./cover-blocks.js";
import type { PersonRenderer } from "./schedule-messages.js";

/** Button on a shift reminder: ask for cover of that shift (opens the cover modal). `value` = `coverShiftValue`. */
export const ACTION_COVER_ASK = "schedule_cover_ask";

/** Open groups listed before "and N more". */
const MAX_GROUPS = 10;

export interface ShiftDmView {
  schedule: string;
  /** The reader's time zone (their Slack one, else the schedule's). */
  timezone: string;
  now: number;
  /** Whether a Request cover button makes sense (the schedule has a channel to post requests in). */
  canAskCover: boolean;
}

const at = (ms: number, v: ShiftDmView) => formatDateTime(new Date(ms), v.timezone, new Date(v.now));
const span = (t: { start: number; end: number }, v: ShiftDmView) => `${at(t.start, v)} → ${at(t.end, v)}`;
const sched = (name: string) => `*${escapeMrkdwn(name)}*`;
/** `3h`, `1d`, `45m`: roughly how long until `t` (whole minutes). */
const until = (t: number, now: number) => formatDuration(Math.max(60, Math.round((t - now) / 60_000) * 60));

/** An open group, as a line of the "on call now" and handoff messages. */
export interface OpenGroupLine {
  number: number;
  title: string;
  state: string;
}

function groupLines(groups: OpenGroupLine[]): string[] {
  const lines = groups.slice(0, MAX_GROUPS).map((g) => `• #${g.number} ${escapeMrkdwn(truncatePlain(g.title, 120))} (${g.state})`);
  if (groups.length > MAX_GROUPS) lines.push(`…and ${groups.length - MAX_GROUPS} more`);
  return lines;
}

/** The reminder, moved, cancelled, "on call now" and shift-changes DMs. */
export function shiftDmMessage(dm: Exclude<ShiftDm, { kind: "handoff" }>, v: ShiftDmView, open: OpenGroupLine[] = []): { text: string; blocks: KnownBlock[] } {
  let text: string;
  const blocks: KnownBlock[] = [];
  switch (dm.kind) {
    case "reminder":
      text = `:alarm_clock: Reminder: you are on call for ${sched(v.schedule)} in ${until(dm.turn.start, v.now)}: ${span(dm.turn, v)}.`;
      break;
    case "moved":
      text = `:arrows_counterclockwise: Your shift in ${sched(v.schedule)} moved to ${span(dm.to, v)} (was ${span(dm.from, v)}).`;
      break;
    case "cancelled":
      text = `:heavy_multiplication_x: Your shift in ${sched(v.schedule)} ${span(dm.turn, v)} was cancelled: you are no longer on call then.`;
      break;
    case "changes": {
      const lines = [
        ...dm.added.map((x) => ({ at: x.start, line: `• new: ${span(x, v)}` })),
        ...dm.removed.map((x) => ({ at: x.start, line: `• no longer yours: ${span(x, v)}` })),
      ].sort((a, b) => a.at - b.at);
      text = [`:calendar: Your shifts in ${sched(v.schedule)} changed:`, ...lines.map((l) => l.line)].join("\n");
      break;
    }
    case "start": {
      const head = `:rotating_light: You are on call now for ${sched(v.schedule)} until ${at(dm.turn.end, v)}.`;
      text = open.length === 0 ? `${head} No alert groups are open.` : [`${head} Open alert groups:`, ...groupLines(open)].join("\n");
      break;
    }
  }
  blocks.push({ type: "section", block_id: "shift_dm", text: { type: "mrkdwn", text } });
  if ((dm.kind === "reminder" || dm.kind === "moved") && v.canAskCover) {
    const turn = dm.kind === "reminder" ? dm.turn : dm.to;
    blocks.push({
      type: "actions",
      block_id: "shift_dm_actions",
      elements: [{ type: "button", action_id: ACTION_COVER_ASK, text: { type: "plain_text", text: "Request cover" }, value: coverShiftValue({ schedule: v.schedule, start: turn.start, end: turn.end }) }],
    });
  }
  return { text, blocks };
}

/** The handoff at the end of a shift, for the outgoing person, the incoming one, or the channel. */
export function handoffText(
  dm: Extract<ShiftDm, { kind: "handoff" }>,
  role: "outgoing" | "incoming" | "channel",
  summary: HandoffSummary,
  v: ShiftDmView,
  who: PersonRenderer,
): string {
  const next = dm.incoming.length ? dm.incoming.map(who).join(", ") : "_nobody_";
  const head =
    role === "outgoing"
      ? `:handshake: Your shift in ${sched(v.schedule)} ended (${span(dm.turn, v)}). Taking over: ${next}.`
      : role === "incoming"
        ? `:handshake: You take over ${sched(v.schedule)} from ${who(dm.outgoing)}, whose shift ran ${span(dm.turn, v)}.`
        : `:handshake: Handoff in ${sched(v.schedule)}: ${who(dm.outgoing)} → ${next} (shift ${span(dm.turn, v)}).`;
  const s = summary;
  const tta = s.medianAckMs === null ? "" : `, median time to acknowledge ${formatDuration(Math.max(1, Math.round(s.medianAckMs / 1000)))}`;
  const lines = [head, `During the shift: ${s.opened} alert groups opened, ${s.acknowledged} acknowledged, ${s.resolved} resolved; ${s.pages} pages to ${role === "outgoing" ? "you" : who(dm.outgoing)}${tta}.`];
  if (s.stillOpen.length === 0) lines.push("Nothing is open.");
  else lines.push("Still open:", ...groupLines(s.stillOpen));
  return lines.join("\n");
}
