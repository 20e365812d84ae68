import type { Config } from "../config/config-types.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Store } from "../store/store.js";
import type { LogEntry } from "../store/repositories/log-repository.js";
import { alertGroupMessage } from "./blocks/alert-group-message.js";
import { escalationLogReply } from "./blocks/escalation-log-reply.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { logTextToMrkdwn, toAlertGroupView } from "./to-alert-group-view.js";

/** Slack allows about one message per second per channel (thread replies included). */
export const CHANNEL_POST_SPACING_MS = 1000;
/** A sync waits this long at most for its channel slot; beyond it, it re-schedules itself. */
const MAX_SLOT_WAIT_MS = 3000;
/** Thread replies are batched: several log lines in one reply, at most this many characters. */
const MAX_REPLY_CHARS = 2800;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Job `slack.sync`: brings a group's channel message up to date — posts it the
 * first time, edits it in place (`chat.update`) afterwards, skipping edits that
 * would not change it — then posts the log entries not yet in its thread,
 * batched into as few replies as possible. Jobs for one group run one at a time
 * (same queue), so the message is posted once. Channel posts are paced through a
 * slot shared by all processes; a 429 re-schedules the sync for when Slack allows it.
 */
export function makeSlackSyncHandler(store: Store, slack: SlackApi, config: Config, now: () => number = Date.now) {
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  const lastRendered = new Map<string, string>();

  /** Waits for this channel's next post slot; false when it is too far away (the caller re-schedules). */
  async function channelSlot(channel: string): Promise<{ ok: true } | { ok: false; at: number }> {
    const t = now();
    const key = `slack:post:${channel}`;
    const start = await store.transaction((tx) => tx.rateSlots.reserve(key, t, CHANNEL_POST_SPACING_MS));
    const wait = start - t;
    if (wait <= 0) return { ok: true };
    if (wait <= MAX_SLOT_WAIT_MS) {
      await sleep(wait);
      return { ok: true };
    }
    await store.transaction((tx) => tx.rateSlots.release(key, start, CHANNEL_POST_SPACING_MS));
    return { ok: false, at: start };
  }

  function remember(groupId: string, rendered: string) {
    lastRendered.delete(groupId);
    lastRendered.set(groupId, rendered);
    if (lastRendered.size > 10_000) lastRendered.delete(lastRendered.keys().next().value as string);
  }

  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const group = await store.read.groups.get(groupId);
    if (!group || !group.channel) return;
    const later = (at: number) => store.transaction((tx) => requestSlackSync(tx, group.id, now(), Math.max(0, at - now())));
    try {
      const recent = await store.read.alerts.recent(group.id, 5);
      const message = alertGroupMessage(toAlertGroupView(group, recent, types.get(group.integration) ?? "direct"), {
        timezone: config.timezone,
      });
      const rendered = JSON.stringify(message);
      let channel = group.slackChannelId;
      let ts = group.slackTs;
      if (!channel || !ts) {
        const slot = await channelSlot(group.channel);
        if (!slot.ok) return later(slot.at);
        const posted = await slack.postMessage({ channel: group.channel, ...message });
        channel = posted.channel;
        ts = posted.ts;
        await store.transaction((tx) => tx.groups.update(group.id, { slackChannelId: channel, slackTs: ts }));
        remember(group.id, rendered);
      } else if (lastRendered.get(group.id) !== rendered) {
        await slack.updateMessage({ channel, ts, ...message });
        remember(group.id, rendered);
      }
      const pending = await store.read.log.unposted(group.id);
      for (const batch of batches(pending, config.timezone)) {
        // Paced under the configured channel name, the same key the root post and notices use.
        const slot = await channelSlot(group.channel);
        if (!slot.ok) return later(slot.at);
        const posted = await slack.postMessage({ channel, threadTs: ts, text: batch.text, blocks: [{ type: "context", elements: [{ type: "mrkdwn", text: batch.text }] }] });
        await store.transaction(async (tx) => {
          for (const id of batch.ids) await tx.log.markPosted(id, posted.ts);
        });
      }
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        lastRendered.delete(group.id);
        return later(now() + error.retryAfterMs);
      }
      throw error;
    }
  };
}

function batches(entries: readonly LogEntry[], timezone: string): { ids: number[]; text: string }[] {
  const out: { ids: number[]; text: string }[] = [];
  let current: { ids: number[]; lines: string[]; size: number } = { ids: [], lines: [], size: 0 };
  for (const e of entries) {
    const line = escalationLogReply({ at: new Date(e.at), kind: e.kind, text: logTextToMrkdwn(e.text) }, { timezone }).text;
    if (current.lines.length > 0 && current.size + line.length + 1 > MAX_REPLY_CHARS) {
      out.push({ ids: current.ids, text: current.lines.join("\n") });
      current = { ids: [], lines: [], size: 0 };
    }
    current.ids.push(e.id);
    current.lines.push(line);
    current.size += line.length + 1;
  }
  if (current.lines.length > 0) out.push({ ids: current.ids, text: current.lines.join("\n") });
  return out;
}
