import { ErrorCode, LogLevel, WebClient, type WebAPICallResult } from "@slack/web-api";
import { SlackApiError, type SlackApi } from "./slack-api.js";

/** Message metadata type on a group's root message. */
const GROUP_EVENT_TYPE = "calpage_alert_group";

/**
 * SlackApi over @slack/web-api. The client's own retries are off: a retry is
 * the job runner's decision, made only when a repeat cannot double-post.
 */
/** Told of every Web API call: its method, how it went (ok, rate_limited, slack_error, failed) and how long it took. */
export type SlackCallObserver = (method: string, outcome: "ok" | "rate_limited" | "slack_error" | "failed", seconds: number) => void;

export function createWebSlackApi(token: string, apiUrl: string | null, observe?: SlackCallObserver): SlackApi {
  const client = new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    // Failures are the caller's to report (thread log, job errors); the client's own warnings only repeat them.
    logLevel: LogLevel.ERROR,
  });

  async function call<T extends WebAPICallResult>(method: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const r = await fn();
      observe?.(method, "ok", (performance.now() - started) / 1000);
      return r;
    } catch (error) {
      const e = toSlackApiError(error);
      const outcome = e.code === "ratelimited" ? "rate_limited" : e.notSent ? "slack_error" : "failed";
      observe?.(method, outcome, (performance.now() - started) / 1000);
      throw e;
    }
  }

  return {
    live: true,
    async postMessage({ channel, text, blocks, threadTs, groupId }) {
      const r = await call("chat.postMessage", () => client.chat.postMessage({
          channel,
          text,
          ...(blocks ? { blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(groupId ? { metadata: { event_type: GROUP_EVENT_TYPE, event_payload: { group_id: groupId } } } : {}),
          unfurl_links: false,
        }),
      );
      return { channel: r.channel ?? channel, ts: r.ts ?? "" };
    },
    async channelIdByName(name) {
      const wanted = name.replace(/^#/, "").toLowerCase();
      let cursor: string | undefined;
      // Bounded: 20 pages of 1,000 channels.
      for (let page = 0; page < 20; page++) {
        const r = await call("conversations.list", () => client.conversations.list({ types: "public_channel,private_channel", exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) }),
        );
        const found = (r.channels ?? []).find((c) => c.name?.toLowerCase() === wanted);
        if (found?.id) return found.id;
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
    },
    async findGroupMessage(channelId, groupId, oldestMs) {
      let cursor: string | undefined;
      // A few pages of 200 cover any channel between a crash and the restart; the search is bounded either way.
      for (let page = 0; page < 5; page++) {
        const r = await call("conversations.history", () => client.conversations.history({
            channel: channelId,
            oldest: (oldestMs / 1000).toFixed(6),
            inclusive: true,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }),
        );
        const found = (r.messages ?? []).find(
          (m) => m.metadata?.event_type === GROUP_EVENT_TYPE && (m.metadata.event_payload as { group_id?: unknown } | undefined)?.group_id === groupId,
        );
        if (found?.ts) return found.ts;
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!r.has_more || !cursor) return null;
      }
      return null;
    },
    async updateMessage({ channel, ts, text, blocks }) {
      await call("chat.update", () => client.chat.update({ channel, ts, text, ...(blocks ? { blocks } : {}) }));
    },
    async userGroupMembers(group) {
      const handle = group.replace(/^@/, "");
      const list = await call("usergroups.list", () => client.usergroups.list({ include_users: true }));
      const found = (list.usergroups ?? []).find((g) => g.id === handle || g.handle === handle);
      if (!found?.id) return null;
      const members = await call("usergroups.users.list", () => client.usergroups.users.list({ usergroup: found.id! }));
      return members.users ?? [];
    },
    async userEmail(userId) {
      const info = await call("users.info", () => client.users.info({ user: userId }));
      return info.user?.profile?.email?.toLowerCase() ?? null;
    },
    async userInfo(userId) {
      try {
        const info = await call("users.info", () => client.users.info({ user: userId }));
        const u = info.user;
        if (!u) return null;
        return {
          email: u.profile?.email?.toLowerCase() ?? null,
          tz: u.tz ?? null,
          name: u.real_name || u.profile?.real_name || u.name || null,
          deleted: u.deleted === true,
          guest: u.is_restricted === true || u.is_ultra_restricted === true,
        };
      } catch (error) {
        const e = toSlackApiError(error);
        if (e.code === "user_not_found") return null;
        throw e;
      }
    },
    async channelMembers(channel) {
      const members: string[] = [];
      let cursor: string | undefined;
      // Bounded: 20 pages of 1,000 members.
      for (let page = 0; page < 20; page++) {
        let r;
        try {
          r = await call("conversations.members", () => client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) }));
        } catch (error) {
          const e = toSlackApiError(error);
          if (e.code === "channel_not_found" || e.code === "not_in_channel" || e.code === "missing_scope") return null;
          throw e;
        }
        members.push(...(r.members ?? []));
        cursor = r.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      return members;
    },
    async userGroupId(group) {
      const handle = group.replace(/^@/, "");
      const list = await call("usergroups.list", () => client.usergroups.list({}));
      return (list.usergroups ?? []).find((g) => g.id === handle || g.handle === handle)?.id ?? null;
    },
    async setUserGroupMembers(groupId, userIds) {
      await call("usergroups.users.update", () => client.usergroups.users.update({ usergroup: groupId, users: userIds.join(",") }));
    },
    async lookupUserByEmail(email) {
      try {
        const r = await call("users.lookupByEmail", () => client.users.lookupByEmail({ email }));
        return r.user?.id ? { id: r.user.id, tz: r.user.tz ?? null } : null;
      } catch (error) {
        const e = toSlackApiError(error);
        if (e.code === "users_not_found") return null;
        throw e;
      }
    },
  };
}

function toSlackApiError(error: unknown): SlackApiError {
  if (error instanceof SlackApiError) return error;
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackApiError("rate limited by Slack", "ratelimited", true, (e.retryAfter ?? 1) * 1000);
    case ErrorCode.PlatformError:
      // Slack answered ok:false: it did not post.
      return new SlackApiError(`Slack error: ${e.data?.error ?? "unknown"}`, e.data?.error ?? "unknown", true);
    case ErrorCode.HTTPError:
      return new SlackApiError(`Slack HTTP ${e.statusCode ?? "error"}`, `http_${e.statusCode ?? 0}`, false);
    default:
      return new SlackApiError(e.message ?? String(error), "request_failed", false);
  }
}
