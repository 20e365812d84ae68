import type { GroupActions } from "../alerts/group-actions.js";
import { mention } from "../alerts/mention.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import { formatDuration } from "../shared/duration.js";
import type { Store, Tx } from "../store/store.js";
import type { AckTimeout } from "../config/config-types.js";

/** The job that asks "still on it?" once a group has been acknowledged for `ack_timeout`. */
export const ackTimeoutJobKey = (groupId: string) => `ack-timeout:${groupId}`;
/** The job that unacknowledges the group when that question goes unanswered. */
export const ackAnswerJobKey = (groupId: string) => `ack-answer:${groupId}`;

/** Who the unacknowledgement is credited to when nobody answered. */
export const ACK_TIMEOUT_ACTOR = "calpage (no answer to “still on it?”)";

/**
 * Arms the chain's ack timeout for an acknowledgement made at `ackedAt`: the question is asked at
 * `at`. The payload carries `ackedAt`, so a later acknowledgement (after an unack) is never asked
 * about by an earlier one's timer.
 */
export async function armAckTimeout(tx: Tx, groupId: string, ackedAt: number, at: number): Promise<void> {
  await tx.jobs.add({ task: "escalation.ack_timeout", payload: { groupId, ackedAt }, jobKey: ackTimeoutJobKey(groupId), runAt: new Date(at), maxAttempts: 25 });
}

export async function disarmAckTimeout(tx: Tx, groupId: string): Promise<void> {
  await tx.jobs.remove(ackTimeoutJobKey(groupId));
  await tx.jobs.remove(ackAnswerJobKey(groupId));
}

/**
 * Job `escalation.ack_timeout`: the group is still acknowledged by the same acknowledgement and
 * still firing — log it, ask the acknowledger by Slack DM (`slack.ack_check`, the Slack adapter's
 * job) and start the clock for the answer.
 */
export function makeAckTimeoutHandler(store: Store, ackTimeoutOf: (chain: string | null) => AckTimeout | null, now: () => number = Date.now) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const ackedAt = Number(payload.ackedAt);
    await store.transaction(async (tx) => {
      const g = await tx.groups.get(groupId, { lock: true });
      if (!g || g.state !== "acknowledged" || g.acknowledgedAt !== ackedAt || g.acknowledgedBy === null) return;
      const timeout = ackTimeoutOf(g.chain);
      if (!timeout) return; // the chain lost its ack_timeout in a reload
      const t = now();
      const within = formatDuration(timeout.answerWithinSeconds);
      await tx.log.add(
        g.id,
        t,
        "ack_timeout",
        `Acknowledged by ${mention(g.acknowledgedBy)} ${formatDuration(Math.round((t - ackedAt) / 1000))} ago and still firing: asking whether they are still on it; no answer within ${within} unacknowledges it.`,
      );
      await tx.jobs.add({ task: "slack.ack_check", payload: { groupId: g.id, actor: g.acknowledgedBy, ackedAt, answerWithinSeconds: timeout.answerWithinSeconds }, maxAttempts: 5 });
      await tx.jobs.add({
        task: "escalation.ack_answer",
        payload: { groupId: g.id, ackedAt, askedAt: t },
        jobKey: ackAnswerJobKey(g.id),
        runAt: new Date(t + timeout.answerWithinSeconds * 1000),
        maxAttempts: 25,
      });
      await requestSlackSync(tx, g.id, t);
    });
  };
}

/**
 * Job `escalation.ack_answer`: nobody answered "still on it?" in time (**Keep** removes this job,
 * **Unacknowledge** changes the acknowledgement): unacknowledge, so the chain starts again.
 */
export function makeAckAnswerHandler(store: Store, act: GroupActions, now: () => number = Date.now) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const ackedAt = Number(payload.ackedAt);
    const g = await store.read.groups.get(groupId);
    if (!g || g.state !== "acknowledged" || g.acknowledgedAt !== ackedAt) return;
    await act(groupId, "unacknowledge", ACK_TIMEOUT_ACTOR, now(), { ifAcknowledgedAt: ackedAt, unlessKeptSince: Number(payload.askedAt) });
  };
}
