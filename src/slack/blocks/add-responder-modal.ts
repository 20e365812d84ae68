import type { KnownBlock, ModalView } from "@slack/types";
import { escapeMrkdwnInline } from "./mrkdwn-parts.js";

/** `callback_id` of the "Add responder" modal; its `private_metadata` is the alert group id. */
export const VIEW_ADD_RESPONDER = "add_responder";
/** `block_id`s of its inputs; each input's `action_id` is {@link ADD_RESPONDER_INPUT_ACTION}. */
export const ADD_RESPONDER_INPUTS = { users: "add_responder_users", schedules: "add_responder_schedules" } as const;
export const ADD_RESPONDER_INPUT_ACTION = "pick";
/** At most this many people picked in the modal (as `/oncall add`: at most 10 names a time). */
export const MAX_PICKED_PEOPLE = 10;
/** Slack allows at most 100 options in a static select. */
const MAX_OPTIONS = 100;

/**
 * The modal behind an alert's **Add responder** button: a people picker and (when schedules are
 * configured) a schedule picker; either may be left empty, not both (the listener says so).
 */
export function addResponderModal(group: { id: string; number: number; title: string }, schedules: readonly string[]): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*#${group.number} ${escapeMrkdwnInline(group.title, 200) || "(untitled)"}*\nThe people you pick, and whoever is on call now in the schedules you pick, are paged with their own notification rules — also while the group is acknowledged.`,
      },
    },
    {
      type: "input",
      block_id: ADD_RESPONDER_INPUTS.users,
      optional: true,
      label: { type: "plain_text", text: "People" },
      element: { type: "multi_users_select", action_id: ADD_RESPONDER_INPUT_ACTION, max_selected_items: MAX_PICKED_PEOPLE, placeholder: { type: "plain_text", text: "Pick people" } },
    },
  ];
  if (schedules.length > 0) {
    blocks.push({
      type: "input",
      block_id: ADD_RESPONDER_INPUTS.schedules,
      optional: true,
      label: { type: "plain_text", text: "Whoever is on call in" },
      element: {
        type: "multi_static_select",
        action_id: ADD_RESPONDER_INPUT_ACTION,
        placeholder: { type: "plain_text", text: "Pick schedules" },
        options: schedules.slice(0, MAX_OPTIONS).map((name) => ({ text: { type: "plain_text", text: name.slice(0, 75) }, value: name.slice(0, 150) })),
      },
    });
  }
  return {
    type: "modal",
    callback_id: VIEW_ADD_RESPONDER,
    private_metadata: group.id,
    title: { type: "plain_text", text: "Add responder" },
    submit: { type: "plain_text", text: "Page them" },
    close: { type: "plain_text", text: "Cancel" },
    blocks,
  };
}
