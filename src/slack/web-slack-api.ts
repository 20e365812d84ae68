import { ErrorCode, WebClient, type WebAPICallResult } from "@slack/web-api";
import { SlackApiError, type SlackApi } from "./slack-api.js";

/**
 * SlackApi over @slack/web-api. The client's own retries are off: a retry is
 * the job runner's decision, made only when a repeat cannot double-post.
 */
export function createWebSlackApi(token: string, apiUrl: string | null): SlackApi {
  const client = new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });

  async function call<T extends WebAPICallResult>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toSlackApiError(error);
    }
  }

  return {
    live: true,
    async postMessage({ channel, text, blocks, threadTs }) {
      const r = await call(() =>
        client.chat.postMessage({ channel, text, ...(blocks ? { blocks } : {}), ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false }),
      );
      return { channel: r.channel ?? channel, ts: r.ts ?? "" };
    },
    async updateMessage({ channel, ts, text, blocks }) {
      await call(() => client.chat.update({ channel, ts, text, ...(blocks ? { blocks } : {}) }));
    },
    async userGroupMembers(group) {
      const handle = group.replace(/^@/, "");
      const list = await call(() => client.usergroups.list({ include_users: true }));
      const found = (list.usergroups ?? []).find((g) => g.id === handle || g.handle === handle);
      if (!found?.id) return null;
      const members = await call(() => client.usergroups.users.list({ usergroup: found.id! }));
      return members.users ?? [];
    },
    async userEmail(userId) {
      const info = await call(() => client.users.info({ user: userId }));
      return info.user?.profile?.email?.toLowerCase() ?? null;
    },
    async userInfo(userId) {
      try {
        const info = await client.users.info({ user: userId });
        if (!info.user) return null;
        return { email: info.user.profile?.email?.toLowerCase() ?? null, tz: info.user.tz ?? null };
      } catch (error) {
        const e = toSlackApiError(error);
        if (e.code === "user_not_found") return null;
        throw e;
      }
    },
    async userGroupId(group) {
      const handle = group.replace(/^@/, "");
      const list = await call(() => client.usergroups.list({}));
      return (list.usergroups ?? []).find((g) => g.id === handle || g.handle === handle)?.id ?? null;
    },
    async setUserGroupMembers(groupId, userIds) {
      await call(() => client.usergroups.users.update({ usergroup: groupId, users: userIds.join(",") }));
    },
    async lookupUserByEmail(email) {
      try {
        const r = await client.users.lookupByEmail({ email });
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
