import type { Config } from "../config/config-types.js";
import type { Store } from "../store/store.js";
import { alertGroupMessage } from "./blocks/alert-group-message.js";
import { escalationLogReply } from "./blocks/escalation-log-reply.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { logTextToMrkdwn, toAlertGroupView } from "./to-alert-group-view.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";

/**
 * Job `slack.sync`: brings a group's channel message up to date — posts it the
 * first time, edits it in place (`chat.update`) afterwards — then posts any log
 * entries not yet in its thread, in order. Jobs for one group run one at a time
 * (same queue), so the message is posted once. A 429 re-schedules the sync for
 * when Slack allows it.
 */
export function makeSlackSyncHandler(store: Store, slack: SlackApi, config: Config, now: () => number = Date.now) {
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const group = await store.read.groups.get(groupId);
    if (!group || !group.channel) return;
    try {
      const recent = await store.read.alerts.recent(group.id, 5);
      const message = alertGroupMessage(toAlertGroupView(group, recent, types.get(group.integration) ?? "direct"), {
        timezone: config.timezone,
      });
      let channel = group.slackChannelId;
      let ts = group.slackTs;
      if (!channel || !ts) {
        const posted = await slack.postMessage({ channel: group.channel, ...message });
        channel = posted.channel;
        ts = posted.ts;
        await store.transaction((tx) => tx.groups.update(group.id, { slackChannelId: channel, slackTs: ts }));
      } else {
        await slack.updateMessage({ channel, ts, ...message });
      }
      for (const entry of await store.read.log.unposted(group.id)) {
        const reply = escalationLogReply({ at: new Date(entry.at), kind: entry.kind, text: logTextToMrkdwn(entry.text) }, { timezone: config.timezone });
        const posted = await slack.postMessage({ channel, threadTs: ts, ...reply });
        await store.transaction((tx) => tx.log.markPosted(entry.id, posted.ts));
      }
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        await store.transaction((tx) => requestSlackSync(tx, group.id, now(), error.retryAfterMs ?? 1000));
        return;
      }
      throw error;
    }
  };
}
