import type { UserConfig } from "../config/config-types.js";
import type { SlackApi } from "./slack-api.js";

export interface SlackUserRef {
  id: string;
  tz: string | null;
}

/**
 * Finds people's Slack ids by email (`users.lookupByEmail`), remembering answers
 * for an hour, misses for five minutes. A `slack_id` in calpage.yaml wins.
 */
export function createSlackUserCache(slack: SlackApi, users: ReadonlyMap<string, UserConfig>, now: () => number = Date.now) {
  const cache = new Map<string, { ref: SlackUserRef | null; until: number }>();
  return {
    async lookup(email: string): Promise<SlackUserRef | null> {
      const configured = users.get(email)?.slackId;
      if (configured) return { id: configured, tz: null };
      const hit = cache.get(email);
      if (hit && hit.until > now()) return hit.ref;
      const ref = await slack.lookupUserByEmail(email);
      cache.set(email, { ref, until: now() + (ref ? 3_600_000 : 300_000) });
      return ref;
    },
    /** Reverse lookup among cached answers: Slack id -> email. */
    emailFor(slackId: string): string | null {
      for (const u of users.values()) if (u.slackId === slackId) return u.email;
      for (const [email, v] of cache) if (v.ref?.id === slackId) return email;
      return null;
    },
  };
}

export type SlackUserCache = ReturnType<typeof createSlackUserCache>;
