import type { HeaderBlock, KnownBlock } from "@slack/types";
import { alertGroupActions } from "./alert-group-actions.js";
import { alertGroupFallbackText, messageMrkdwn, section, statusContext } from "./alert-group-message.js";
import { STATE_EMOJI, summaryLine } from "./alert-group-status.js";
import type { AlertGroupView } from "./alert-group-view.js";
import { actorMrkdwn, escapeMrkdwnInline, mrkdwnLink, safeUrl } from "./mrkdwn-parts.js";

/** `block_id`s of the DM; the actions block uses {@link actionsBlockId}. */
export const DIRECT_PAGE_BLOCK_IDS = {
  header: "direct_page_header",
  alert: "direct_page_alert",
  message: "direct_page_message",
  status: "direct_page_status",
} as const;

/** Enough of the message to decide what to do from a phone; the channel has the rest. */
const MESSAGE_EXCERPT = 500;

/**
 * The DM a paged person gets: "You are being paged" (❗ when important), the
 * group's title, severity, alert count, a link to the channel message when known,
 * and the same state-appropriate buttons as the channel message. Once the group is
 * no longer firing (the DM gets updated) it reads "You were paged". `opts.responder`: the page of a
 * responder request ("add responder"): it says so, and on an acknowledged group asks for help
 * (its Acknowledge answers the request; see {@link alertGroupActions}).
 */
export function directPageMessage(
  view: AlertGroupView,
  opts: { timezone: string; channelPermalink: string | null; important: boolean; responder?: boolean },
): { text: string; blocks: KnownBlock[] } {
  const responder = opts.responder === true;
  const headline = responder && view.state === "acknowledged" ? `${opts.important ? "❗" : "📟"} You are asked to help` : pageHeadline(view, opts.important);
  const header: HeaderBlock = {
    type: "header",
    block_id: DIRECT_PAGE_BLOCK_IDS.header,
    text: { type: "plain_text", text: headline, emoji: true },
  };
  const lines = [`*${STATE_EMOJI[view.state]} #${view.number} ${escapeMrkdwnInline(view.title, 200) || "(untitled)"}*`, summaryLine(view)];
  const permalink = opts.channelPermalink !== null ? safeUrl(opts.channelPermalink) : null;
  if (responder) {
    const by = view.state === "acknowledged" && view.acknowledgedBy ? `; ${actorMrkdwn(view.acknowledgedBy)} acknowledged it and is on it` : "";
    lines.push(`You were added as a responder${by}.`);
  }
  if (permalink !== null) lines.push(mrkdwnLink(permalink, "View the alert in the channel"));
  const blocks: KnownBlock[] = [header, section(DIRECT_PAGE_BLOCK_IDS.alert, lines.join("\n"))];
  const message = messageMrkdwn(view, MESSAGE_EXCERPT);
  if (message !== null) blocks.push(section(DIRECT_PAGE_BLOCK_IDS.message, message));
  blocks.push(statusContext(DIRECT_PAGE_BLOCK_IDS.status, view, opts.timezone));
  blocks.push(alertGroupActions(view, { responder }));
  return { text: `${headline}: ${alertGroupFallbackText(view, { stateEmoji: false })}`, blocks };
}

function pageHeadline(view: AlertGroupView, important: boolean): string {
  const emoji = important ? "❗" : "📟";
  const verb = view.state === "firing" ? "You are being paged" : "You were paged";
  return `${emoji} ${verb}${important ? " (important)" : ""}`;
}
