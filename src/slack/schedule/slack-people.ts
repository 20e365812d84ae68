import type { Config } from "../../config/config-types.js";
import type { SlackApi } from "../slack-api.js";
import type { SlackUserCache } from "../slack-user-cache.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import type { PersonRenderer } from "./schedule-messages.js";

/**
 * Who is who between Slack and calpage.yaml: the calpage user behind a Slack id, a person's Slack
 * time zone, and how to name people in messages (a mention when their Slack id is known).
 */
export function createSlackPeople(config: Config, slack: SlackApi, slackUsers: SlackUserCache) {
  const users = new Map(config.users.map((u) => [u.email, u]));
  const name = (email: string) => users.get(email)?.name ?? email;
  return {
    name,
    /** The calpage user (email) a Slack member is, and their Slack time zone; email null when they are not in calpage.yaml. */
    async identify(slackId: string): Promise<{ email: string | null; tz: string | null }> {
      const known = slackUsers.emailFor(slackId);
      const info = await slack.userInfo(slackId).catch(() => null);
      const email = known ?? info?.email ?? null;
      return { email: email && users.has(email) ? email : null, tz: info?.tz ?? null };
    },
    /** A calpage user by Slack id (`U…`), `@handle`, email or name, as typed in a command; null when none matches. */
    async resolve(word: string): Promise<string | null> {
      const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
      if (mention) return (await this.identify(mention[1]!)).email;
      const w = word.replace(/^@/, "").replace(/^mailto:/i, "").toLowerCase();
      for (const u of config.users) {
        if (u.email === w || u.slackHandle?.toLowerCase() === w || u.email.split("@")[0] === w || u.aliases.some((a) => a.toLowerCase() === w)) return u.email;
      }
      return null;
    },
    /** A person's Slack member id (`slack_id` in calpage.yaml, else looked up by email); null when Slack does not know them. */
    async slackRef(email: string): Promise<string | null> {
      const ref = await slackUsers.lookup(email);
      return ref?.id ?? null;
    },
    /** Renders the given people as mentions where Slack knows them, names otherwise. */
    async renderer(emails: Iterable<string>): Promise<PersonRenderer> {
      const ids = new Map<string, string>();
      if (slack.live) {
        for (const email of new Set(emails)) {
          const ref = await slackUsers.lookup(email).catch(() => null);
          if (ref) ids.set(email, ref.id);
        }
      }
      return (email) => {
        const id = ids.get(email);
        return id ? `<@${id}>` : escapeMrkdwn(name(email));
      };
    },
    /** Plain names (ephemeral answers, where a mention would not notify anyway). */
    names: ((email: string) => escapeMrkdwn(name(email))) as PersonRenderer,
  };
}

export type SlackPeople = ReturnType<typeof createSlackPeople>;
