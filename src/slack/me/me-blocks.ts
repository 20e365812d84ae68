import type { HomeView, KnownBlock, ModalView } from "@slack/types";
import { LADDER_TEXT_EXAMPLE, LADDER_TEXT_MAX, ladderToText } from "../../paging/settings/ladder-text.js";
import { maskPhone } from "../../paging/settings/phone-number.js";
import type { MySettings } from "../../paging/settings/user-settings-service.js";
import { CODE_TTL_MS } from "../../paging/settings/verification-code.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { SLACK_LIMITS, truncateMrkdwn } from "../blocks/truncate.js";
import { groupBlocks, shiftBlocks, type HomeExtras } from "./home-sections.js";
import { ladderLine, ladderNotes, NOT_A_USER_TEXT, phoneNotes, phoneText, quietLine, remindersText, zoneLine } from "./me-summary.js";

/*
 * Ids the listeners register on. The Home tab of everyone who opened it carries these
 * buttons: treat them as a public contract.
 */
/** Home tab button: open the "notification rules" modal. */
export const ACTION_ME_EDIT_RULES = "me_edit_rules";
/** Home tab button: open the "change phone number" modal. */
export const ACTION_ME_CHANGE_PHONE = "me_change_phone";
/** Home tab button (while a number waits for its code): open the "verify" modal. */
export const ACTION_ME_ENTER_CODE = "me_enter_code";
/** `callback_id`s of the modals. */
export const VIEW_ME_RULES = "me_rules";
export const VIEW_ME_PHONE = "me_phone";
export const VIEW_ME_VERIFY = "me_verify";
/** `block_id`s of the modal inputs; every input's `action_id` is {@link ME_INPUT_ACTION}. */
export const ME_INPUTS = { default: "me_rules_default", important: "me_rules_important", phone: "me_phone_number", code: "me_verify_code" } as const;
export const ME_INPUT_ACTION = "value";

/** One schedule's line in "On call now". */
export interface OnCallLine {
  schedule: string;
  /** Names of who is on call (plain text). */
  people: string[];
}

const mrkdwnSection = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) } });

/** `*primary*: Alice, Bob` lines, or that no schedule is configured. Names are escaped. */
function onCallText(lines: readonly OnCallLine[]): string {
  const line = (l: OnCallLine) => `*${escapeMrkdwn(l.schedule)}*: ${l.people.length ? l.people.map(escapeMrkdwn).join(", ") : "_nobody is on call_"}`;
  return lines.map(line).join("\n") || "No schedules are configured.";
}

/**
 * calpage's Home tab: who is on call now and, for calpage users, their next shifts (with
 * **Request cover**), the open alert groups that paged them (with **Acknowledge**), their phone
 * (masked), both ladders in words and their quiet hours, with buttons to change them.
 * `me` null = not a calpage user; `extras` null = shifts and groups could not be read.
 */
export function homeView(onCall: readonly OnCallLine[], me: MySettings | null, now: number, extras: HomeExtras | null = null): HomeView {
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: "On call now" } }, mrkdwnSection(onCallText(onCall))];
  if (me !== null && extras !== null) blocks.push(...shiftBlocks(extras, now), ...groupBlocks(extras));
  blocks.push({ type: "divider" }, { type: "header", text: { type: "plain_text", text: "How calpage reaches you" } });
  if (me === null) {
    blocks.push(mrkdwnSection(NOT_A_USER_TEXT));
  } else {
    blocks.push(mrkdwnSection([`*Phone:* ${phoneText(me)}`, ...phoneNotes(me, now)].join("\n")));
    blocks.push(mrkdwnSection([ladderLine(me, "default"), ladderLine(me, "important"), ...ladderNotes(me)].join("\n")));
    blocks.push(mrkdwnSection([quietLine(me), zoneLine(me)].join("\n")));
    blocks.push(mrkdwnSection(remindersText(me.reminders)));
    const buttons: KnownBlock = {
      type: "actions",
      block_id: "me_actions",
      elements: [
        { type: "button", action_id: ACTION_ME_EDIT_RULES, text: { type: "plain_text", text: "Edit notification rules" }, style: "primary" },
        { type: "button", action_id: ACTION_ME_CHANGE_PHONE, text: { type: "plain_text", text: "Change phone number" } },
        ...(me.pending ? [{ type: "button" as const, action_id: ACTION_ME_ENTER_CODE, text: { type: "plain_text" as const, text: "Enter code" } }] : []),
      ],
    };
    blocks.push(buttons);
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: "*Default* pages use the first ladder, *important* ones the second; a ladder stops once the alert is acknowledged. `/oncall me phone remove` goes back to calpage.yaml's number; `/oncall me quiet 22:00-07:00` sets quiet hours." }],
    });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "Type `/oncall help` for commands, `/oncall me help` for your settings." }] });
  return { type: "home", blocks };
}

