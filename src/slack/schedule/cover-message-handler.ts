import { slackQueueFor } from "../../alerts/request-slack-sync.js";
import type { Config } from "../../config/config-types.js";
import { requestCoverMessage, TASK_COVER_MESSAGE } from "../../schedule/schedule-jobs.js";
import type { Store } from "../../store/store.js";
import { SlackApiError, type SlackApi } from "../slack-api.js";
import { CHANNEL_POST_SPACING_MS, markPosted, spaceFromLastPost, UPDATE_SPACING_MS } from "../sync-handler.js";
import { coverRequestMessage } from "./cover-blocks.js";
import type { SlackPeople } from "./slack-people.js";

/**
 * Job `schedule.cover_message`: posts a cover request in its schedule's channel the first time
 * (in the channel's shared pace: it reserves the next slot and comes back then, never sleeping
 * for it) and afterwards edits it to show what happened
 * (taken by whom, withdrawn, expired). Runs in the channel's Slack queue, so it is posted once.
 */
export function makeCoverMessageHandler(deps: { store: Store; config: Config; slack: SlackApi; people: SlackPeople; now: () => number }) {
  const { store, config, slack, people, now } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));
  return async (payload: Record<string, unknown>): Promise<void> => {
    const id = String(payload.id);
    const r = await store.read.coverRequests.get(id);
    const sc = r ? byName.get(r.schedule) : undefined;
    if (!r || !sc?.channel) return;
    const channel = sc.channel;
    const who = await people.renderer([r.requesterEmail, ...(r.takenBy ? [r.takenBy] : [])]);
    const message = coverRequestMessage({
      id: r.id,
      schedule: r.schedule,
      requester: who(r.requesterEmail),
      start: r.startAt,
      end: r.endAt,
      note: r.note,
      state: r.state,
      takenBy: r.takenBy ? who(r.takenBy) : null,
      timezone: sc.timezone,
      now: now(),
    });
    const key = `slack:post:${channel}`;
    const later = (at: number, slot?: number) =>
      store.transaction((tx) =>
        tx.jobs.add({ task: TASK_COVER_MESSAGE, payload: { id, ...(slot !== undefined ? { slot } : {}) }, runAt: new Date(at), jobKey: `schedule.cover:${id}`, queue: slackQueueFor(channel), maxAttempts: 25, precise: true }),
      );
    try {
      if (r.channel && r.slackTs) {
        // Edits are paced per channel too (Slack rate-limits chat.update).
        const wait = await store.transaction((tx) => tx.rateSlots.claimAfter(`slack:update:${channel}:last`, now(), UPDATE_SPACING_MS));
        if (wait > 0) return void (await later(now() + wait));
        await slack.updateMessage({ channel: r.channel, ts: r.slackTs, ...message });
        return;
      }
      // The first post takes the channel's next slot, shared with every other post there; never sleeps for it.
      const t = now();
      const reserved = typeof payload.slot === "number" ? payload.slot : null;
      const start = reserved ?? (await store.transaction((tx) => tx.rateSlots.reserve(key, t, CHANNEL_POST_SPACING_MS)));
      if (start > t + 20) return void (await later(start, start));
      if (!(await spaceFromLastPost(store, key, now))) return void (await later(now() + CHANNEL_POST_SPACING_MS));
      const posted = await slack.postMessage({ channel, ...message });
      await markPosted(store, key, now);
      await store.transaction(async (tx) => {
        await tx.coverRequests.setMessage(r.id, posted.channel, posted.ts, now());
        // Taken or withdrawn while it was being posted: show that too.
        const after = await tx.coverRequests.get(r.id);
        if (after && after.state !== r.state) await requestCoverMessage(tx, after, channel, now());
      });
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        await later(now() + error.retryAfterMs);
        return;
      }
      throw error;
    }
  };
}
