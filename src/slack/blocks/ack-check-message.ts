import type { KnownBlock } from "@slack/types";
import { formatDuration } from "../../shared/duration.js";
import { ACTION_ACK_KEEP, ACTION_UNACK } from "./action-ids.js";
import { escapeMrkdwnInline } from "./mrkdwn-parts.js";

/** `block_id` of the question's buttons. */
export const ACK_CHECK_BLOCK_ID = "ack_check_actions";

/**
 * The DM of a chain's `ack_timeout`: "You acknowledged #42 … 30m ago and it is still firing. Still on
 * it?" with **Keep** (stays acknowledged, asked again later) and **Unacknowledge** (the chain starts again).
 */
export function ackCheckMessage(group: { id: string; number: number; title: string }, ackedForSeconds: number, answerWithinSeconds: number): { text: string; blocks: KnownBlock[] } {
  const title = escapeMrkdwnInline(group.title, 200) || "(untitled)";
  const question = `:hourglass: You acknowledged *#${group.number} ${title}* ${formatDuration(ackedForSeconds)} ago and it is still firing. *Still on it?*`;
  const consequence = `Without an answer within ${formatDuration(answerWithinSeconds)}, calpage unacknowledges it and the escalation chain starts again.`;
  return {
    text: `Still on it? You acknowledged #${group.number} ${formatDuration(ackedForSeconds)} ago and it is still firing.`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${question}\n${consequence}` } },
      {
        type: "actions",
        block_id: ACK_CHECK_BLOCK_ID,
        elements: [
          { type: "button", action_id: ACTION_ACK_KEEP, style: "primary", text: { type: "plain_text", text: "Keep", emoji: true }, value: group.id },
          { type: "button", action_id: ACTION_UNACK, text: { type: "plain_text", text: "Unacknowledge", emoji: true }, value: group.id },
        ],
      },
    ],
  };
}
