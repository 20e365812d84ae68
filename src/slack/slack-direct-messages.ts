import type { DirectMessagePort } from "../notify/direct-message-port.js";
import { directPageMessage } from "./blocks/direct-page-message.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import type { SlackUserCache } from "./slack-user-cache.js";
import { toAlertGroupView } from "./to-alert-group-view.js";

/** Pages as Slack DMs: people found by email (through the user cache; their time zone is passed to `onZone`), the page rendered in Block Kit and posted to the member's id. */
export function createSlackDirectMessages(slack: SlackApi, slackUsers: SlackUserCache, onZone?: (email: string, tz: string | null) => void): DirectMessagePort {
  return {
    async findRecipient(email) {
      const found = await slackUsers.lookup(email);
      // The lookup says the person's Slack time zone too: quiet hours use it from now on.
      if (found) onZone?.(email, found.tz);
      return found;
    },
    async sendPage(to, page) {
      const message = directPageMessage(toAlertGroupView(page.group, page.recent, page.integrationType, { templates: page.templates, warn: page.warn ?? (() => {}) }), {
        timezone: page.timezone,
        channelPermalink: null,
        important: page.important,
        responder: page.responder === true,
      });
      const posted = await slack.postMessage({ channel: to.id, ...message });
      return `${posted.channel}:${posted.ts}`;
    },
    retryAfterMs: (error) => (error instanceof SlackApiError && error.notSent ? error.retryAfterMs : null),
  };
}
