import type { Config } from "../config/config-types.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import { directPageMessage } from "../slack/blocks/direct-page-message.js";
import { SlackApiError, type SlackApi } from "../slack/slack-api.js";
import type { SlackUserCache } from "../slack/slack-user-cache.js";
import { toAlertGroupView } from "../slack/to-alert-group-view.js";
import type { Store } from "../store/store.js";

/**
 * Job `notify.page`: delivers one stored page, at most once.
 * pending -> sending is committed before the Slack call; after the call the page
 * is sent or failed. A page found in `sending` (a crash mid-call) is never sent
 * again: a duplicate DM at 3 am is worse than a logged failure. A call Slack
 * certainly did not act on (rate limit, ok:false) goes back to pending and retries.
 */
export function makePageHandler(store: Store, slack: SlackApi, slackUsers: SlackUserCache, config: Config, now: () => number = Date.now) {
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  const names = new Map(config.users.map((u) => [u.email, u.name]));
  return async (payload: Record<string, unknown>, ctx: { attempt: number; maxAttempts: number }): Promise<void> => {
    const pageId = String(payload.pageId);
    const claimed = await store.transaction(async (tx) => {
      const page = await tx.pages.get(pageId, { lock: true });
      if (!page || page.state !== "pending") return null;
      const group = await tx.groups.get(page.groupId);
      if (!group || group.state !== "firing") {
        await tx.pages.update(page.id, { state: "cancelled", updatedAt: now() });
        return null;
      }
      await tx.pages.update(page.id, { state: "sending", attempts: page.attempts + 1, updatedAt: now() });
      return { page, group, recent: await tx.alerts.recent(group.id, 5) };
    });
    if (!claimed) return;
    const { page, group, recent } = claimed;
    const who = names.get(page.userEmail) ?? page.userEmail;

    const finish = (state: "sent" | "failed" | "pending", patch: { error?: string; externalRef?: string }, logText: string | null) =>
      store.transaction(async (tx) => {
        await tx.pages.update(page.id, { state, ...patch, updatedAt: now() });
        if (logText) {
          await tx.log.add(group.id, now(), state === "sent" ? "notified" : "notify_failed", logText);
          await requestSlackSync(tx, group.id, now());
        }
      });

    try {
      const user = await slackUsers.lookup(page.userEmail);
      if (!user) {
        await finish("failed", { error: "no Slack user with this email" }, `Could not DM ${who}: no Slack user has the email ${page.userEmail}.`);
        return;
      }
      const message = directPageMessage(toAlertGroupView(group, recent, types.get(group.integration) ?? "direct"), {
        timezone: user.tz ?? config.timezone,
        channelPermalink: null,
        important: page.important,
      });
      const posted = await slack.postMessage({ channel: user.id, ...message });
      await finish("sent", { externalRef: `${posted.channel}:${posted.ts}` }, `Sent a Slack DM to ${who}.`);
    } catch (error) {
      const e = error instanceof SlackApiError ? error : null;
      if (e?.notSent && e.retryAfterMs !== null && ctx.attempt < ctx.maxAttempts) {
        await finish("pending", { error: e.message }, null);
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      await finish("failed", { error: message }, `Could not DM ${who}: ${message}.`);
    }
  };
}
