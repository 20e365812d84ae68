import { requestSlackNotice } from "../alerts/request-slack-notice.js";
import { slackQueueFor } from "../alerts/request-slack-sync.js";
import type { Store } from "../store/store.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { CHANNEL_POST_SPACING_MS, markPosted, spaceFromLastPost } from "./sync-handler.js";

/** Job `slack.notice`: posts one plain message to a channel, in the channel's shared pace. */
export function makeSlackNoticeHandler(store: Store, slack: SlackApi, now: () => number = Date.now) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const channel = String(payload.channel);
    const text = String(payload.text);
    const t = now();
    const reserved = typeof payload.slot === "number" ? payload.slot : null;
    const start = reserved ?? (await store.transaction((tx) => tx.rateSlots.reserve(`slack:post:${channel}`, t, CHANNEL_POST_SPACING_MS)));
    if (start > t + 20) {
      // Not our turn yet: come back at the reserved slot instead of holding a worker.
      await store.transaction((tx) =>
        tx.jobs.add({ task: "slack.notice", payload: { channel, text, slot: start }, runAt: new Date(start), queue: slackQueueFor(channel), maxAttempts: 25, precise: true }),
      );
      return;
    }
    if (!(await spaceFromLastPost(store, `slack:post:${channel}`, now))) {
      await store.transaction((tx) =>
        tx.jobs.add({ task: "slack.notice", payload: { channel, text }, runAt: new Date(now() + CHANNEL_POST_SPACING_MS), queue: slackQueueFor(channel), maxAttempts: 25, precise: true }),
      );
      return;
    }
    try {
      await slack.postMessage({ channel, text });
      await markPosted(store, `slack:post:${channel}`, now);
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        // Re-queue at the time Slack gave rather than burning a retry with backoff.
        await store.transaction((tx) => requestSlackNotice(tx, channel, text, now() + (error.retryAfterMs ?? 1000)));
        return;
      }
      throw error;
    }
  };
}
