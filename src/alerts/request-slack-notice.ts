import type { Tx } from "../store/store.js";
import { slackQueueFor } from "./request-slack-sync.js";

/** Queues a plain message to a channel (warnings, announcements), paced like every channel post. */
export async function requestSlackNotice(tx: Tx, channel: string, text: string, now: number): Promise<void> {
  await tx.jobs.add({ task: "slack.notice", payload: { channel, text }, runAt: new Date(now), queue: slackQueueFor(channel), maxAttempts: 25 });
}
