import type { Tx } from "../store/store.js";

/** Slack jobs for one group always land in the same queue, so its message is never posted twice concurrently. */
export function slackQueueFor(groupId: string): string {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (h * 31 + groupId.charCodeAt(i)) >>> 0;
  return `slack-${h % 4}`;
}

/**
 * Asks for the group's Slack message (and thread log) to be brought up to date.
 * Requests coalesce: the job key keeps one pending sync per group, and with
 * `delayMs` the earliest pending time wins, so a burst of alerts makes a few updates, not hundreds.
 */
export async function requestSlackSync(tx: Tx, groupId: string, now: number, delayMs = 0): Promise<void> {
  await tx.jobs.add({
    task: "slack.sync",
    payload: { groupId },
    jobKey: `slack:${groupId}`,
    jobKeyMode: "preserve_run_at",
    runAt: new Date(now + delayMs),
    queue: slackQueueFor(groupId),
    maxAttempts: 25,
  });
}