/** The "Edit notification rules" modal: both ladders as editable text, prefilled with the current ones. */
export function rulesModal(me: MySettings): ModalView {
  const input = (blockId: string, label: string, value: string, hint: string): KnownBlock => ({
    type: "input",
    block_id: blockId,
    label: { type: "plain_text", text: label },
    hint: { type: "plain_text", text: hint },
    element: {
      type: "plain_text_input",
      action_id: ME_INPUT_ACTION,
      multiline: true,
      initial_value: value.slice(0, LADDER_TEXT_MAX),
      max_length: LADDER_TEXT_MAX,
      placeholder: { type: "plain_text", text: LADDER_TEXT_EXAMPLE },
    },
  });
  return {
    type: "modal",
    callback_id: VIEW_ME_RULES,
    title: { type: "plain_text", text: "Notification rules" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      mrkdwnSection(
        "Steps separated by commas: `slack_dm`, `sms`, `call`, `wait 2m`, `call until answered every 2m x5`. calpage goes down the ladder until the alert is acknowledged.",
      ),
      input(ME_INPUTS.default, "Default ladder", ladderToText(me.rules.default), "For normal pages."),
      input(ME_INPUTS.important, "Important ladder", ladderToText(me.rules.important), "For pages from important escalation steps."),
      ...(me.phone === null ? [mrkdwnSection(":information_source: You have no phone number, so `sms` and `call` are not possible until you add one.")] : []),
    ],
  };
}

/** The "Change phone number" modal. */
export function phoneModal(me: MySettings): ModalView {
  return {
    type: "modal",
    callback_id: VIEW_ME_PHONE,
    title: { type: "plain_text", text: "Change phone number" },
    submit: { type: "plain_text", text: "Send code" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      mrkdwnSection(`Now: ${phoneText(me)}. calpage texts a 6-digit code to the new number; it is used once you type the code back.`),
      {
        type: "input",
        block_id: ME_INPUTS.phone,
        label: { type: "plain_text", text: "New number (international form)" },
        element: { type: "plain_text_input", action_id: ME_INPUT_ACTION, max_length: 40, placeholder: { type: "plain_text", text: "+4915112345678" } },
      },
    ],
  };
}

/** The "Verify" modal, for the code texted to `pendingPhone`. */
export function verifyModal(pendingPhone: string): ModalView {
  return {
    type: "modal",
    callback_id: VIEW_ME_VERIFY,
    title: { type: "plain_text", text: "Verify phone number" },
    submit: { type: "plain_text", text: "Verify" },
    close: { type: "plain_text", text: "Later" },
    blocks: [
      mrkdwnSection(`calpage texted a code to ${maskPhone(pendingPhone)}. It expires in ${CODE_TTL_MS / 60_000} minutes; \`/oncall me verify <code>\` works too.`),
      {
        type: "input",
        block_id: ME_INPUTS.code,
        label: { type: "plain_text", text: "Code from the SMS" },
        element: { type: "plain_text_input", action_id: ME_INPUT_ACTION, min_length: 6, max_length: 7, placeholder: { type: "plain_text", text: "123456" } },
      },
    ],
  };
}
