import type { App } from "@slack/bolt";
import type { Config } from "../../config/config-types.js";
import type { SlackUserCache } from "../slack-user-cache.js";

/**
 * The calpage user (email in calpage.yaml) behind a Slack member: `slack_id` in calpage.yaml,
 * an email calpage already looked up, else the member's profile email (`users.info`).
 * Null when they are not a calpage user or Slack does not say.
 */
export function createIdentifyMe(config: Config, slackUsers: SlackUserCache) {
  const byEmail = new Map(config.users.map((u) => [u.email.toLowerCase(), u.email]));
  return async function identifyMe(client: App["client"], slackId: string): Promise<string | null> {
    const known = slackUsers.emailFor(slackId);
    if (known) return known;
    const info = await client.users.info({ user: slackId }).catch(() => null);
    const email = info?.user?.profile?.email?.toLowerCase();
    return email ? (byEmail.get(email) ?? null) : null;
  };
}

export type IdentifyMe = ReturnType<typeof createIdentifyMe>;
