import type { KnownBlock, ModalView } from "@slack/types";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { formatDateTime } from "../blocks/format-time.js";
import { truncatePlain } from "../blocks/truncate.js";

/**
 * Ids the cover-request listeners register on. Renaming one breaks the buttons of every request
 * already posted: treat them as a public contract.
 */
/** Button on a cover request: take the shift. `value` = cover request id. */
export const ACTION_COVER_TAKE = "schedule_cover_take";
/** Button on a cover request: the asker withdraws it. `value` = cover request id. */
export const ACTION_COVER_WITHDRAW = "schedule_cover_withdraw";
/** `callback_id` of the "ask for cover" modal. */
export const VIEW_COVER = "schedule_cover_request";
/** `block_id`s / `action_id`s of the modal's inputs (action ids are all `pick`). */
export const COVER_INPUTS = { shift: "cover_shift", from: "cover_from", to: "cover_to", note: "cover_note" } as const;
export const COVER_INPUT_ACTION = "pick";

/** What a cover request message shows. */
export interface CoverRequestView {
  id: string;
  schedule: string;
  /** mrkdwn of the asker (mention or name). */
  requester: string;
  start: number;
  end: number;
  note: string | null;
  state: "open" | "taken" | "withdrawn" | "expired";
  /** mrkdwn of whoever took it. */
  takenBy: string | null;
  timezone: string;
  now: number;
}

const when = (v: { start: number; end: number; timezone: string; now: number }) =>
  `${formatDateTime(new Date(v.start), v.timezone, new Date(v.now))} → ${formatDateTime(new Date(v.end), v.timezone, new Date(v.now))}`;

/** The request as posted in the schedule's channel: **Take shift** and **Withdraw** while open, the outcome after. */
export function coverRequestMessage(v: CoverRequestView): { text: string; blocks: KnownBlock[] } {
  const head = `:raising_hand: ${v.requester} asks for cover in *${escapeMrkdwn(v.schedule)}*: ${when(v)}`;
  const blocks: KnownBlock[] = [{ type: "section", block_id: "cover_request", text: { type: "mrkdwn", text: head } }];
  if (v.note) blocks.push({ type: "context", block_id: "cover_note", elements: [{ type: "mrkdwn", text: `> ${escapeMrkdwn(truncatePlain(v.note, 500)).replace(/\n/g, "\n> ")}` }] });
  let outcome: string;
  switch (v.state) {
    case "open":
      blocks.push({
        type: "actions",
        block_id: `cover_actions:${v.id}`,
        elements: [
          { type: "button", action_id: ACTION_COVER_TAKE, text: { type: "plain_text", text: "Take shift" }, style: "primary", value: v.id },
          { type: "button", action_id: ACTION_COVER_WITHDRAW, text: { type: "plain_text", text: "Withdraw" }, value: v.id },
        ],
      });
      outcome = "The first teammate to click *Take shift* covers it. Only the asker can withdraw.";
      break;
    case "taken":
      outcome = `:white_check_mark: Taken by ${v.takenBy ?? "a teammate"}.`;
      break;
    case "withdrawn":
      outcome = `:heavy_multiplication_x: Withdrawn by ${v.requester}.`;
      break;
    case "expired":
      outcome = ":hourglass: Expired: nobody took it before it ended.";
      break;
  }
  blocks.push({ type: "context", block_id: "cover_status", elements: [{ type: "mrkdwn", text: outcome }] });
  const plainState = v.state === "open" ? "open" : v.state;
  return { text: `Cover request in ${v.schedule} (${plainState}): ${when(v)}`, blocks };
}

/** One shift the asker may hand over, for the modal's menu. */
export interface CoverShiftOption {
  schedule: string;
  start: number;
  end: number;
}

/** Value of a shift option: `<schedule>|<start ms>|<end ms>`. */
export function coverShiftValue(o: CoverShiftOption): string {
  return `${o.schedule}|${o.start}|${o.end}`;
}

/** Reads a shift option's value; null for anything else. */
export function parseCoverShiftValue(value: string | undefined | null): CoverShiftOption | null {
  const m = /^(.{1,100})\|(\d{1,15})\|(\d{1,15})$/.exec(value ?? "");
  if (!m) return null;
  const start = Number(m[2]);
  const end = Number(m[3]);
  return end > start ? { schedule: m[1]!, start, end } : null;
}

/**
 * The "ask for cover" modal: the asker's upcoming shifts (times in their own zone), an optional
 * custom range within the chosen shift, and a note.
 */
export function coverModal(opts: { shifts: CoverShiftOption[]; timezone: string; now: number; privateMetadata: string }): ModalView {
  const options = opts.shifts.slice(0, 100).map((s) => ({
    text: { type: "plain_text" as const, text: truncatePlain(`${s.schedule}: ${when({ ...s, timezone: opts.timezone, now: opts.now })}`, 75) },
    value: coverShiftValue(s),
  }));
  return {
    type: "modal",
    callback_id: VIEW_COVER,
    private_metadata: opts.privateMetadata,
    title: { type: "plain_text", text: "Ask for cover" },
    submit: { type: "plain_text", text: "Post request" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "section",
        text: { type: "mrkdwn", text: `Pick the shift to hand over. The request is posted in the schedule's channel with a *Take shift* button. Times are in ${escapeMrkdwn(opts.timezone)}.` },
      },
      {
        type: "input",
        block_id: COVER_INPUTS.shift,
        label: { type: "plain_text", text: "Shift" },
        element: { type: "static_select", action_id: COVER_INPUT_ACTION, options, ...(options[0] ? { initial_option: options[0] } : {}) },
      },
      {
        type: "input",
        block_id: COVER_INPUTS.from,
        optional: true,
        label: { type: "plain_text", text: "From (only part of the shift)" },
        element: { type: "datetimepicker", action_id: COVER_INPUT_ACTION },
      },
      {
        type: "input",
        block_id: COVER_INPUTS.to,
        optional: true,
        label: { type: "plain_text", text: "Until" },
        element: { type: "datetimepicker", action_id: COVER_INPUT_ACTION },
      },
      {
        type: "input",
        block_id: COVER_INPUTS.note,
        optional: true,
        label: { type: "plain_text", text: "Note for your teammates" },
        element: { type: "plain_text_input", action_id: COVER_INPUT_ACTION, multiline: true, max_length: 500 },
      },
    ],
  };
}
