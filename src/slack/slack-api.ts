import type { KnownBlock } from "@slack/types";

export interface SlackMessage {
  text: string;
  blocks?: KnownBlock[];
}

/** The Slack Web API calls calpage's jobs make; Bolt listeners use Bolt's own client. */
export interface SlackApi {
  /** False when no bot token is configured (messages are only logged). */
  readonly live: boolean;
  /** `groupId` marks a group's root message (Slack message metadata), so {@link findGroupMessage} can find it again. */
  postMessage(args: SlackMessage & { channel: string; threadTs?: string; groupId?: string }): Promise<{ channel: string; ts: string }>;
  /**
   * The ts of the root message marked with `groupId` posted in the channel (an id, C…)
   * at or after `oldestMs`; null when there is none (`conversations.history`).
   */
  findGroupMessage(channelId: string, groupId: string, oldestMs: number): Promise<string | null>;
  /** The id of a channel by its name (`#alerts` or `alerts`), from `conversations.list`; null when not found. */
  channelIdByName(name: string): Promise<string | null>;
  updateMessage(args: SlackMessage & { channel: string; ts: string }): Promise<void>;
  lookupUserByEmail(email: string): Promise<{ id: string; tz: string | null } | null>;
  /** Member ids of a user group given by handle (without @) or id (S…); null when there is no such group. */
  userGroupMembers(group: string): Promise<string[] | null>;
  /** A member's email (needs users:read.email); null when hidden or unknown. */
  userEmail(userId: string): Promise<string | null>;
  /** A member's email, IANA time zone, name and standing (`users.info`); null when Slack does not know the id. */
  userInfo(userId: string): Promise<SlackUserInfo | null>;
  /** Member ids of a channel (`conversations.members`, all pages); null when calpage cannot see the channel. */
  channelMembers(channel: string): Promise<string[] | null>;
  /** The id (S…) of a user group given by handle (without @) or id; null when there is no such group. */
  userGroupId(group: string): Promise<string | null>;
  /** Replaces a user group's members (`usergroups.users.update`; Slack refuses an empty list). */
  setUserGroupMembers(groupId: string, userIds: string[]): Promise<void>;
}

export interface SlackUserInfo {
  email: string | null;
  tz: string | null;
  /** Real name, else the display handle. */
  name: string | null;
  /** Deactivated account. */
  deleted: boolean;
  /** Single- or multi-channel guest (`is_restricted` / `is_ultra_restricted`). */
  guest: boolean;
}

/**
 * A failed Slack call. `notSent` is true when Slack certainly did not act on it
 * (rate limited, rejected), so it is safe to try again without a double post.
 */
export class SlackApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly notSent: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "SlackApiError";
  }
}
