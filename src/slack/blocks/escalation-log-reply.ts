import type { KnownBlock } from "@slack/types";
import { maskPhoneNumbers } from "../../shared/redact.js";
import { formatClock } from "./format-time.js";
import { SLACK_LIMITS, truncateMrkdwn } from "./truncate.js";

/**
 * Emoji for the log entry kinds calpage writes. Unknown kinds get none, so a new
 * kind shows up plainly instead of failing.
 */
export const ESCALATION_LOG_KIND_EMOJI: Readonly<Record<string, string>> = {
  wait: "⏳",
  step: "📣",
  notify: "📣",
  page: "📟",
  page_failed: "⚠️",
  error: "⚠️",
  repeat: "🔁",
  webhook: "🪝",
  acknowledged: "🟡",
  unacknowledged: "🔴",
  resolved: "✅",
  unresolved: "🔴",
  silenced: "🔕",
  unsilenced: "🔔",
  finished: "⏹️",
};

/**
 * A short thread reply for one escalation log entry:
 * `📣 14:05 CET · Step 2: notified on-call of *primary*: <@U1>, <@U2>`.
 * `entry.text` is mrkdwn the caller built (mentions included, outside text already
 * escaped) and is used as is; this adds the time in `opts.timezone` and the kind's emoji.
 */
export function escalationLogReply(
  entry: { at: Date; kind: string; text: string },
  opts: { timezone: string },
): { text: string; blocks?: KnownBlock[] } {
  const emoji = Object.hasOwn(ESCALATION_LOG_KIND_EMOJI, entry.kind) ? ESCALATION_LOG_KIND_EMOJI[entry.kind] : undefined;
  // Phone numbers never reach a channel in full, whoever wrote the log entry.
  const line = `${emoji ? `${emoji} ` : ""}${formatClock(entry.at, opts.timezone)} · ${maskPhoneNumbers(entry.text.trim())}`;
  const text = truncateMrkdwn(line, SLACK_LIMITS.contextText);
  return {
    text,
    // A context block renders the log line small and grey, out of the way of the conversation.
    blocks: [{ type: "context", block_id: "escalation_log", elements: [{ type: "mrkdwn", text }] }],
  };
}
