import type { SlackApi } from "./slack-api.js";

/**
 * Used when SLACK_BOT_TOKEN is not set: calpage still runs, and prints what it
 * would have posted so the path from alert to message can be seen.
 */
export function createLogOnlySlackApi(log: (line: string) => void): SlackApi {
  let n = 0;
  const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++n).padStart(6, "0")}`;
  return {
    live: false,
    async postMessage({ channel, text, threadTs }) {
      log(`[slack disabled] would post to ${channel}${threadTs ? ` (thread ${threadTs})` : ""}: ${text}`);
      return { channel, ts: ts() };
    },
    async findGroupMessage() {
      return null;
    },
    async channelIdByName() {
      return null;
    },
    async updateMessage({ channel, ts: at, text }) {
      log(`[slack disabled] would update ${channel} ${at}: ${text}`);
    },
    async userGroupMembers(group) {
      log(`[slack disabled] cannot list the members of user group ${group}`);
      return null;
    },
    async userEmail() {
      return null;
    },
    async userInfo() {
      return null;
    },
    async channelMembers() {
      return null;
    },
    async userGroupId(group) {
      log(`[slack disabled] cannot look up user group ${group}`);
      return null;
    },
    async setUserGroupMembers(groupId, userIds) {
      log(`[slack disabled] would set the members of user group ${groupId} to ${userIds.join(", ")}`);
    },
    async lookupUserByEmail(email) {
      return { id: `(${email})`, tz: null };
    },
  };
}
