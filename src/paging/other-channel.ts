import type { LadderChannel } from "../notify/ladder/ladder.js";

/**
 * The channel of a second notice after a page with an unknown outcome: another channel than the
 * lost one where the person can get it (a DM after a text or call; a text, else a call, after a
 * DM), else the same one again.
 */
export function otherChannel(lost: LadderChannel, phoneOk: boolean, smsOptOut: boolean): LadderChannel {
  if (lost !== "slack_dm") return "slack_dm";
  if (phoneOk) return smsOptOut ? "call" : "sms";
  return "slack_dm";
}
